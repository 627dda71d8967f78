"""The instrument rules (issue 23, point 9) at the edges, in the app as the server runs it: the
refusals in Chinese and English, the justification and shortfall in the API's record and on the
instrument page, and a usage report after an allocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from liandong.config import Settings
from tests.factories.deployments import app_client, deployed, signed_in

PEOPLE = {"province": ("320000-gov", ["leader"]), "wuxi": ("320200-gov", ["leader"]),
          "liangxi": ("320213-gov", ["leader", "handler"]),
          "street": ("320213001-gov", ["leader", "handler"])}


def test_the_rules_through_the_api(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    api = app_client(settings, deployed(settings, ["320000"], PEOPLE))
    h = signed_in(api, PEOPLE)
    pilot = api.post("/api/instruments", headers=h["province"], json={
        "kind": "pilot", "title": "生活垃圾分类示范试点", "scope": "320000", "addressees": ["320200-gov"],
        "indicators": [["分类准确率", "60", "85"]]}).json()["instrument_id"]
    assert api.post(f"/api/instruments/{pilot}/report", headers=h["wuxi"], json={
        "text": "首月", "figures": [["分类准确率", "70"]]}).status_code == 200
    bare = {"decision": "scale_up", "reason": "全省推广", "scope": "320000"}
    refused = api.post(f"/api/instruments/{pilot}/decide", headers=h["province"], json=bare)
    assert refused.status_code == 422 and refused.json()["code"] == "instrument.below_target"
    said = refused.json()["message"]
    assert "无锡市人民政府 分类准确率 70 < 85" in said and "例外说明" in said
    english = api.post(f"/api/instruments/{pilot}/decide", json=bare,
                       headers={**h["province"], "Accept-Language": "en"})
    assert "needs a justification" in english.json()["message"]
    done = api.post(f"/api/instruments/{pilot}/decide", headers=h["province"],
                    json={**bare, "justification": "较基线提高 10 个百分点，推广中继续考核"})
    assert done.status_code == 200, done.text
    shown = api.get(f"/api/instruments/{pilot}", headers=h["wuxi"]).json()["decision"]
    assert shown["justification"] == "较基线提高 10 个百分点，推广中继续考核"
    assert shown["shortfall"] == [["320200-gov", "分类准确率", "70", "85"]]

    criticism = api.post("/api/instruments", headers=h["wuxi"], json={
        "kind": "criticism", "title": "通报批评", "scope": "320200", "addressees": ["320213-gov"],
        "evidence": ["群众反映强烈"]})
    assert criticism.status_code == 422 and criticism.json()["code"] == "instrument.evidence_unknown"
    assert "320200-20261206-0123" in criticism.json()["message"]  # what a reference looks like

    soon = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    ask = api.post("/api/instruments", headers=h["street"], json={
        "kind": "resource", "title": "申请应急排水泵", "scope": "320213001", "addressees": ["320213-gov"],
        "due": soon}).json()["instrument_id"]
    assert api.post(f"/api/instruments/{ask}/decide", headers=h["liangxi"],
                    json={"decision": "allocated", "reason": "调拨"}).status_code == 200
    used = api.post(f"/api/instruments/{ask}/report", headers=h["street"], json={"text": "已使用，排水完毕"})
    assert used.status_code == 200, used.text  # refused as 已结束 before
    assert api.get(f"/api/instruments/{ask}", headers=h["street"]).json()["state"] == "concluded"
