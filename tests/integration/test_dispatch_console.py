"""The dispatch console's endpoints over the app on a real store (SQLite and PostgreSQL): a card
updated in place after 派单, a lead named instead of the suggested one (found by name as one types),
并单 into the original, a batch with a result per report, the counter of new arrivals, and who may
look (oversight roles) or act (dispatchers); everyone else is refused with a reason."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from liandong.bootstrap import Platform
from liandong.config import Settings
from tests.factories.deployments import LOCAL, app_client, deployed, signed_in
from tests.support.databases import fresh_database

STREET = "320213001"  # 崇安寺街道
PEOPLE = {  # username: (department, roles)
    "centre": ("320200-gov", ["dispatcher"]),
    "leader": ("320200-gov", ["leader"]),
    "handler": ("320213-urban_management", ["handler"]),
}
HX = {"HX-Request": "true"}


@dataclass
class World:
    api: TestClient
    platform: Platform
    headers: dict[str, dict[str, str]]

    def page_client(self, who: str) -> TestClient:
        """A browser of ``who``: the session cookie, and the CSRF cookie its first page sets."""
        client = TestClient(self.api.app, base_url=LOCAL, follow_redirects=False)
        client.cookies.set("ld_session", self.headers[who]["Authorization"].removeprefix("Bearer "))
        return client

    def report(self, text: str) -> str:
        answer = self.api.post("/api/cases", json={"matter": "garbage_collection", "affected": [STREET],
                                                   "description": text})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["case_id"])

    def case(self, case_id: str) -> dict[str, Any]:
        answer = self.api.get(f"/api/cases/{case_id}", headers=self.headers["centre"])
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("console")
    settings = Settings(data_dir=folder, public_intake_limit="1000/minute")
    if request.param == "postgres":
        urls = fresh_database(request.getfixturevalue("pg_admin"), "liandong_console")
        settings = Settings(data_dir=folder, public_intake_limit="1000/minute", database_url=next(urls))
    platform = deployed(settings, ("320213",), PEOPLE)
    client = app_client(settings, platform)
    yield World(client, platform, signed_in(client, PEOPLE))
    assert platform.engine is not None
    platform.engine.dispose()
    if request.param == "postgres":
        next(urls, None)  # drops the database


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field"
    return found.group(1)


def version(html: str, case_id: str) -> str:
    found = re.search(rf'value="{case_id}:(\d+)"', html)
    assert found, f"no card to pick for {case_id}"
    return found.group(1)


def card(html: str, case_id: str) -> str:
    found = re.search(rf'<article class="card[^"]*" id="report-{case_id}".*?</article>', html, re.S)
    assert found, f"no card for {case_id}"
    return found.group(0)


def test_the_centre_clears_a_queue_in_place(world: World) -> None:
    since = datetime.now(UTC).isoformat()
    first = world.report("中山路12号垃圾桶满溢三天没人清运，臭味很大")
    repeat = world.report("中山路12号的垃圾桶满了三天没人清运，很臭")
    police = world.report("中山路夜里有人在垃圾站打架斗殴")
    third, fourth = world.report("解放北路垃圾站没有按时清运"), world.report("公园路垃圾箱破损无人更换")
    centre = world.page_client("centre")
    page = centre.get("/work/dispatch").text
    for case_id in (first, repeat, police, third, fourth):
        assert f'id="report-{case_id}"' in page
    assert re.search(r"已等 \d+ 分钟", card(page, first))  # waiting time in words
    assert 'hx-trigger="every 30s, refresh"' in page and 'id="arrivals"' in page
    token = csrf(page)

    # 派单 to the suggested lead: the card comes back in place, nothing navigates
    answer = centre.post(f"/work/dispatch/{first}/act", headers=HX, data={
        "action": "dispatch", "version": version(page, first), "csrf": token})
    assert answer.status_code == 200, answer.text[:400]
    assert f'id="report-{first}"' in answer.text and "已派单给 崇安寺综合行政执法队" in answer.text
    assert "<html" not in answer.text  # a fragment, not a page
    waiting = re.search(r'<small id="pending-count" hx-swap-oob="true">待派 (\d+) 件</small>', answer.text)
    shown = re.search(r'<small id="pending-count">待派 (\d+) 件</small>', page)
    assert waiting and shown and int(waiting.group(1)) == int(shown.group(1)) - 1  # the heading's count
    assert world.case(first)["state"] == "dispatched"

    # the override, found by name as one types: reachable departments only, by name or short name
    listed = centre.get(f"/work/dispatch/{police}/leads", params={"lead_name": "派出所"}).text
    assert '<option value="崇安寺派出所">' in listed and "320213001-public_security" not in listed
    assert re.search(rf'id="lead-status-{police}"[^>]*hx-swap-oob="true">找到 \d+ 个可派单位', listed)
    listed = centre.get(f"/work/dispatch/{police}/leads", params={"lead_name": "城管"}).text
    assert "崇安寺综合行政执法队" in listed and "梁溪区城市管理局" in listed and "无锡市城市管理局" in listed
    assert "派出所" not in listed
    wrong = centre.post(f"/work/dispatch/{police}/act", headers=HX, data={
        "action": "dispatch", "version": version(page, police), "csrf": token, "lead_name": "崇安寺派出"})
    assert wrong.status_code == 422 and 'role="alert"' in wrong.text
    assert "没有“崇安寺派出”" in wrong.text and "相近的有：崇安寺派出所" in wrong.text
    answer = centre.post(f"/work/dispatch/{police}/act", headers=HX, data={
        "action": "dispatch", "version": version(page, police), "csrf": token, "lead_name": "崇安寺派出所"})
    assert answer.status_code == 200 and "已派单给 崇安寺派出所" in answer.text
    assert world.case(police)["lead"] == "320213001-public_security"

    # 并单: the repeat is offered a merge into the earlier report, and only that way round
    assert f'name="into" value="{first}"' in card(page, repeat)
    assert f'name="into" value="{repeat}"' not in card(page, first)
    answer = centre.post(f"/work/dispatch/{repeat}/act", headers=HX, data={
        "action": "merge", "version": version(page, repeat), "into": first, "csrf": token})
    assert answer.status_code == 200 and f"已并入 {first[:10]}" in answer.text
    assert world.case(repeat)["state"] == "merged"

    # a batch: each to its suggested lead, each with its own result (one already gone is refused)
    answer = centre.post("/work/dispatch/batch", headers=HX, data={
        "csrf": token, "pick": [f"{third}:{version(page, third)}", f"{fourth}:{version(page, fourth)}",
                                f"{first}:{version(page, first)}"]})
    assert answer.status_code == 200
    assert "已处理 3 件：派出 2 件，未能派出 1 件" in answer.text
    assert answer.text.count('<article class="card') == 3 and '待派 0 件' in answer.text
    assert "已派单给" in card(answer.text, third) and "已派单给" in card(answer.text, fourth)
    assert 'role="alert"' in card(answer.text, first)
    assert {world.case(c)["state"] for c in (third, fourth)} == {"dispatched"}

    # the counter: the five arrived after ``since``, and none of them still waits
    counter = centre.get("/work/dispatch/arrivals", params={"since": since})
    assert counter.status_code == 200 and "暂无新到" in counter.text
    late = world.report("人民中路垃圾堆放未清理")
    counter = centre.get(f"/work/dispatch/arrivals?since={quote(since)}&lang=en")
    assert "1 new reports to dispatch" in counter.text and 'hx-trigger="every 30s, refresh"' in counter.text
    assert re.search(r'<small id="pending-count" hx-swap-oob="true">\d+ to dispatch</small>', counter.text)
    bad = centre.get("/work/dispatch/arrivals", params={"since": "yesterday"})
    assert bad.status_code == 422 and "“since”应为带时区的时间" in bad.text

    # without script the forms post and the console comes back
    page = centre.get("/work/dispatch").text
    answer = centre.post(f"/work/dispatch/{late}/act", data={
        "action": "dispatch", "version": version(page, late), "csrf": csrf(page)})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/work/dispatch")
    assert world.case(late)["state"] == "dispatched"


def test_who_may_look_and_who_may_act(world: World) -> None:
    case_id = world.report("学前街垃圾桶满溢（权限）")
    handler = world.page_client("handler")
    refused = handler.get("/work/dispatch")
    assert refused.status_code == 403 and "派单台仅供 12345 派单员" in refused.text
    since = {"since": "2026-01-01T00:00:00+00:00"}
    assert handler.get("/work/dispatch/arrivals", params=since).status_code == 403
    leader = world.page_client("leader")
    page = leader.get("/work/dispatch")
    assert page.status_code == 200 and f'id="report-{case_id}"' in page.text
    assert "dispatch-now" not in page.text and 'id="not-dispatcher"' in page.text
    answer = leader.post(f"/work/dispatch/{case_id}/act", headers=HX,
                         data={"action": "dispatch", "version": "1", "csrf": csrf(page.text)})
    assert answer.status_code == 403 and "只有 12345 派单员可以" in answer.text
    assert leader.get(f"/work/dispatch/{case_id}/leads", params={"lead_name": "城管"}).status_code == 403
    assert world.case(case_id)["state"] == "received"
    anonymous = TestClient(world.api.app, base_url=LOCAL, follow_redirects=False)
    assert anonymous.get("/work/dispatch").status_code == 303
    redirect = anonymous.post(f"/work/dispatch/{case_id}/act", headers=HX).headers["HX-Redirect"]
    assert redirect.startswith("/login")
    centre = world.page_client("centre")
    page = centre.get("/work/dispatch").text
    answer = centre.post(f"/work/dispatch/{case_id}/act", headers=HX,
                         data={"action": "resolve", "version": "1", "csrf": csrf(page)})
    assert answer.status_code == 422 and "派单台不办理“resolve”" in answer.text
    empty = centre.post("/work/dispatch/batch", headers=HX, data={"csrf": csrf(page)})
    assert empty.status_code == 422 and "没有选中诉求" in empty.text
    english = centre.get("/work/dispatch", params={"lang": "en"}).text
    assert "Dispatch console" in english and re.search(r"waiting \d+ min", english)
    assert "Send to another department" in english


def test_a_merge_brings_back_the_original_at_its_new_version(world: World) -> None:
    original = world.report("前西溪18号垃圾桶倒了三天没人扶，垃圾撒了一地")
    repeat = world.report("前西溪18号的垃圾桶倒了三天，垃圾撒一地没人管")
    centre = world.page_client("centre")
    page = centre.get("/work/dispatch").text
    seen = version(page, original)
    answer = centre.post(f"/work/dispatch/{repeat}/act", headers=HX, data={
        "action": "merge", "version": version(page, repeat), "into": original, "csrf": csrf(page)})
    assert answer.status_code == 200 and f"已并入 {original[:10]}" in card(answer.text, repeat)
    fresh = card(answer.text, original)  # out of band: the original took the duplicate in
    assert 'hx-swap-oob="true"' in fresh and version(fresh, original) == str(int(seen) + 1)
    answer = centre.post(f"/work/dispatch/{original}/act", headers=HX, data={
        "action": "dispatch", "version": version(fresh, original), "csrf": csrf(page)})
    assert answer.status_code == 200 and "已派单给" in answer.text
    stale = centre.post(f"/work/dispatch/{repeat}/act", headers=HX, data={
        "action": "dispatch", "version": version(page, repeat), "csrf": csrf(page)})
    assert stale.status_code == 409 and 'role="alert"' in stale.text  # merged: nothing more to do


def test_repeat_callers_and_requests_are_shown_to_the_dispatcher(world: World) -> None:
    cases = []
    for text in ("丰富路口的垃圾三天没人收", "丰富路口的垃圾还是没人收，第二次打来"):
        answer = world.api.post("/api/cases", json={"matter": "garbage_collection", "affected": [STREET],
                                                    "description": text, "reporter_phone": "13955556666"})
        assert answer.status_code == 201, answer.text
        cases.append(str(answer.json()["case_id"]))
    page = world.page_client("centre").get("/work/dispatch").text
    assert "重复来电与重复诉求（近 7 天）" in page
    repeats = page[page.index('id="repeats"'):]
    line = next(li for li in repeats.split("<li>") if "139****6666" in li)
    assert "2 件" in line and all(f"/work/cases/{cid}?" in line for cid in cases)
    assert "崇安寺街道的“" in repeats  # the same matter at the same street
