"""Every case endpoint × who calls it: anonymous → 401; a role that may not issue the command →
403; a case outside what the caller may see → 404, identical to a case that does not exist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from liandong.bootstrap import bootstrap
from liandong.config import Settings
from liandong.domain.access import COMMAND_ROLES
from liandong.server.app import create_app
from tests.factories.deployments import app_client, deployed, signed_in
from tests.support.clock import ManualTime

LATER = (datetime.now(UTC) + timedelta(days=60)).isoformat()
BODIES: dict[str, dict[str, Any] | None] = {
    "return": {"reason": "x", "category": "not_our_duty"}, "return-decision": {"decision": "uphold"},
    "redispatch": {"lead": "320213-public_security"}, "extension": {"reason": "x", "until": LATER},
    "extension-decision": {"approve": True}, "escalate": {"reason": "x"},
    "resource": {"resource": "噪声检测车"}, "resource-decision": {"approve": True},
    "shelve": {"reason": "x", "until": LATER}, "pause": {"reason": "x"},
    "summons": {"departments": ["320213-public_security"]}, "summons-answer": {},
    "summons-rating": {"department": "320213-public_security", "score": 5},
    "assist-report": {"summary": "x"}, "resolve": {"summary": "x"}, "follow-up": {},
    "message": {"text": "x"}, "verify-follow-up": {},
    "merge": {"into": "nope"}, "scope": {"added": ["320213018"]}, "heat": {"heat": 10},
    "reclassify": {"matter": "construction_noise"},
    "adjudicate": {"finding": "unreasonable", "reason": "x"}, "adjudication-appeal": {"reason": "x"},
    "appeal-ruling": {"decision": "uphold", "reason": "x"}, "moderate": {"shown": "no", "reason": "x"},
}
PEOPLE = {  # username: (department, roles)
    "lead": ("320213-urban_management", ["handler"]),
    "centre": ("320200-gov", ["dispatcher"]),
    "analyst": ("320200-gov", ["analyst"]),  # sees the case, may issue nothing
    "suzhou_handler": ("320506-urban_management", ["handler", "leader", "dispatcher"]),  # elsewhere
    "citizen": (None, ["citizen"]),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, dict[str, dict[str, str]], str]:
    folder: Path = tmp_path_factory.mktemp("matrix")
    platform = deployed(Settings(data_dir=folder), ("320213", "320506"), PEOPLE)
    client = app_client(None, platform)
    headers = signed_in(client, PEOPLE)
    two_streets = ["320213001", "320213015"]
    cid = client.post("/api/cases", json={"matter": "social_life_noise", "affected": two_streets,
                                          "description": "噪声"}).json()["case_id"]
    assert client.post(f"/api/cases/{cid}/dispatch", headers=headers["centre"]).status_code == 200
    return client, headers, cid


COMMANDS = sorted(COMMAND_ROLES)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_endpoint(world: Any, command: str) -> None:
    client, headers, cid = world
    body = BODIES.get(command)

    def call(case_id: str, who: str | None) -> Any:
        return client.post(f"/api/cases/{case_id}/{command}", json=body,
                           headers=headers[who] if who else {})

    assert call(cid, None).status_code == 401
    assert call(cid, "citizen").status_code == 403  # citizens issue no case commands
    refused = call(cid, "analyst")
    assert refused.status_code == 403 and refused.json()["code"] == "access.role_required"
    hidden, missing = call(cid, "suzhou_handler"), call("doesnotexist0000", "suzhou_handler")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"] == "case.unknown"
    assert set(hidden.json()) == set(missing.json())
    allowed = "lead" if COMMAND_ROLES[command] & {"handler"} else "centre"  # type: ignore[operator]
    answer = call(cid, allowed).json()  # may still be refused by the case's own rules, never by access
    assert answer.get("code") not in ("account.sign_in_required", "access.role_required"), answer
    if answer.get("code") == "case.unknown":
        assert answer["details"]["case_id"] != cid  # e.g. merging into a case that does not exist


@pytest.mark.parametrize("path", ["", "/timeline", "/receipt"])
def test_every_case_read(world: Any, path: str) -> None:
    client, headers, cid = world
    assert client.get(f"/api/cases/{cid}{path}").status_code == 401
    for outsider in ("suzhou_handler", "citizen"):
        hidden = client.get(f"/api/cases/{cid}{path}", headers=headers[outsider])
        missing = client.get(f"/api/cases/doesnotexist0000{path}", headers=headers[outsider])
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["code"] == missing.json()["code"] == "case.unknown"
    for insider in ("lead", "centre", "analyst"):
        assert client.get(f"/api/cases/{cid}{path}", headers=headers[insider]).status_code in (200, 404)
    assert client.get(f"/api/cases/{cid}", headers=headers["lead"]).status_code == 200


def test_inboxes(world: Any) -> None:
    client, headers, _ = world
    assert client.get("/api/inbox/320213-urban_management", headers=headers["lead"]).status_code == 200
    assert client.get("/api/inbox/320213-urban_management", headers=headers["analyst"]).status_code == 200
    assert client.get("/api/inbox/320213-urban_management",
                      headers=headers["suzhou_handler"]).status_code == 403
    assert client.get("/api/inbox/320213-urban_management", headers=headers["citizen"]).status_code == 403


def test_reporters_never_leak_to_those_who_may_not_see_them(world: Any,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    client, headers, _ = world
    caplog.set_level("DEBUG")
    cid = client.post("/api/cases", json={"matter": "social_life_noise",
                                          "affected": ["320213001", "320213015"],
                                          "description": "噪声", "reporter_name": "欧阳娜娜",
                                          "reporter_phone": "13912345678"}).json()["case_id"]
    client.post(f"/api/cases/{cid}/dispatch", headers=headers["centre"])
    secrets_ = ("欧阳娜娜", "13912345678")
    seen_by_lead = client.get(f"/api/cases/{cid}", headers=headers["lead"]).text
    assert all(s in seen_by_lead for s in secrets_)  # the lead sees the reporter
    responses = [client.get(f"/api/cases/{cid}", headers=headers["analyst"]),
                 client.get(f"/api/cases/{cid}/timeline", headers=headers["analyst"]),
                 client.get(f"/api/cases/{cid}/timeline", headers=headers["lead"]),
                 client.get("/api/inbox/320213-urban_management", headers=headers["analyst"]),
                 client.get(f"/api/cases/{cid}", headers=headers["suzhou_handler"]),
                 client.get("/open311/v2/requests.json"), client.get(f"/open311/v2/requests/{cid}.xml")]
    for response in responses:
        assert not any(s in response.text for s in secrets_), response.text[:200]
    assert "欧***" in responses[0].text and "139****5678" in responses[0].text
    assert not any(s in caplog.text for s in secrets_)


def test_oversized_bodies_and_anonymous_floods_are_refused(tmp_path: Path, limits_clock: ManualTime) -> None:
    platform = bootstrap(Settings(data_dir=tmp_path))
    client = TestClient(create_app(Settings(data_dir=tmp_path, public_intake_limit="3/minute",
                                            max_body_bytes=2000), platform=platform),
                        base_url="http://127.0.0.1")
    huge = client.post("/api/cases", content=b"{" + b" " * 5000 + b"}",
                       headers={"Content-Type": "application/json"})
    assert huge.status_code == 413 and huge.json()["code"] == "request.too_large"
    body = {"matter": "social_life_noise", "affected": ["320213001"], "description": "噪声"}
    statuses = [client.post("/api/cases", json=body).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    refused = client.post("/api/cases", json=body, headers={"Accept-Language": "en"})
    assert refused.json()["code"] == "request.rate_limited" and "Too many" in refused.json()["message"]
    malformed = client.post("/api/cases", content=b"{not json", headers={"Content-Type": "application/json",
                                                                        "Authorization": "Bearer x"})
    assert malformed.status_code in (401, 422)
    with platform.uow() as uow:
        assert len(uow.case_reads.recent_ids()) == 3  # nothing refused was stored
    limits_clock.advance(120)  # two minutes on, the address may report again
    assert client.post("/api/cases", json=body).status_code == 201
