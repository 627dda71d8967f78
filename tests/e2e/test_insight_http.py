"""Demand insight over the REST API of a real server: matter suggestions and place for intake
staff, duplicates of a case, surges and priorities inside one's jurisdiction, training by an
analyst — and the refusals for everyone else."""

from __future__ import annotations

import uuid

import httpx

from tests.factories.accounts import token


def test_insight_endpoints_and_who_may_use_them(server: str) -> None:
    centre, analyst = token(server, "centre"), token(server, "wuxi_analyst")
    anonymous = httpx.post(f"{server}/api/insight/matter", json={"texts": ["x"]})
    assert anonymous.status_code == 401

    found = httpx.post(f"{server}/api/insight/matter", headers=centre,
                       json={"texts": ["工地半夜还在打桩，吵得睡不着", "路灯坏了好几天"], "k": 2}).json()
    assert [row[0]["matter"] for row in found] == ["construction_noise", "street_lights"]
    assert all(1 <= len(row) <= 2 and 0 < row[0]["confidence"] <= 1 for row in found)
    empty = httpx.post(f"{server}/api/insight/matter", headers=centre, json={"texts": ["！！！"]})
    assert empty.status_code == 422 and empty.json()["code"] == "insight.empty_text"

    place = httpx.get(f"{server}/api/insight/place", headers=centre,
                      params={"text": "无锡市梁溪区崇安寺街道人民中路123号路灯不亮"}).json()
    assert place["status"] == "resolved" and place["unit"]["code"] == "320213001"

    point = httpx.get(f"{server}/api/insight/locate", headers=centre,
                      params={"lat": 31.5747, "long": 120.2990, "crs": "gcj02"}).json()
    assert point["unit"]["code"] == "320213"
    bad_crs = httpx.get(f"{server}/api/insight/locate", headers=centre,
                        params={"lat": 31.5, "long": 120.3, "crs": "mercator"})
    assert bad_crs.status_code == 422

    tag = uuid.uuid4().hex[:6]
    first = httpx.post(f"{server}/api/cases", json={
        "matter": "construction_noise", "affected": ["320213001"],
        "description": f"人民中路{tag}工地每天夜里十一点还在打桩，吵得睡不着"}).json()["case_id"]
    second = httpx.post(f"{server}/api/cases", json={
        "matter": "construction_noise", "affected": ["320213001"],
        "description": f"人民中路{tag}那个工地半夜打桩，噪音太大"}).json()["case_id"]
    dupes = httpx.get(f"{server}/api/cases/{second}/duplicates", headers=centre).json()
    assert first in [d["case_id"] for d in dupes]
    heat = httpx.get(f"{server}/api/cases/{second}/heat", headers=centre).json()
    assert heat["duplicates"] >= 1 and 0 < heat["heat"] <= 100
    citizen_view = httpx.get(f"{server}/api/cases/{second}/duplicates", headers=token(server, "citizen"))
    assert citizen_view.status_code == 403

    surges = httpx.get(f"{server}/api/insight/surges", headers=centre, params={"scope": "320213"})
    assert surges.status_code == 200 and isinstance(surges.json(), list)
    outside = httpx.get(f"{server}/api/insight/surges", headers=centre, params={"scope": "320500"})
    assert outside.status_code == 403 and outside.json()["code"] == "access.role_required"
    top = httpx.get(f"{server}/api/insight/priorities", headers=centre,
                    params={"scope": "320200", "level": "township"}).json()
    assert any(p["jurisdiction"]["code"] == "320213001" and p["matter"] == "construction_noise" for p in top)

    refused = httpx.post(f"{server}/api/insight/train", headers=centre)
    assert refused.status_code == 403
    lamps = ("路灯不亮好几天了", "这条路晚上一盏灯都不亮，太黑", "小区门口路灯闪烁坏了", "人行道旁的灯杆倒了")
    for text in lamps:
        httpx.post(f"{server}/api/cases", json={"matter": "street_lights", "affected": ["320213015"],
                                                "description": f"{text}{tag}"})
    trained = httpx.post(f"{server}/api/insight/train", headers=analyst, params={"seed": 2})
    assert trained.status_code == 200, trained.text
    figures = trained.json()
    assert figures["n_train"] + figures["n_test"] >= 6 and 0 <= figures["accuracy_top1"] <= 1
