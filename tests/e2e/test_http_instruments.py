"""Linkage instruments through the REST API of a real server: a provincial inspection of 无锡
with its rectification verified, refusals by governance element and role, and what others see."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.factories.accounts import token


def post(server: str, who: dict[str, str], path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.post(f"{server}/api{path}", headers=who, json=body)


def test_an_inspection_through_the_api(server: str) -> None:
    inspector, city, street = token(server, "inspector"), token(server, "wuxi_leader"), token(
        server, "chongansi_street")
    soon = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    made = post(server, inspector, "/instruments", {
        "kind": "inspection", "title": "12345 办理质量专项督导", "scope": "320200",
        "addressees": ["320200-gov", "320213-gov"], "due": soon})
    assert made.status_code == 201, made.text
    iid = made.json()["instrument_id"]
    assert made.json()["events"] == ["Issued"]
    # a township may not issue a pilot (its governance elements do not grant it), in both languages
    refused = post(server, street, "/instruments", {"kind": "pilot", "title": "x", "scope": "320213001",
                                                   "addressees": ["320213001-urban_management"]})
    assert refused.status_code == 403 and refused.json()["code"] == "instrument.not_granted"
    assert "治理要素" in refused.json()["message"]
    english = httpx.post(f"{server}/api/instruments", headers={**street, "Accept-Language": "en"},
                         json={"kind": "pilot", "title": "x", "scope": "320213001",
                               "addressees": ["320213001-urban_management"]})
    assert "governance elements" in english.json()["message"]
    assert post(server, {}, "/instruments", {"kind": "pilot"}).status_code == 401
    assert post(server, token(server, "citizen"), f"/instruments/{iid}/read").status_code == 403

    assert post(server, city, f"/instruments/{iid}/read").status_code == 200
    assert post(server, inspector, f"/instruments/{iid}/report", {"text": "回访不规范"}).status_code == 200
    assigned = post(server, inspector, f"/instruments/{iid}/tasks", {
        "task": "T1", "owner": "320200-gov", "title": "规范回访流程", "due": soon})
    assert assigned.status_code == 200, assigned.text
    early = post(server, inspector, f"/instruments/{iid}/decide", {"decision": "closed", "reason": "x"})
    assert early.status_code == 422 and early.json()["code"] == "instrument.tasks_open"
    assert post(server, city, f"/instruments/{iid}/tasks/T1/complete", {"note": "已修订"}).status_code == 200
    verified = post(server, inspector, f"/instruments/{iid}/tasks/T1/verify", {"accepted": True})
    assert verified.status_code == 200
    done = post(server, inspector, f"/instruments/{iid}/decide", {"decision": "closed", "reason": "整改到位"})
    assert done.status_code == 200 and done.json()["events"] == ["Decided"]
    late = post(server, city, f"/instruments/{iid}/report", {"text": "x"})
    assert late.status_code == 409 and late.json()["code"] == "instrument.closed"

    shown = httpx.get(f"{server}/api/instruments/{iid}", headers=city).json()
    assert shown["state"] == "concluded" and shown["tasks"][0]["verified"] is True
    assert [e["type"] for e in shown["events"]][:3] == ["Issued", "Read", "Reported"]
    # a handler of another department that is neither party nor overseer sees nothing, not even that
    # it exists
    other = httpx.get(f"{server}/api/instruments/{iid}", headers=token(server, "liangxi_chengguan"))
    missing = httpx.get(f"{server}/api/instruments/Inope", headers=token(server, "liangxi_chengguan"))
    assert other.status_code == missing.status_code == 404
    assert other.json()["code"] == missing.json()["code"] == "instrument.not_found"
    listed = httpx.get(f"{server}/api/departments/320200-gov/instruments", headers=city).json()
    assert any(row["instrument_id"] == iid and row["role"] == "addressee" for row in listed)
    assert httpx.get(f"{server}/api/departments/320000-gov/instruments", headers=city).status_code == 403


def test_a_resource_request_allocated_from_the_pool_through_the_api(server: str) -> None:
    city, street = token(server, "wuxi_leader"), token(server, "chongansi_street")
    item = f"冲锋舟{uuid.uuid4().hex[:4]}"
    refused = httpx.post(f"{server}/api/departments/320200-gov/pool", headers=street,
                         json={"item": item, "unit": "艘", "quantity": 3})
    assert refused.status_code == 403 and refused.json()["code"] == "access.role_required"
    stocked = httpx.post(f"{server}/api/departments/320200-gov/pool", headers=city,
                         json={"item": item, "unit": "艘", "quantity": 3})
    assert stocked.status_code == 200 and stocked.json() == {"item": item, "quantity": 3, "unit": "艘"}
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    ask = httpx.post(f"{server}/api/instruments", headers=street, json={
        "kind": "resource", "title": "防汛借用冲锋舟", "scope": "320213001", "addressees": ["320200-gov"],
        "due": due, "items": [[item, 2]]})
    assert ask.status_code == 201, ask.text
    iid = ask.json()["instrument_id"]
    decided = httpx.post(f"{server}/api/instruments/{iid}/decide", headers=city,
                         json={"decision": "allocated", "reason": "汛期调拨"})
    assert decided.status_code == 200, decided.text
    left = httpx.get(f"{server}/api/departments/320200-gov/pool", headers=city).json()
    got = httpx.get(f"{server}/api/departments/320213001-gov/pool", headers=street).json()
    assert {"item": item, "quantity": 1, "unit": "艘"} in left
    assert {"item": item, "quantity": 2, "unit": "艘"} in got
    peek = httpx.get(f"{server}/api/departments/320200-gov/pool", headers=street)  # not above it
    assert peek.status_code == 403
