"""The public feed a city publishes (issue 24 point 5), over HTTP on a SQLite store and a real SMTP
server (aiosmtpd): only consented, dispatched reports of public matters are shown, redacted (the
redactor's own samples run through the pages and the feeds); the Atom and RSS feeds parse with
``feedparser``; an area alert is sent only after its confirmation link, and every alert can be
unsubscribed from."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from liandong.bootstrap import Platform
from liandong.config import Settings
from liandong.domain.cases import commands as c
from tests.factories.deployments import app_client, deployed
from tests.factories.mail import Inbox, link_in, smtp_server, text_of
from tests.factories.redaction import PERSONAL

TOWNSHIP = "320213001"  # 崇安寺街道, 梁溪区, 无锡市
COUNTY = "320213"
PERSONAL_BITS = ("张三", "13812345678", "13900001111", "320102199001011234", "123号", "501室", "苏B12345",
                 "li.si@example.com")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Platform, TestClient, Inbox]]:
    with smtp_server() as (inbox, port):
        settings = Settings(data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port)
        platform = deployed(settings, ("320200",), {})
        with app_client(settings, platform) as client:
            yield platform, client, inbox


def report(platform: Platform, description: str, *, publish: bool = True,
           matter: str = "garbage_collection", dispatch: bool = True, **extra: Any) -> str:
    bus = platform.bus()
    case_id = bus.handle(c.ReportCase(by="reporter", matter=matter, affected=(TOWNSHIP,),
                                      description=description, publish=publish, reporter_name="张三",
                                      reporter_phone="13900001111",
                                      address="中山路 123号", coordinates="31.578612,120.301234",
                                      **extra)).case_id
    if dispatch:
        bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
    return case_id


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


World = tuple[Platform, TestClient, Inbox]


def test_only_consented_dispatched_public_reports_are_shown_redacted(world: World) -> None:
    platform, client, _ = world
    shown = report(platform, "中山路垃圾桶满溢，我叫张三电话13812345678，住人民中路123号5栋2单元501室")
    unconsented = report(platform, "垃圾满溢（不同意公开）", publish=False)
    waiting = report(platform, "垃圾满溢（尚未派单）", dispatch=False)
    hidden = report(platform, "电信诈骗（不公开事项）", matter="telecom_fraud")

    page = client.get(f"/public/areas/{TOWNSHIP}")
    assert page.status_code == 200 and f'id="report-{shown}"' in page.text
    assert "中山路垃圾桶满溢，我叫〔姓名〕电话〔电话〕，住人民中路〔门牌〕" in page.text
    for other in (unconsented, waiting, hidden):
        assert other not in page.text
        assert client.get(f"/public/reports/{other}").status_code == 404
    for text in (page.text, client.get(f"/public/reports/{shown}").text, client.get("/public?lang=en").text):
        assert not any(bit in text for bit in PERSONAL_BITS)
        assert "31.578612" not in text and "中山路 123号" not in text
    one = client.get(f"/public/reports/{shown}")
    assert "31.579, 120.301" in one.text and "派单" in one.text and "受理" in one.text  # the history
    assert client.get(f"/public/areas/{COUNTY}").text.count('class="public-report"') == 1
    assert client.get("/public/areas/999999999").status_code == 404


def test_the_atom_and_rss_feeds_parse_and_list_the_redacted_reports(world: World) -> None:
    platform, client, _ = world
    ids = [report(platform, text) for text, _ in PERSONAL]
    report(platform, "不同意公开 13812345678", publish=False)
    atom = client.get(f"/public/feeds/areas/{COUNTY}.atom")
    assert atom.status_code == 200 and atom.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(atom.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10" and "梁溪区" in parsed.feed.title
    assert len(parsed.entries) == len(PERSONAL)
    by_id = {entry.id.rsplit("/", 1)[1]: entry for entry in parsed.entries}
    assert set(by_id) == set(ids)
    for case_id, (text, expected) in zip(ids, PERSONAL, strict=True):
        summary = by_id[case_id].summary
        assert summary.startswith(expected), (text, summary)
        assert by_id[case_id].title.startswith("垃圾清运不及时")
    for kind, version in (("atom", "atom10"), ("rss", "rss20")):
        for path in (f"/public/feeds/areas/{TOWNSHIP}.{kind}",
                     f"/public/feeds/matters/garbage_collection.{kind}"):
            body = client.get(path)
            assert body.status_code == 200, path
            assert feedparser.parse(body.content).version == version
            assert not any(bit in body.text for bit in PERSONAL_BITS), path
    assert client.get("/public/feeds/matters/telecom_fraud.atom").status_code == 404  # never public
    english = feedparser.parse(client.get(f"/public/feeds/areas/{TOWNSHIP}.atom?lang=en").content)
    assert english.entries[0].title.startswith("Garbage collection")


def test_an_area_alert_is_sent_only_after_double_opt_in_and_can_be_unsubscribed(world: World) -> None:
    platform, client, inbox = world
    page = client.get(f"/public/areas/{COUNTY}")
    assert 'id="alert-form"' in page.text
    asked = client.post("/public/alerts", data={"csrf": csrf_of(page.text), "email": "neighbour@example.cn",
                                                "area": COUNTY})
    assert asked.status_code == 202, asked.text
    (confirmation,) = inbox.wait(1)
    assert confirmation["To"] == "neighbour@example.cn" and "确认" in str(confirmation["Subject"])
    report(platform, "确认前的问题")  # not yet confirmed: no alert
    platform.area_alerts.drain()  # type: ignore[union-attr]
    assert len(inbox.mails) == 1

    confirm_page = client.get(link_in(confirmation, "/public/alerts/confirm"))
    assert confirm_page.status_code == 200 and 'id="alert-action"' in confirm_page.text
    token = re.search(r'name="token" value="([^"]+)"', confirm_page.text)
    assert token is not None
    refused = client.post("/public/alerts/confirm", data={"csrf": "forged", "token": token.group(1)})
    assert refused.status_code == 403
    form = {"csrf": csrf_of(confirm_page.text), "token": token.group(1)}
    done = client.post("/public/alerts/confirm", data=form)
    assert done.status_code == 200 and "梁溪区" in done.text

    case_id = report(platform, "路边垃圾堆积，我叫张三电话13812345678")
    report(platform, "不同意公开的问题", publish=False)
    alert = inbox.wait(2)[1]
    body = text_of(alert)
    assert alert["To"] == "neighbour@example.cn" and f"/public/reports/{case_id}" in body
    assert "路边垃圾堆积，我叫〔姓名〕电话〔电话〕" in body and not any(bit in body for bit in PERSONAL_BITS)
    platform.area_alerts.drain()  # type: ignore[union-attr]
    assert len(inbox.mails) == 2  # the unconsented report sent nothing

    leave = client.get(link_in(alert, "/public/alerts/unsubscribe"))
    token = re.search(r'name="token" value="([^"]+)"', leave.text)
    assert token is not None
    form = {"csrf": csrf_of(leave.text), "token": token.group(1)}
    gone = client.post("/public/alerts/unsubscribe", data=form)
    assert gone.status_code == 200
    report(platform, "退订后的问题")
    platform.area_alerts.drain()  # type: ignore[union-attr]
    assert len(inbox.mails) == 2
    again = client.post("/public/alerts/unsubscribe", data=form)
    assert again.status_code == 404


def test_a_bad_subscription_is_refused_in_the_users_language(world: World) -> None:
    _, client, inbox = world
    page = client.get(f"/public/areas/{COUNTY}?lang=en")
    bad = client.post("/public/alerts?lang=en", data={"csrf": csrf_of(page.text), "email": "not-a-mail",
                                                      "area": COUNTY})
    assert bad.status_code == 422 and "is not an e-mail address" in bad.text
    unknown = client.post("/public/alerts", data={"csrf": csrf_of(page.text), "email": "a@example.cn",
                                                  "area": "999999"})
    assert unknown.status_code == 422 and "999999" in unknown.text
    assert inbox.mails == []
