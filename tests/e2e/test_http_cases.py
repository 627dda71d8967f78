"""The closed loop through the REST API of a real server, ending with a receipt that verifies."""

from __future__ import annotations

import json
import time

import httpx

from liandong.ledger.receipt import check_receipt
from tests.factories.accounts import token


def test_report_to_archive_over_http(server: str) -> None:
    centre = token(server, "centre")
    handler = token(server, "liangxi_chengguan")
    body = {"matter": "social_life_noise", "affected": ["320213001", "320213015"],
            "description": "广场舞噪声", "reporter_name": "张三", "reporter_phone": "13812345678"}
    first = httpx.post(f"{server}/api/cases", json=body, headers={"Idempotency-Key": "e2e-1"})
    assert first.status_code == 201
    cid = first.json()["case_id"]
    again = httpx.post(f"{server}/api/cases", json=body, headers={"Idempotency-Key": "e2e-1"})
    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True, "events": [], "tracking_code": None}
    changed = httpx.post(f"{server}/api/cases", json={**body, "description": "别的"},
                         headers={"Idempotency-Key": "e2e-1"})
    assert changed.status_code == 409 and changed.json()["code"] == "case.idempotency_mismatch"

    assert httpx.post(f"{server}/api/cases/{cid}/dispatch").status_code == 401  # not signed in
    assert httpx.post(f"{server}/api/cases/{cid}/dispatch", headers=handler).status_code == 403
    assert httpx.post(f"{server}/api/cases/{cid}/dispatch", headers=centre).status_code == 200
    case = httpx.get(f"{server}/api/cases/{cid}", headers=centre).json()
    lead = case["lead"]
    assert lead == "320213-urban_management" and case["owner"] == "320213"
    assert case["reasons"][0] == "所涉区划的最近共同上级为梁溪区（县级）"
    assert (case["reporter_name"], case["reporter_phone"]) == ("张三", "13812345678")  # intake sees it
    stale = httpx.post(f"{server}/api/cases/{cid}/acknowledge", headers=handler,
                       params={"expected_version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "case.conflict"
    assert httpx.post(f"{server}/api/cases/{cid}/acknowledge", headers=handler).status_code == 200
    inbox = httpx.get(f"{server}/api/inbox/{lead}", headers=handler).json()
    mine = [row for row in inbox["items"] if row["subject_id"] == cid]  # other tests may share the server
    assert [(row["action"], row["action_label"]) for row in mine] == [("handle", "主办办理")]
    cases = httpx.get(f"{server}/api/inbox/{lead}/cases", headers=handler).json()
    assert [row["role"] for row in cases if row["case_id"] == cid] == ["lead"]
    police = token(server, "liangxi_gongan")  # an assisting department sees the case, masked
    seen = httpx.get(f"{server}/api/cases/{cid}", headers=police).json()
    assert (seen["reporter_name"], seen["reporter_phone"]) == ("张*", "138****5678")
    assert httpx.get(f"{server}/api/inbox/{lead}", headers=police).status_code == 403
    staff = {"320213-public_security": "liangxi_gongan", "320213-eco_environment": "liangxi_huanbao",
             "320213001-urban_management": "chongansi_zhifa",
             "320213015-urban_management": "shanbei_zhifa"}
    assists = [m["department"] for m in case["team"] if m["role"] == "assist"]
    assert sorted(assists) == sorted(staff)
    early = httpx.post(f"{server}/api/cases/{cid}/resolve", headers=handler, json={"summary": "x"})
    assert early.status_code == 422 and early.json()["code"] == "case.assists_pending"
    for department in assists:
        done = httpx.post(f"{server}/api/cases/{cid}/assist-report", headers=token(server, staff[department]),
                          json={"summary": "已落实"})
        assert done.status_code == 200, done.text
    resolved = httpx.post(f"{server}/api/cases/{cid}/resolve", headers=handler,
                          json={"summary": "已劝导", "public_note": "已处理"})
    assert resolved.status_code == 200
    bad = httpx.post(f"{server}/api/cases/{cid}/follow-up", headers=centre, json={"rating": "great"})
    assert bad.status_code == 422 and bad.json()["code"] == "request.invalid"
    assert httpx.post(f"{server}/api/cases/{cid}/follow-up", headers=centre,
                      json={"rating": "satisfied"}).status_code == 200
    assert httpx.post(f"{server}/api/cases/{cid}/close", headers=centre).status_code == 200
    timeline = httpx.get(f"{server}/api/cases/{cid}/timeline",
                         headers={"Accept-Language": "en", **centre}).json()
    assert timeline[0]["label"] == "reported" and timeline[-1]["label"] == "closed"
    assert "13812345678" not in str(timeline)

    deadline = time.monotonic() + 15  # the server checkpoints every second
    while True:
        receipt = httpx.get(f"{server}/api/cases/{cid}/receipt", headers=centre)
        if receipt.status_code == 200 and json.loads(check_receipt(receipt.content).leaf)["event"][
                "type"] == "CaseClosed":  # the checkpoint covers the last event of the case
            break
        assert time.monotonic() < deadline, receipt.text
        time.sleep(0.3)
    checked = check_receipt(receipt.content)
    assert checked.ok and "witness-100000" in checked.signers and "witness-320000" in checked.signers


def test_refusals_over_http(server: str) -> None:
    centre = token(server, "centre")
    missing = httpx.post(f"{server}/api/cases/nope/dispatch", headers=centre)
    assert missing.status_code == 404 and missing.json()["code"] == "case.unknown"
    no_actor = httpx.post(f"{server}/api/cases/nope/dispatch")
    assert no_actor.status_code == 401 and no_actor.json()["code"] == "account.sign_in_required"
    wrong = httpx.post(f"{server}/api/auth/token", json={"username": "centre", "password": "nope-nope"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "account.bad_credentials"
    bad_place = httpx.post(f"{server}/api/cases", json={"matter": "social_life_noise", "affected": ["999"],
                                                        "description": "x"})
    assert bad_place.status_code == 404 and bad_place.json()["code"] == "jurisdiction.unknown"
    unknown_dept = httpx.get(f"{server}/api/inbox/320213001-eco_environment", headers=centre)
    assert unknown_dept.status_code == 404


def test_a_citizen_follows_a_case_with_the_tracking_code(server: str) -> None:
    body = {"matter": "road_damage", "affected": ["320213001"], "description": "人民中路路面塌陷",
            "reporter_name": "李四", "reporter_phone": "13700001111"}
    first = httpx.post(f"{server}/api/cases", json=body, headers={"Idempotency-Key": "track-1"}).json()
    code = first["tracking_code"]
    assert code and len(code) == 14 and code.count("-") == 2
    again = httpx.post(f"{server}/api/cases", json=body, headers={"Idempotency-Key": "track-1"}).json()
    assert again["tracking_code"] is None  # given once only
    status = httpx.get(f"{server}/api/track/{code.lower()}")
    assert status.status_code == 200
    data = status.json()
    assert data["status"] == "received" and data["matter"]
    assert [s["label"] for s in data["steps"]] == ["受理"]
    assert "李四" not in status.text and "13700001111" not in status.text
    wrong = httpx.get(f"{server}/api/track/AAAA-BBBB-CCCC")
    assert wrong.status_code == 404 and wrong.json()["code"] == "case.unknown_tracking_code"
