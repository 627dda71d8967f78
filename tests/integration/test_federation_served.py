"""Shared cases reach people (issue 27, decision 0056), with the federation loop inside ``liandong serve``:
the centre's node is a server started with its federation file (its loop, sweep, relay and receiver, in
the server process, started and stopped with it), the provinces' nodes run their rounds in the test. A
Taihu case reported and dispatched in Jiangsu appears in the 待办 of the centre's 生态环境部 — the API's
inbox and the web's — with its state and deadline; the department acknowledges it through the API and
starts it through the web page, each command forwarded to Jiangsu, run there, its outcome shown back.
One federation (three nats-servers) for the module."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.federation import joint
from liandong.server.app import create_app
from liandong.services.accounts import create_account
from tests.support.federation import CENTRE, Federation, federation_on, until

JIANGSU, ZHEJIANG = "320000", "330000"
TAIHU = ("320213001", "330502001")  # 崇安寺街道 (无锡), 月河街道 (湖州)
LEAD = "100000-eco_environment"
DISPATCHER = f"{JIANGSU}-gov"


@dataclass
class Served:
    fed: Federation
    client: TestClient
    case_id: str

    def settle(self, done: Callable[[], object], say: str, deadline: float = 30.0) -> None:
        """Rounds of the provinces' nodes (the centre's runs in its server) until ``done()``."""
        def ready() -> bool:
            for scope in (JIANGSU, ZHEJIANG):
                node = self.fed.nodes[scope]
                node.sweep()
                node.relay_once()
                node.receive_once(wait=0.05)
            return bool(done())

        until(ready, deadline=deadline, say=say, fed=self.fed)

    def home_state(self) -> str:
        with self.fed.nodes[JIANGSU].platform.uow() as uow:
            case = uow.cases.get(self.case_id)
        assert case is not None
        return case.record.state.value

    def api(self, path: str) -> Any:
        answer = self.client.get(path)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with federation_on(request, tmp_path_factory.mktemp("served"), "liandong_served") as fed:
        centre = fed.platforms[CENTRE]
        with centre.uow() as uow:
            create_account(uow=uow, username="centre_eco", password="password-1", department=LEAD,
                           roles=("handler",), now=datetime.now(UTC))
            uow.commit()
        settings = Settings(data_dir=fed.directory / f"node-{CENTRE}",
                            federation=fed.directory / f"{CENTRE}.toml", ledger_audit_seconds=0,
                            heat_sweep_seconds=0)
        app = create_app(settings, centre)
        with TestClient(app, base_url="http://127.0.0.1") as client:
            loop = app.state.federation
            assert loop is not None and loop.running  # started with the server
            token = client.post("/api/auth/token", json={"username": "centre_eco", "password": "password-1"})
            assert token.status_code == 200, token.text
            client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            client.cookies.set("ld_session", token.json()["access_token"])
            js = fed.nodes[JIANGSU]
            case_id = js.platform.bus().handle(c.ReportCase(
                by="reporter", matter="water_pollution", affected=TAIHU, description="太湖蓝藻水华",
                reporter_name="王五", reporter_phone="13900000002")).case_id
            joint.issue(js, c.DispatchCase(by=DISPATCHER, case_id=case_id))
            yield Served(fed, client, case_id)
        assert not loop.running  # stopped with the server


def test_a_shared_case_is_in_the_centre_departments_inbox_and_is_acted_on_through_the_api(
        served: Served) -> None:
    case_id, inbox = served.case_id, f"/api/inbox/{LEAD}"

    def listed() -> list[dict[str, Any]]:
        return [i for i in served.api(inbox)["items"] if i["subject_id"] == case_id]

    served.settle(listed, "the Taihu case in the inbox of the centre's 生态环境部 (its server's loop)")
    (row,) = listed()
    copy = joint.shared(served.fed.nodes[CENTRE], case_id)[0]
    assert (row["home"], row["action"], row["state"], row["subject"]) == (
        JIANGSU, "acknowledge", "dispatched", "case")
    assert row["due"] is not None and datetime.fromisoformat(row["due"]) == copy.ack_due
    assert row["matter"] == "water_pollution" and row["number"] and row["countdown"]
    shown = served.api(f"/api/shared/{case_id}")
    assert (shown["home"], shown["lead"], shown["lead_node"], shown["offered"]) == (JIANGSU, LEAD, CENTRE,
                                                                                    ["acknowledge"])

    sent = served.client.post(f"/api/shared/{case_id}/acknowledge", json={"key": "ack-api"})
    assert sent.status_code == 202, sent.text
    assert sent.json()["home"] == JIANGSU and sent.json()["command_id"] == f"{CENTRE}-cmd-ack-api"
    served.settle(lambda: served.api(f"/api/shared/{case_id}")["state"] == "acknowledged",
                  "the acknowledgement forwarded by the server's loop, run in Jiangsu, its status back")
    assert served.home_state() == "acknowledged"
    shown = served.api(f"/api/shared/{case_id}")
    assert [(k["id"], k["outcome"]) for k in shown["commands"]] == [(f"{CENTRE}-cmd-ack-api", "done")]
    assert shown["offered"] == ["start"]
    (row,) = listed()
    assert (row["action"], row["home"]) == ("handle", JIANGSU)

    # refused at the edge, nothing forwarded: a command the user's roles do not allow, a case not shared
    assert served.client.post(f"/api/shared/{case_id}/dispatch", json={}).status_code == 403
    assert served.client.post("/api/shared/no-such-case/start", json={}).status_code == 404
    assert len(joint.commands(served.fed.nodes[CENTRE], case_id)) == 1


def test_the_web_inbox_shows_the_shared_case_and_its_page_forwards_a_command(served: Served) -> None:
    case_id = served.case_id
    served.settle(lambda: served.client.get(f"/api/shared/{case_id}").status_code == 200,
                  "the Taihu case shared with the centre (by the API test, or here)")
    if served.api(f"/api/shared/{case_id}")["state"] == "dispatched":  # run alone: acknowledged here
        served.client.post(f"/api/shared/{case_id}/acknowledge", json={"key": "ack-web"})
    served.settle(lambda: served.api(f"/api/shared/{case_id}")["state"] == "acknowledged",
                  "the case acknowledged (by the API test, or here)")
    page = served.client.get("/work", params={"lang": "en"})
    assert page.status_code == 200
    assert f'href="/work/shared/{case_id}?lang=en"' in page.text
    assert f"held at node {JIANGSU}" in page.text
    shared = served.client.get(f"/work/shared/{case_id}", params={"lang": "zh"})
    assert shared.status_code == 200 and f'data-home="{JIANGSU}"' in shared.text
    assert 'data-command="start"' in shared.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', shared.text)
    assert csrf is not None
    done = served.client.post(f"/work/shared/{case_id}/act", params={"lang": "en"},
                              data={"csrf": csrf.group(1), "command": "start", "key": "start-web"})
    assert done.status_code == 200, done.text
    assert f"Command {CENTRE}-cmd-start-web was forwarded to node {JIANGSU}" in done.text
    served.settle(lambda: served.home_state() == "in_progress"
                  and served.api(f"/api/shared/{case_id}")["state"] == "in_progress",
                  "the start from the web page run in Jiangsu and its status back at the centre")
    again = served.client.get(f"/work/shared/{case_id}", params={"lang": "en"})
    assert f'data-outcome="done">{CENTRE}-cmd-start-web' in again.text
    assert 'data-command="resolve"' in again.text  # what the lead may do next
    for node in served.fed.nodes.values():
        node.platform.record().checkpoint()
        assert node.platform.record().verify().ok


def test_serve_refuses_a_bad_federation_file_and_more_than_one_worker_for_a_node(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from liandong.cli import app

    bad = tmp_path / "node.toml"
    bad.write_text('[node]\nscope = "320000"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--federation", str(bad), "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "缺少“nats”" in result.output, result.output  # the section named
    result = CliRunner().invoke(app, ["serve", "--federation", str(bad), "--workers", "2",
                                      "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "--workers" in result.output, result.output
