"""The dispatch console reads each new report: the matter its words suggest (with a one-click
改类 when it differs from the one taken in), a place named in the text elsewhere, and likely
duplicates; the case page offers 改类 with the suggestions first."""

from __future__ import annotations

import re
import uuid

import httpx

from tests.factories.accounts import csrf_of, signed_in, token


def test_the_console_suggests_and_corrects_the_matter(server: str) -> None:
    tag = uuid.uuid4().hex[:6]
    body = {"matter": "social_life_noise", "affected": ["320213001"],
            "description": f"人民中路{tag}号旁边工地半夜还在打桩施工，吵得睡不着"}
    first = httpx.post(f"{server}/api/cases", json=body).json()["case_id"]
    second = httpx.post(f"{server}/api/cases", json={
        **body, "description": f"人民中路{tag}号旁那个工地夜里打桩，噪音太大"}).json()["case_id"]
    moved = httpx.post(f"{server}/api/cases", json={
        "matter": "street_lights", "affected": ["320213001"],
        "description": f"江阴市澄江街道{tag}路路灯不亮"}).json()["case_id"]

    centre = signed_in(server, "centre")
    console = centre.get("/work/dispatch").text
    cell = re.search(rf'<div class="insight" data-case="{second}">(.*?)</div>', console, re.S)
    assert cell, "no insight cell for the new report"
    assert "内容更像：建筑施工噪声扰民" in cell.group(1) and 'value="reclassify"' in cell.group(1)
    assert first[:10] in cell.group(1)  # likely duplicate of the first report
    place = re.search(rf'<div class="insight" data-case="{moved}">(.*?)</div>', console, re.S)
    assert place and "文中地点：澄江街道" in place.group(1)

    version = re.search(rf'action="/work/dispatch/{second}/act\?lang=zh"[^>]*class="inline reclassify">.*?'
                        r'name="version" value="(\d+)"', console, re.S)
    assert version
    answer = centre.post(f"/work/dispatch/{second}/act", headers={"HX-Request": "true"}, data={
        "action": "reclassify", "version": version.group(1), "matter": "construction_noise",
        "csrf": csrf_of(console)})
    assert answer.status_code == 200, answer.text[:300]  # the card again, in place, still to dispatch
    assert f'id="report-{second}"' in answer.text and "建筑施工噪声扰民" in answer.text
    case = httpx.get(f"{server}/api/cases/{second}", headers=token(server, "centre")).json()
    assert case["matter"] == "construction_noise"

    page = centre.get(f"/work/cases/{first}").text
    options = re.search(r'<select id="reclassify-matter" name="matter">(.*?)</select>', page, re.S)
    assert options and options.group(1).index("construction_noise") < options.group(1).index("street_lights")


def test_the_dashboard_panel_shows_surges_and_priorities_in_scope(server: str) -> None:
    tag = uuid.uuid4().hex[:6]
    for i in range(8):  # a burst of one complaint at 山北街道
        httpx.post(f"{server}/api/cases", json={
            "matter": "catering_fume", "affected": ["320213015"],
            "description": f"惠山路{tag}号烧烤店油烟直排，熏得没法开窗（第{i + 1}户）"})
    leader = signed_in(server, "wuxi_leader")
    page = leader.get("/work/dashboard").text
    assert 'id="insight-panel"' in page and "/work/dashboard/insight?scope=320200" in page
    panel = leader.get("/work/dashboard/insight?scope=320213")
    assert panel.status_code == 200 and "诉求研判" in panel.text
    rows = re.search(r'<table class="grid" id="priorities">(.*?)</table>', panel.text, re.S)
    assert rows and "山北街道" in rows.group(1) and "餐饮油烟扰民" in rows.group(1)
    assert leader.get("/work/dashboard/insight?scope=320500").status_code == 403  # 苏州 is not theirs
    assert httpx.get(f"{server}/work/dashboard/insight?scope=320200").status_code == 403
