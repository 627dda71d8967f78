"""公开审核 (issue 24 point 5, decision 0048), over HTTP on a SQLite store: the centre takes a report
off the public feed with a reason — it leaves the list, the map's points, the report's page and
photos, the Atom/RSS feeds and Open311's requests and updates — and puts it back; the record keeps
who did which and why; anyone else, and a change without a reason or that changes nothing, is
refused; the map's points are the redacted public points."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from liandong.bootstrap import Platform
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.cases import events as ev
from liandong.domain.errors import DomainError
from tests.factories.deployments import app_client, deployed, signed_in

TOWNSHIP, COUNTY, CENTRE = "320213001", "320213", "320200-gov"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Platform, TestClient]]:
    settings = Settings(data_dir=tmp_path)
    platform = deployed(settings, ("320200",), {})
    with app_client(settings, platform) as client:
        yield platform, client


def report(platform: Platform, text: str, *, publish: bool = True) -> str:
    bus = platform.bus()
    case_id = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=(TOWNSHIP,),
                                      description=text, publish=publish, reporter_phone="13900001111",
                                      coordinates="31.578612,120.301234")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=case_id))
    return case_id


def points(page: str) -> list[dict[str, object]]:
    found = re.search(r'<script type="application/json" id="public-points">(.*?)</script>', page, re.S)
    return json.loads(found.group(1)) if found else []


def everywhere(client: TestClient, case_id: str) -> dict[str, bool]:
    """Where the public reads show the case."""
    listing = client.get(f"/public/areas/{COUNTY}").text
    atom = feedparser.parse(client.get(f"/public/feeds/areas/{COUNTY}.atom").content)
    rss = feedparser.parse(client.get("/public/feeds/matters/garbage_collection.rss").content)
    requests = client.get("/open311/v2/requests.json").json()
    updates = client.get("/open311/v2/servicerequestupdates.json").json()
    return {
        "list": f'id="report-{case_id}"' in listing,
        "map": any(p["id"] == case_id for p in points(listing)),
        "page": client.get(f"/public/reports/{case_id}").status_code == 200,
        "atom": any(e.id.endswith(case_id) for e in atom.entries),
        "rss": any(e.id.endswith(case_id) for e in rss.entries),
        "open311": any(r["service_request_id"] == case_id for r in requests),
        "open311_one": client.get(f"/open311/v2/requests/{case_id}.json").status_code == 200,
        "updates": any(u["service_request_id"] == case_id for u in updates),
    }


World = tuple[Platform, TestClient]


def test_a_withheld_report_leaves_every_public_read_and_comes_back(world: World) -> None:
    platform, client = world
    kept = report(platform, "中山路垃圾桶满溢")
    taken = report(platform, "骂人的话，垃圾桶满溢")
    assert all(everywhere(client, taken).values()) and all(everywhere(client, kept).values())

    bus = platform.bus()
    bus.handle(c.ModerateCase(by=CENTRE, case_id=taken, shown="no", reason="含有侮辱性语言"))
    assert not any(everywhere(client, taken).values()), everywhere(client, taken)
    assert all(everywhere(client, kept).values())
    nearby = client.get("/portal/nearby.json", params={"matter": "garbage_collection", "lat": "31.578612",
                                                       "lng": "120.301234"}).json()["reports"]
    assert all("骂人" not in r["description"] for r in nearby)  # "me too" stays; its words do not

    withheld = [e for e in platform.queries().with_events(taken)[1]  # type: ignore[index]
                if isinstance(e, ev.PublicationWithheld)]
    assert [(e.actor, e.reason) for e in withheld] == [(CENTRE, "含有侮辱性语言")]  # who, and why

    bus.handle(c.ModerateCase(by=CENTRE, case_id=taken, shown="yes", reason="已核实，内容无不当"))
    assert all(everywhere(client, taken).values())
    events = platform.queries().with_events(taken)[1]  # type: ignore[index]
    assert [type(e).__name__ for e in events[-2:]] == ["PublicationWithheld", "PublicationRestored"]


def test_moderation_is_the_centres_with_a_reason_and_a_change(world: World) -> None:
    platform, client = world
    bus = platform.bus()
    shown = report(platform, "垃圾桶满溢")
    private = report(platform, "不同意公开", publish=False)
    lead = platform.queries().get(shown).record.lead  # type: ignore[union-attr]

    def refused(case_id: str, shown: str, reason: str = "x", by: str = CENTRE) -> str:
        with pytest.raises(DomainError) as caught:
            bus.handle(c.ModerateCase(by=by, case_id=case_id, shown=shown, reason=reason))
        return caught.value.code

    assert refused(shown, "no", reason="  ") == "case.moderation_reason"
    assert refused(shown, "yes") == "case.not_withheld"
    assert refused(private, "no") == "case.not_public"
    assert refused(shown, "maybe") == "case.bad_shown"
    assert refused(shown, "no", by=lead).startswith(("case.", "power."))  # the handler holds no such power
    bus.handle(c.ModerateCase(by=CENTRE, case_id=shown, shown="no", reason="x"))
    assert refused(shown, "no") == "case.already_withheld"
    assert client.get(f"/public/reports/{shown}").status_code == 404


def test_the_map_points_are_the_redacted_public_points(world: World) -> None:
    platform, client = world
    case_id = report(platform, "垃圾桶满溢，电话13812345678")
    for lang, closed_word in (("zh", "办理中"), ("en", "in progress")):
        page = client.get(f"/public?lang={lang}").text
        (point,) = [p for p in points(page) if p["id"] == case_id]
        assert (point["lat"], point["lng"]) == (31.579, 120.301)  # about 100 m, never the pin itself
        assert closed_word in str(point["label"]) and "13812345678" not in json.dumps(point)
        assert point["url"] == f"/public/reports/{case_id}?lang={lang}"
        assert 'src="/vendor/leaflet.js"' in page and 'src="/static/public_map.js"' in page
    assert 'data-parent="320213"' in client.get(f"/public/areas/{TOWNSHIP}").text  # its county's outline
    assert 'data-parent="320200"' in client.get("/public").text  # the city served: its districts
    assert "31.578612" not in client.get("/public").text


def test_the_centre_moderates_from_the_case_page(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    people = {"centre": (CENTRE, ["dispatcher"])}
    platform = deployed(settings, ("320200",), people)
    with app_client(settings, platform) as client:
        case_id = report(platform, "垃圾桶满溢")
        token = signed_in(client, people)["centre"]["Authorization"].removeprefix("Bearer ")
        assert 'id="moderate-link"' not in client.get(f"/public/reports/{case_id}").text  # not to the public
        client.cookies.set("ld_session", token)
        public = client.get(f"/public/reports/{case_id}").text
        assert f'href="/work/cases/{case_id}?lang=zh#action-moderate"' in public  # to the centre
        page = client.get(f"/work/cases/{case_id}")
        assert 'id="do-moderate"' in page.text and 'id="moderate-shown"' in page.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        version = re.search(r'id="action-moderate".*?name="version" value="(\d+)"', page.text, re.S)
        assert csrf is not None and version is not None
        done = client.post(f"/work/cases/{case_id}/act", data={
            "csrf": csrf.group(1), "action": "moderate", "version": version.group(1), "shown": "no",
            "reason": "描述中含有他人住址"})
        assert done.status_code in (200, 303), done.text[-500:]
        assert platform.queries().get(case_id).record.public_withheld  # type: ignore[union-attr]
        assert client.get(f"/public/reports/{case_id}").status_code == 404
        timeline = client.get(f"/work/cases/{case_id}").text
        assert "撤下公开" in timeline and "描述中含有他人住址" in timeline  # who and why, on the record
