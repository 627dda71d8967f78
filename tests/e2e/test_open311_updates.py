"""Open311 as FixMyStreet speaks it (issue 24 point 8): ``servicerequestupdates`` with start_date and
end_date and the extended statuses, read by a client as FixMyStreet's reads it (the ``georeport``
client, taught the extension the way FixMyStreet's Open311 module asks for it), and media URLs for
the photos of reports whose reporters agreed to publication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import requests
import xmltodict
from georeport import GeoReport

from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.services.clock import ManualClock
from tests.factories.deployments import app_client, deployed
from tests.factories.photos import jpeg

KEY = "demo-open311-key"
LEAD = "320213001-urban_management"


class FixMyStreetClient(GeoReport):
    """A GeoReport client with mySociety's extension: the updates of requests in a time range."""

    def get_service_request_updates(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        w3 = "%Y-%m-%dT%H:%M:%SZ"
        params = {"start_date": start.strftime(w3), "end_date": end.strftime(w3)}
        response = requests.get(f"{self.root_address}/servicerequestupdates.{self.output_format}",
                                params=params, timeout=30)
        response.raise_for_status()
        if self.output_format == "json":
            found: list[dict[str, Any]] = response.json()
            return found
        data = xmltodict.parse(response.content)["service_request_updates"]
        if not data:
            return []
        items = data["request_update"]
        return items if isinstance(items, list) else [items]


def test_a_fixmystreet_client_follows_its_requests_by_updates(server: str) -> None:
    start = datetime.now(UTC) - timedelta(minutes=1)
    posted = httpx.post(f"{server}/open311/v2/requests.json", data={
        "api_key": KEY, "service_code": "garbage_collection", "lat": "31.5700", "long": "120.3000",
        "description": "垃圾满溢，我叫张三电话13812345678", "first_name": "三", "last_name": "张",
        "phone": "13812345678", "attribute[publish]": "true"})
    assert posted.status_code == 201, posted.text
    case_id = posted.json()[0]["service_request_id"]
    end = datetime.now(UTC) + timedelta(minutes=1)
    for fmt in ("json", "xml"):
        client = FixMyStreetClient(root_address=f"{server}/open311/v2", output_format=fmt)
        updates = client.get_service_request_updates(start, end)
        mine = [u for u in updates if u["service_request_id"] == case_id]
        assert [u["status"] for u in mine] == ["open", "action_scheduled"], mine  # reported, dispatched
        assert len({u["update_id"] for u in mine}) == 2
        assert all(u["updated_datetime"].endswith("Z") for u in mine)
        assert "13812345678" not in str(mine) and "张三" not in str(mine)
        before = client.get_service_request_updates(start - timedelta(days=2), start - timedelta(days=1))
        assert case_id not in {u["service_request_id"] for u in before}
    too_wide = httpx.get(f"{server}/open311/v2/servicerequestupdates.json",
                         params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-12-01T00:00:00Z"})
    assert too_wide.status_code == 400 and too_wide.json()[0]["code"] == 400


def test_updates_carry_extended_statuses_notes_and_consented_photos(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    platform = deployed(settings, ("320200",), {})
    bus = platform.bus()
    ids = {}
    for publish in (True, False):
        ids[publish] = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection",
                                               affected=("320213001",), description="垃圾满溢",
                                               publish=publish)).case_id
        platform.photos().attach(case_id=ids[publish], photo=platform.photos().clean(jpeg(gps=True)))
        bus.handle(c.DispatchCase(by="320200-gov", case_id=ids[publish]))
        bus.handle(c.AcknowledgeCase(by=LEAD, case_id=ids[publish]))
        bus.handle(c.StartHandling(by=LEAD, case_id=ids[publish]))
        bus.handle(c.ResolveCase(by=LEAD, case_id=ids[publish], summary="已清运",
                                 public_note="已清运，联系电话13900001111"))
    with app_client(settings, platform) as client:
        answer = client.get("/open311/v2/servicerequestupdates.xml")  # the last day by default
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/xml")
        updates = xmltodict.parse(answer.content)["service_request_updates"]["request_update"]
        for publish, case_id in ids.items():
            mine = [u for u in updates if u["service_request_id"] == case_id]
            assert [u["status"] for u in mine] == ["open", "action_scheduled", "investigating",
                                                   "in_progress", "fixed"]
            assert mine[-1]["description"] == "已清运，联系电话〔电话〕"
            media = {u["media_url"] for u in mine}
            if publish:  # the photo where the public feed shows the case, and only there
                (url,) = media
                assert url and url.startswith(client.app.state.public_url)  # type: ignore[attr-defined]
                photo = client.get(url.removeprefix(client.app.state.public_url))  # type: ignore[attr-defined]
                assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
                assert b"Exif" not in photo.content[:200] and b"GPS" not in photo.content
            else:
                assert media == {None}
        listed = client.get(f"/open311/v2/requests/{ids[True]}.json").json()[0]
        assert listed["media_url"].endswith(".jpg")
        assert client.get(f"/open311/v2/requests/{ids[False]}.json").json()[0]["media_url"] == ""
        hidden = client.get(f"/public/photos/{ids[False]}/{'0' * 64}.jpg")
        assert hidden.status_code == 404
        backwards = client.get("/open311/v2/servicerequestupdates.json",
                               params={"start_date": "2026-12-02T00:00:00Z",
                                       "end_date": "2026-12-01T00:00:00Z"})
        assert backwards.status_code == 400


def test_updates_of_cases_received_long_before_the_window_and_only_of_listed_ones(tmp_path: Path) -> None:
    """A step in the window is listed however long ago its case was received (not only the cases of
    the last year, nor only the 10,000 latest); a withheld report's and a never-public matter's are not."""
    clock = ManualClock(datetime(2025, 3, 3, 1, 0, tzinfo=UTC))
    settings = Settings(data_dir=tmp_path)
    platform = deployed(settings, ("320200",), {}, sandbox=True, clock=clock)  # a simulated clock
    bus = platform.bus()

    def report(matter: str = "garbage_collection") -> str:
        case_id = bus.handle(c.ReportCase(by="reporter", matter=matter, affected=("320213001",),
                                          description="垃圾满溢", publish=True)).case_id
        bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
        return case_id

    old = report()
    clock.advance(timedelta(days=400))
    start = clock.now()
    clock.advance(timedelta(minutes=1))
    bus.handle(c.AcknowledgeCase(by=LEAD, case_id=old))
    clock.advance(timedelta(minutes=1))
    bus.handle(c.StartHandling(by=LEAD, case_id=old))
    withheld, hidden = report(), report("telecom_fraud")
    bus.handle(c.ModerateCase(by="320200-gov", case_id=withheld, shown="no", reason="含有侮辱性语言"))
    events = platform.queries().with_events(old)[1]  # type: ignore[index]
    positions = [n for n, e in enumerate(events, start=1) if type(e).__name__ in ("CaseAcknowledged",
                                                                                 "HandlingStarted")]
    w3 = "%Y-%m-%dT%H:%M:%SZ"
    window = {"start_date": start.strftime(w3), "end_date": (start + timedelta(days=1)).strftime(w3)}
    with app_client(settings, platform) as client:
        updates = client.get("/open311/v2/servicerequestupdates.json", params=window).json()
        assert [(u["update_id"], u["status"]) for u in updates] == [
            (f"{old}-{positions[0]}", "investigating"), (f"{old}-{positions[1]}", "in_progress")]
        assert {u["updated_datetime"] for u in updates} == {
            (start + timedelta(minutes=1)).strftime(w3), (start + timedelta(minutes=2)).strftime(w3)}
        assert withheld not in str(updates) and hidden not in str(updates)
        first = client.get("/open311/v2/servicerequestupdates.json", params={**window, "page_size": 1}).json()
        assert first == updates[:1]
