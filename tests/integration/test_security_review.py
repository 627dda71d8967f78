"""The outside security review (issue 20): one regression test per finding, each named after it, on
SQLite and PostgreSQL (the app over a real store, as the server runs it, through its HTTP API).

The deployment serves 梁溪区 (Wuxi) and 吴中区 (Suzhou): the Wuxi centre dispatches for 梁溪区 and
may not reach into Suzhou, nor into Beijing, which this deployment does not serve at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from fastapi.testclient import TestClient

from liandong.bootstrap import Platform
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.server.app import create_app
from liandong.services.accounts import create_api_key
from tests.factories.deployments import LOCAL, app_client, deployed, signed_in
from tests.support.clock import ManualTime
from tests.support.databases import fresh_database

LIANGXI, WUZHONG = "320213", "320506"
STREET = "320213001"  # 崇安寺街道
TWO_STREETS = [STREET, "320213015"]  # with 山北街道: the district leads (梁溪区城市管理局)
API_KEY = "review-open311-key"
PEOPLE = {  # username: (department, roles)
    "centre": ("320200-gov", ["dispatcher"]),
    "lead": ("320213-urban_management", ["handler"]),
    "county": ("320213-gov", ["handler"]),
    "leader": ("320213-gov", ["leader"]),
    "wuzhong": ("320506-gov", ["dispatcher", "leader", "handler"]),
}
PERSONAL = ("张三", "13812345678", "123号", "5栋", "501室")
TEXT = "广场舞音响夜间扰民，我叫张三电话13812345678，住人民中路123号5栋2单元501室"


@dataclass
class World:
    client: TestClient
    platform: Platform
    headers: dict[str, dict[str, str]]

    def report(self, who: str | None = None, **fields: Any) -> httpx.Response:
        body = {"matter": "social_life_noise", "affected": [STREET], "description": "广场噪声", **fields}
        return self.client.post("/api/cases", json=body, headers=self.headers[who] if who else {})

    def dispatched(self, **fields: Any) -> str:
        case_id = str(self.report(**{"affected": TWO_STREETS, **fields}).json()["case_id"])
        assert self.post(case_id, "dispatch", "centre").status_code == 200
        return case_id

    def post(self, case_id: str, command: str, who: str, body: dict[str, Any] | None = None,
             **headers: str) -> httpx.Response:
        return self.client.post(f"/api/cases/{case_id}/{command}", json=body,
                                headers={**self.headers[who], **headers})

    def open311(self, fmt: str = "json", **fields: str) -> httpx.Response:
        return self.client.post(f"/open311/v2/requests.{fmt}", data={"api_key": API_KEY, **fields})


def _world(settings: Settings) -> World:
    platform = deployed(settings, (LIANGXI, WUZHONG), PEOPLE)
    with platform.uow() as uow:
        create_api_key(uow=uow, name="review client", now=datetime.now(UTC), key=API_KEY)
        uow.commit()
    client = app_client(settings, platform)
    return World(client, platform, signed_in(client, PEOPLE))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("review")
    limit = "1000/minute"
    if request.param == "sqlite":
        built = _world(Settings(data_dir=folder, public_intake_limit=limit))
        yield built
        assert built.platform.engine is not None
        built.platform.engine.dispose()
        return
    admin = request.getfixturevalue("pg_admin")
    for url in fresh_database(admin, "liandong_review"):
        built = _world(Settings(data_dir=folder, database_url=url, public_intake_limit=limit))
        yield built
        assert built.platform.engine is not None
        built.platform.engine.dispose()


def _public_reads(world: World, case_id: str) -> list[str]:
    """Every unauthenticated read of a request, as text: the list and the one, JSON and XML."""
    out = []
    for fmt in ("json", "xml"):
        out.append(world.client.get(f"/open311/v2/requests.{fmt}").text)
        out.append(world.client.get(f"/open311/v2/requests/{case_id}.{fmt}").text)
        out.append(world.client.get(f"/open311/v2/requests.{fmt}",
                                    params={"service_request_id": case_id}).text)
    return out


# 1 ------------------------------------------------------------------------------------------------
def test_public_reads_hide_personal_data(world: World) -> None:
    private = world.open311(service_code="social_life_noise", lat="31.5712", long="120.3031",
                            description=TEXT, first_name="三", last_name="张", phone="13812345678",
                            address_string="人民中路123号")
    assert private.status_code == 201, private.text
    private_id = private.json()[0]["service_request_id"]
    published = world.open311(service_code="social_life_noise", address_string="无锡市梁溪区崇安寺街道",
                              description=TEXT + "。音响声很大", **{"attribute[publish]": "true"})
    assert published.status_code == 201, published.text
    published_id = published.json()[0]["service_request_id"]

    for case_id in (private_id, published_id):
        for text in _public_reads(world, case_id):
            assert case_id in text
            for personal in (*PERSONAL, "人民中路123号"):
                assert personal not in text, (personal, text[:400])
    one = world.client.get(f"/open311/v2/requests/{private_id}.json").json()[0]
    assert one["description"] == ""  # not agreed to: no description at all
    assert one["lat"] == "31.571" and one["long"] == "120.303"  # about 100 m
    assert one["address"] == "江苏省 无锡市 梁溪区" and one["address_id"] == LIANGXI  # the point's county
    shown = world.client.get(f"/open311/v2/requests/{published_id}.json").json()[0]["description"]
    assert shown.startswith("广场舞音响夜间扰民，我叫〔姓名〕电话〔电话〕") and "〔门牌〕" in shown

    # staff with the case read it as their role allows, as before: the lead whole, the text unchanged
    whole = world.client.get(f"/api/cases/{private_id}", headers=world.headers["lead"]).json()
    assert whole["description"] == TEXT and whole["reporter_phone"] == "13812345678"
    masked = world.client.get(f"/api/cases/{private_id}", headers=world.headers["leader"]).json()
    assert masked["description"] == TEXT and masked["reporter_phone"] == "138****5678"


def test_public_reads_leave_out_matters_that_are_never_public(world: World) -> None:
    petition = world.open311(service_code="petition_matter", address_string="无锡市梁溪区崇安寺街道",
                             description="信访：反映拆迁补偿问题", **{"attribute[publish]": "true"})
    assert petition.status_code == 201, petition.text
    case_id = petition.json()[0]["service_request_id"]
    missing = world.client.get("/open311/v2/requests/no-such-case.json")
    hidden = world.client.get(f"/open311/v2/requests/{case_id}.json")
    assert hidden.status_code == missing.status_code == 404  # as if it did not exist
    assert case_id not in world.client.get("/open311/v2/requests.json", params={"page_size": 100}).text
    assert case_id not in world.client.get("/open311/v2/requests.xml",
                                           params={"service_code": "petition_matter"}).text
    assert world.client.get(f"/open311/v2/tokens/{case_id}.json").status_code == 404
    assert world.client.get(f"/api/cases/{case_id}", headers=world.headers["centre"]).status_code == 200


def test_public_request_lists_come_in_capped_pages(world: World) -> None:
    for n in range(3):
        assert world.report(description=f"第{n}次反映路灯不亮", matter="street_lights").status_code == 201
    first = world.client.get("/open311/v2/requests.json", params={"page_size": 2}).json()
    second = world.client.get("/open311/v2/requests.json", params={"page_size": 2, "page": 2}).json()
    assert len(first) == 2 and second and not {r["service_request_id"] for r in first} & {
        r["service_request_id"] for r in second}
    too_many = world.client.get("/open311/v2/requests.json", params={"page_size": 101})
    assert too_many.status_code == 400 and "page_size" in too_many.json()[0]["description"]
    ids = ",".join(f"id{n}" for n in range(101))
    assert world.client.get("/open311/v2/requests.json",
                            params={"service_request_id": ids}).status_code == 400


# 2 ------------------------------------------------------------------------------------------------
def test_naive_datetimes_are_read_as_beijing_time(world: World) -> None:
    case_id = world.dispatched()
    assert world.post(case_id, "acknowledge", "lead").status_code == 200
    due = datetime.fromisoformat(world.client.get(f"/api/cases/{case_id}",
                                                  headers=world.headers["lead"]).json()["due"])
    naive = (due + timedelta(days=10)).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    asked = world.post(case_id, "extension", "lead", {"reason": "需协调", "until": naive.isoformat()})
    assert asked.status_code == 200, asked.text
    timeline = world.client.get(f"/api/cases/{case_id}/timeline", headers=world.headers["lead"]).json()
    until = datetime.fromisoformat(timeline[-1]["data"]["until"])
    assert until.utcoffset() == timedelta(0) and until == naive.replace(tzinfo=UTC) - timedelta(hours=8)


def test_a_command_that_raises_never_fails_its_batch(world: World) -> None:
    """A mixed batch straight to the writer's bus: innocent reports land; the broken commands (a
    time that is not a time raises AttributeError inside the rules) are answered alone."""
    case_id = world.dispatched()
    assert world.post(case_id, "acknowledge", "lead").status_code == 200
    good = [c.ReportCase(by="reporter", matter="road_damage", affected=(STREET,), description=f"路面坑洼{n}")
            for n in range(6)]
    bad = [c.ShelveCase(by="320213-urban_management", case_id=case_id, reason="x",
                        until="2027-01-05T00:00:00")]  # type: ignore[arg-type]
    bad += [c.RequestExtension(by="320213-urban_management", case_id=case_id, reason="x",
                               until=12345)]  # type: ignore[arg-type]
    batch: list[c.Command] = [*good[:3], *bad, *good[3:]]
    outcomes = world.platform.bus().handle_batch(batch)
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    landed = [o for o in outcomes if not isinstance(o, DomainError)]
    assert [o.code for o in refused] == ["command.failed", "command.failed"]
    assert len(landed) == 6
    for result in landed:
        read = world.client.get(f"/api/cases/{result.case_id}", headers=world.headers["centre"])
        assert read.status_code == 200 and read.json()["description"].startswith("路面坑洼")
    failed = world.client.post(f"/api/cases/{case_id}/shelve", headers=world.headers["lead"],
                               json={"reason": "x", "until": "not a time"})
    assert failed.status_code == 422


# 3 ------------------------------------------------------------------------------------------------
def test_redispatch_stays_in_the_jurisdiction(world: World) -> None:
    case_id = world.dispatched()
    suzhou = world.post(case_id, "redispatch", "centre", {"lead": "320506-urban_management"})
    assert suzhou.status_code == 422 and suzhou.json()["code"] == "case.lead_out_of_reach"
    assert "无锡市" in suzhou.json()["message"]
    beijing = world.post(case_id, "redispatch", "centre", {"lead": "110101-urban_management"})
    assert beijing.status_code == 404 and beijing.json()["code"] == "department.unknown"
    here = world.post(case_id, "redispatch", "centre", {"lead": "320213-public_security"})
    assert here.status_code == 200, here.text
    leader = world.client.get(f"/api/cases/{case_id}", headers=world.headers["leader"])
    assert leader.status_code == 200


def test_merge_into_an_unseen_case_answers_as_if_it_did_not_exist(world: World) -> None:
    mine = world.dispatched()
    theirs = world.client.post("/api/cases", json={"matter": "social_life_noise", "affected": ["320506003"],
                                                   "description": "吴中的噪声"}).json()["case_id"]
    unseen = world.post(mine, "merge", "centre", {"into": theirs})
    missing = world.post(mine, "merge", "centre", {"into": "1a00000000000000dead"})
    assert unseen.status_code == missing.status_code == 404
    assert unseen.json()["code"] == missing.json()["code"] == "case.unknown"
    state = world.client.get(f"/api/cases/{mine}", headers=world.headers["centre"]).json()["state"]
    assert state == "dispatched"


def test_widening_stays_in_the_jurisdiction_and_the_served_area(world: World) -> None:
    case_id = world.dispatched()
    beijing = world.post(case_id, "scope", "lead", {"added": ["110101001"]})
    assert beijing.status_code == 422 and beijing.json()["code"] == "place.outside_area"
    suzhou = world.post(case_id, "scope", "lead", {"added": ["320506003"]})
    assert suzhou.status_code == 422 and suzhou.json()["code"] == "case.place_out_of_reach"
    read = world.client.get(f"/api/cases/{case_id}", headers=world.headers["lead"]).json()
    assert read["affected"] == TWO_STREETS and read["owner"] == LIANGXI
    assert not any(m["department"].startswith(("110", "100000")) for m in read["team"])
    nearby = world.post(case_id, "scope", "lead", {"added": ["320213018"]})
    assert nearby.status_code == 200, nearby.text


# 4 ------------------------------------------------------------------------------------------------
def test_any_authorization_but_a_valid_bearer_token_is_401(world: World, tmp_path: Path,
                                                           limits_clock: ManualTime) -> None:
    # a server of its own with a small anonymous budget
    client = TestClient(create_app(Settings(data_dir=tmp_path, public_intake_limit="2/minute"),
                                   world.platform), base_url=LOCAL)
    body = {"matter": "road_damage", "affected": [STREET], "description": "路面坑洼"}
    assert [client.post("/api/cases", json=body).status_code for _ in range(3)] == [201, 201, 429]
    for value in ("Basic dXNlcjpwYXNz", "Token abc", "", "Bearer", "Bearer not-a-token"):
        answer = client.post("/api/cases", json=body, headers={"Authorization": value})
        assert answer.status_code in (401, 429), (value, answer.status_code)
        assert answer.status_code != 201
    for value in ("Basic dXNlcjpwYXNz", "Token abc", ""):  # counted as anonymous: still refused
        assert client.post("/api/cases", json=body, headers={"Authorization": value}).status_code == 429
    signed_in = client.post("/api/cases", json=body, headers=world.headers["centre"])
    assert signed_in.status_code == 201
    fresh = TestClient(create_app(Settings(data_dir=tmp_path, public_intake_limit="100/minute"),
                                  world.platform), base_url=LOCAL)
    for value in ("Basic dXNlcjpwYXNz", "Token abc", "", "Bearer not-a-token"):
        answer = fresh.post("/api/cases", json=body, headers={"Authorization": value})
        assert answer.status_code == 401, (value, answer.text)
    limits_clock.advance(120)  # two minutes on, the anonymous budget of the first server is back
    assert client.post("/api/cases", json=body).status_code == 201


# 5 ------------------------------------------------------------------------------------------------
def test_unbounded_numbers_and_dates_are_refused(world: World) -> None:
    pool = world.client.post("/api/departments/320213-gov/pool", headers=world.headers["leader"],
                             json={"item": "沙袋", "unit": "袋", "quantity": 9223372036854775808})
    assert pool.status_code == 422 and "1000000000" in pool.text
    case_id = world.dispatched()
    assert world.post(case_id, "acknowledge", "lead").status_code == 200
    far = world.post(case_id, "shelve", "lead", {"reason": "长期工程", "until": "9999-12-31T00:00:00+08:00"})
    assert far.status_code == 422 and far.json()["code"] == "time.out_of_range"
    assert re.search(r"不晚于 20\d\d-\d\d-\d\d", far.json()["message"])
    huge = world.post(case_id, "extension", "lead", {"reason": "x", "until": 99999999999999})
    assert huge.status_code == 422 and huge.json()["code"] == "time.out_of_range"
    later = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    in_range = world.post(case_id, "shelve", "lead", {"reason": "长期工程", "until": later})
    assert in_range.status_code == 200, in_range.text


# 6 ------------------------------------------------------------------------------------------------
def test_raw_utf8_form_bodies_are_read_as_utf8(world: World) -> None:
    raw = "api_key=review-open311-key&service_code=street_lights&address_string=无锡市梁溪区崇安寺街道" \
          "&description=路灯不亮，晚上很黑"
    for content_type in ("application/x-www-form-urlencoded",
                         "application/x-www-form-urlencoded; charset=utf-8"):
        answer = world.client.post("/open311/v2/requests.json", content=raw.encode("utf-8"),
                                   headers={"Content-Type": content_type})
        assert answer.status_code == 201, answer.text
        case_id = answer.json()[0]["service_request_id"]
        read = world.client.get(f"/api/cases/{case_id}", headers=world.headers["centre"]).json()
        assert read["description"] == "路灯不亮，晚上很黑"


# 7 ------------------------------------------------------------------------------------------------
def test_places_outside_the_deployment_are_refused_at_intake(world: World) -> None:
    before = world.client.get("/open311/v2/requests.json", params={"page_size": 100}).json()
    beijing = world.open311(service_code="road_damage", lat="39.9042", long="116.4074",
                            description="路面塌陷")
    assert beijing.status_code == 400
    assert "梁溪区" in beijing.json()[0]["description"] and "吴中区" in beijing.json()[0]["description"]
    api = world.report(affected=["100000"])
    assert api.status_code == 422 and api.json()["code"] == "place.outside_area"
    assert world.client.get("/open311/v2/requests.json", params={"page_size": 100}).json() == before
    portal = world.client.get("/portal")
    token = re.search(r'name="csrf" value="([^"]+)"', portal.text)
    assert token is not None
    answer = world.client.post("/portal", data={
        "csrf": token.group(1), "matter": "road_damage", "address": "北京市朝阳区建国路1号",
        "description": "路面塌陷", "submission": "x" * 24})
    assert answer.status_code == 422 and "不在本平台服务范围内" in answer.text
    assert world.client.get("/open311/v2/requests.json", params={"page_size": 100}).json() == before


# 8 ------------------------------------------------------------------------------------------------
def test_the_dispatch_console_is_for_dispatchers_and_oversight(world: World) -> None:
    world.report(description="待派单的报告：我叫李四电话13900001111")
    pages = {}
    for who in ("lead", "county", "centre", "leader"):
        token = world.headers[who]["Authorization"].split(" ", 1)[1]
        client = TestClient(world.client.app, base_url=LOCAL)
        client.cookies.set("ld_session", token)
        pages[who] = client.get("/work/dispatch")
    for handler in ("lead", "county"):
        assert pages[handler].status_code == 403
        assert "待派单的报告" not in pages[handler].text and "派单台仅供" in pages[handler].text
        assert 'href="/work/dispatch?lang=zh"' not in pages[handler].text  # not in the menu
    assert pages["centre"].status_code == 200 and "待派单的报告" in pages["centre"].text
    assert 'href="/work/dispatch?lang=zh"' in pages["centre"].text
    assert pages["leader"].status_code == 200


# 11 -----------------------------------------------------------------------------------------------
def test_idempotency_keys_are_scoped_to_their_caller(world: World) -> None:
    body = {"matter": "road_damage", "affected": [STREET], "description": "井盖缺失，很危险"}
    centre = world.client.post("/api/cases", json=body, headers={**world.headers["centre"],
                                                                 "Idempotency-Key": "k-2026-12-06"})
    again = world.client.post("/api/cases", json=body, headers={**world.headers["centre"],
                                                                "Idempotency-Key": "k-2026-12-06"})
    assert centre.status_code == 201 and again.status_code == 200
    assert again.json()["case_id"] == centre.json()["case_id"] and again.json()["duplicate"] is True
    stranger = world.client.post("/api/cases", json=body, headers={"Idempotency-Key": "k-2026-12-06"})
    assert stranger.status_code == 201 and stranger.json()["case_id"] != centre.json()["case_id"]

    fields = {"service_code": "manhole_cover", "address_string": "无锡市梁溪区崇安寺街道",
              "description": "井盖松动，车过有响声"}
    ids = {world.open311(**fields).json()[0]["service_request_id"] for _ in range(3)}
    assert len(ids) == 1
    keyed = [world.client.post("/open311/v2/requests.json", headers={"Idempotency-Key": "client-42"},
                               data={"api_key": API_KEY, **fields, "description": "井盖缺失"})
             for _ in range(2)]
    assert keyed[0].status_code == keyed[1].status_code == 201
    assert keyed[0].json()[0]["service_request_id"] == keyed[1].json()[0]["service_request_id"]
    assert keyed[0].json()[0]["service_request_id"] not in ids


def test_public_xml_reads_parse_and_hide_personal_data(world: World) -> None:
    answer = world.open311("xml", service_code="social_life_noise", address_string="无锡市梁溪区崇安寺街道",
                           description=TEXT + "（XML）", phone="13812345678",
                           **{"attribute[publish]": "true"})
    assert answer.status_code == 201, answer.text
    case_id = ET.fromstring(answer.content).findtext("request/service_request_id")
    read = ET.fromstring(world.client.get(f"/open311/v2/requests/{case_id}.xml").content)
    description = read.findtext("request/description") or ""
    assert description and not any(p in description for p in PERSONAL)


# 12 (d), at the Open311 edge and the CLI's engine path --------------------------------------------
def test_open311_refuses_a_phone_that_is_no_phone(world: World) -> None:
    answer = world.open311(service_code="road_damage", address_string="无锡市梁溪区崇安寺街道",
                           description="路面塌陷（电话有误）", phone="12345")
    assert answer.status_code == 400 and "12345" in answer.json()[0]["description"]
    with pytest.raises(DomainError) as refused:
        world.platform.bus().handle(c.ReportCase(by="reporter", matter="road_damage", affected=(STREET,),
                                                 description="x", reporter_phone="call me"))
    assert refused.value.code == "case.bad_phone"
    spaced = world.open311(service_code="road_damage", address_string="无锡市梁溪区崇安寺街道",
                           description="路面塌陷（电话带空格）", phone="139 0000 1111")
    case_id = spaced.json()[0]["service_request_id"]
    read = world.client.get(f"/api/cases/{case_id}", headers=world.headers["centre"]).json()
    assert read["reporter_phone"] == "13900001111"
