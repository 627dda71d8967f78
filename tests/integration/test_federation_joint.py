"""Joint handling across nodes (issue 27 point 3, decision 0053) on real nats-server processes: a Taihu
case reported and dispatched in Jiangsu is led by the centre's 生态环境部 with the provinces' departments
co-present; its status and deadlines reach the centre and Zhejiang, whose copies equal Jiangsu's; a
command the centre's lead issues is forwarded to Jiangsu, run there and answered, both ledgers holding
the forward; a command the home refuses comes back refused with the reason; a node may not speak for
another node's department nor about a case not shared with it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.federation import joint
from liandong.federation.node import FederationNode
from tests.support.federation import CENTRE, Federation, federation_on, until

JIANGSU, ZHEJIANG = "320000", "330000"
TAIHU = ("320213001", "330502001")  # 崇安寺街道 (无锡), 月河街道 (湖州)
LEAD = "100000-eco_environment"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Federation]:
    with federation_on(request, tmp_path, "liandong_joint") as federated:
        yield federated


def settle(fed: Federation, done: object, say: str, deadline: float = 30.0) -> None:
    def ready() -> bool:
        fed.run_once(wait=0.1)
        return bool(done())  # type: ignore[operator]

    until(ready, deadline=deadline, say=say, fed=fed)


def copies(fed: Federation, case_id: str) -> dict[str, joint.SharedCase | None]:
    return {scope: next(iter(joint.shared(node, case_id)), None) for scope, node in fed.nodes.items()}


def same_everywhere(fed: Federation, case_id: str) -> bool:
    home = fed.nodes[JIANGSU]
    with home.platform.uow() as uow:
        now = joint.status_of(home, uow, case_id)
    return all(copy == now for copy in copies(fed, case_id).values())


def events(node: FederationNode, kind: str) -> list[dict[str, object]]:
    with node.platform.uow() as uow:
        leaves = [json.loads(leaf) for _, _, leaf in uow.ledger.leaves()]
    return [e["event"] for e in leaves if e.get("stream") == "federation" and e["event"]["type"] == kind]


def test_the_centre_leads_a_taihu_case_held_in_jiangsu_and_its_commands_are_forwarded(
        fed: Federation) -> None:
    js, centre, zj = fed.nodes[JIANGSU], fed.nodes[CENTRE], fed.nodes[ZHEJIANG]
    bus = js.platform.bus()
    case_id = bus.handle(c.ReportCase(by="reporter", matter="water_pollution", affected=TAIHU,
                                      description="太湖蓝藻", reporter_name="李四")).case_id
    bus.handle(c.DispatchCase(by=f"{JIANGSU}-gov", case_id=case_id))
    settle(fed, lambda: same_everywhere(fed, case_id), "the dispatched status at every node")
    shared = copies(fed, case_id)[CENTRE]
    assert shared is not None and (shared.home, shared.state, shared.lead, shared.lead_node) == (
        JIANGSU, "dispatched", LEAD, CENTRE)
    roles = dict(shared.members)
    # the provinces' departments co-present (共同在场)
    assert roles[f"{JIANGSU}-eco_environment"] == roles[f"{ZHEJIANG}-eco_environment"] == "supervise"
    assert shared.ack_due is not None and shared.due is not None and shared.due > shared.ack_due

    command_id = joint.issue(centre, c.AcknowledgeCase(by=LEAD, case_id=case_id), key="ack-1")
    assert joint.issue(centre, c.AcknowledgeCase(by=LEAD, case_id=case_id), key="ack-1") == command_id
    settle(fed, lambda: (joint.commands(centre, case_id)[0].outcome == "done"
                         and same_everywhere(fed, case_id)),
           "the acknowledgement forwarded, run in Jiangsu and answered")
    assert copies(fed, case_id)[ZHEJIANG].state == "acknowledged"  # type: ignore[union-attr]
    (sent,), (run,) = events(centre, "CommandForwarded"), events(js, "CommandReceived")
    assert (sent["command"], sent["to"], sent["by"]) == (command_id, JIANGSU, LEAD)
    assert (run["command"], run["from"], run["outcome"], run["digest"]) == (command_id, CENTRE, "done",
                                                                            sent["digest"])

    # Zhejiang's department may assist, not start the handling: refused at the home, the reason sent back
    refused = joint.issue(zj, c.StartHandling(by=f"{ZHEJIANG}-eco_environment", case_id=case_id))
    settle(fed, lambda: joint.commands(zj, case_id)[0].outcome != "pending", "the refusal answered")
    (row,) = joint.commands(zj, case_id)
    assert (row.command_id, row.outcome) == (refused, "refused") and row.reason_code
    assert row.reason is not None and " / " in row.reason  # 中文 / English
    assert copies(fed, case_id)[JIANGSU].state == "acknowledged"  # type: ignore[union-attr]

    with pytest.raises(DomainError) as other:  # Zhejiang does not speak for the centre's department
        joint.forward(zj, c.StartHandling(by=LEAD, case_id=case_id))
    assert other.value.code == "federation.not_their_department"
    with pytest.raises(DomainError) as unknown:
        joint.forward(centre, c.StartHandling(by=LEAD, case_id="C-NOT-SHARED"))
    assert unknown.value.code == "federation.case_not_shared"
    assert len(joint.commands(zj)) == 1 and len(joint.commands(centre)) == 1

    # the same from the command line of the centre's node, and each node's copy shown
    from typer.testing import CliRunner

    from liandong.cli import app

    def cli(scope: str, *args: str, code: int = 0) -> str:
        config = str(fed.directory / f"{scope}.toml")
        result = CliRunner().invoke(app, ["federation", *args, "--config", config, "--lang", "en"])
        assert result.exit_code == code, result.output
        return " ".join(result.output.split())

    said = cli(CENTRE, "issue", "start", case_id, "--by", LEAD, "--key", "start-1")
    assert f"forwarded to the case's home node {JIANGSU}: {CENTRE}-cmd-start-1" in said
    settle(fed, lambda: same_everywhere(fed, case_id) and copies(fed, case_id)[CENTRE].state == "in_progress",
           "the start issued on the command line")  # type: ignore[union-attr]
    shown = json.loads(cli(ZHEJIANG, "cases", "--json"))
    assert [(k["case_id"], k["state"], k["lead_node"]) for k in shown["cases"]] == [(case_id, "in_progress",
                                                                                     CENTRE)]
    assert [(k["command"], k["outcome"]) for k in shown["commands"]] == [("start", "refused")]
    listed = cli(CENTRE, "cases")
    assert f"{case_id} In progress lead {LEAD} (node {CENTRE}) home {JIANGSU}" in listed
    assert f"command {CENTRE}-cmd-start-1: start ({LEAD}) with node {JIANGSU}: done" in listed
    assert "allowed: report, dispatch" in cli(CENTRE, "issue", "fly", case_id, "--by", LEAD, code=2)
    assert "allowed:" in cli(CENTRE, "issue", "resolve", case_id, "--by", LEAD, "--param", "colour=1", code=2)

    for node in fed.nodes.values():
        node.platform.record().checkpoint()
        assert node.platform.record().verify().ok, node.me
    from sqlalchemy import text

    assert js.platform.engine is not None
    with js.platform.engine.begin() as conn:  # the row that accounts for the forward's entry, edited
        conn.execute(text("UPDATE federation_command SET digest = :d"), {"d": "0" * 64})
    finding = js.platform.record().verify().state
    assert finding is not None and finding.mismatch is not None
    assert finding.mismatch.params["field"] == "digest"
