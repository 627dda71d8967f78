"""The citizen side's acceptance journey (issue 24) in a real browser on a phone (390×844), in Chinese
and in English, against a server that mails through a real SMTP server (aiosmtpd):

pin ("use my location") → the matter suggested → a report of the same problem nearby shown → "me
too"; then a new report with a photo → the centre dispatches it and the handler sees the photo →
the status changes arrive by e-mail → the public feed shows the report redacted, on its map and in
its list → the Atom feed parses (``feedparser``) and lists it. axe-core checks each page, nothing
is wider than the phone, nothing is fetched from outside the server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import feedparser
import httpx
import pytest

from liandong.i18n.web.portal_map import FORM_TEXT
from tests.factories.accounts import E2E_USER_LIMIT
from tests.factories.mail import Inbox, smtp_server, text_of
from tests.factories.photos import jpeg
from tests.support.browser import Person
from tests.support.portal_form import opened
from tests.support.processes import free_port, serving

HERE = {"latitude": 31.578, "longitude": 120.300}  # 梁溪区, 无锡 (WGS-84, as a phone gives it)
PIN = {"lat": "31.578", "lng": "120.300", "crs": "wgs84"}
TOWNSHIP = "320213001"  # 崇安寺街道
PERSONAL = ("张三", "13812345678", "13900001111", "人民中路123号")


@pytest.fixture(scope="module")
def mailing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Inbox]]:
    """A server of its own whose reporters' mail goes to an aiosmtpd inbox on loopback."""
    with smtp_server() as (inbox, smtp_port):
        data = tmp_path_factory.mktemp("mailing")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "LIANDONG_DATA_DIR": str(data),
               "LIANDONG_SIGN_IN_ADDRESS_LIMIT": "100000/minute",
               "LIANDONG_SIGN_IN_LIMIT": f"{E2E_USER_LIMIT}/minute", "LIANDONG_TRUSTED_PROXIES": "127.0.0.1",
               "LIANDONG_SMTP_HOST": "127.0.0.1", "LIANDONG_SMTP_PORT": str(smtp_port),
               "LIANDONG_PUBLIC_URL": base}
        env.pop("LIANDONG_DATABASE_URL", None)
        cli = [sys.executable, "-m", "liandong.cli"]
        subprocess.run([*cli, "init", "--scope", "320200"], env=env, check=True, capture_output=True,
                       timeout=300)
        subprocess.run([sys.executable, "-c", "from datetime import UTC, datetime; "
                        "from liandong.bootstrap import bootstrap; "
                        "from liandong.services.demo_accounts import ensure_demo_accounts; "
                        "ensure_demo_accounts(uow=bootstrap().uow(), now=datetime.now(UTC))"],
                       env=env, check=True, capture_output=True, timeout=300)
        with serving([*cli, "serve", "--port", str(port)], url=f"{base}/healthz", env=env,
                     log=tmp_path_factory.mktemp("mailing-log") / "server.log"):
            yield base, inbox


def seed(server: str, tag: str) -> None:
    """An open report of overflowing bins at the same spot, agreed to be public (another citizen's)."""
    client, form = opened(server)
    answer = client.post("/portal", data={**form, "matter": "garbage_collection", **PIN,
                                          "address": "崇安寺街道人民中路9号",
                                          "description": f"人民中路垃圾桶满溢，三天没人清运 {tag}"})
    assert answer.status_code == 201, answer.text[-1000:]


def located(page: Any, description: str) -> Any:
    """The pin from "use my location", the address, the text, and the first suggestion taken."""
    page.wait_for_selector("#place-map.leaflet-container")
    page.click("#use-location")
    page.locator("#pin-status", has_text="梁溪区").wait_for()
    page.fill("#address", "崇安寺街道人民中路123号")
    page.fill("#description", description)
    first = page.locator("#suggestions button.suggestion").first
    first.wait_for()
    assert first.get_attribute("data-matter") == "garbage_collection"
    first.click()
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_citizen_journey_on_a_phone(browser: Any, mailing: tuple[str, Inbox], lang: str) -> None:
    server, inbox = mailing
    words = FORM_TEXT[lang]
    tag = uuid.uuid4().hex[:6]
    seed(server, tag)

    # 1. pin → suggested matter → the report nearby → "me too"
    citizen = Person(browser, server, lang, "citizen", phone=True, geolocation=HERE)
    page = located(citizen.go("/portal"), f"人民中路的垃圾桶满了好几天没人清运 {tag}")
    item = page.locator("#nearby-list li", has_text=tag)
    item.wait_for()
    citizen.accessible()
    citizen.fits()
    with page.expect_navigation():
        item.locator("button.metoo").click()
    assert (page.text_content("h1") or "").strip() == words["metoo_done_title"]
    citizen.accessible()

    # 2. a new report with a photo (its GPS stripped on the way in), an e-mail address, publication agreed
    mail = f"reporter-{lang}-{tag}@example.cn"
    page = located(citizen.go("/portal"), f"垃圾桶旁边堆满了垃圾袋，我叫张三电话13812345678 ({tag})")
    photo = {"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg(gps=True)}
    page.set_input_files("#photo", files=[photo])
    page.check("#publish")
    page.fill("#name", "张三")
    page.fill("#phone", "13900001111")
    page.fill("#email", mail)
    citizen.fits()
    with page.expect_navigation():
        page.click("#submit-report")
    code = (page.text_content("#tracking-code") or "").strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), page.text_content("main")
    citizen.accessible()

    # 3. the centre dispatches it; the street's team sees the photo and acknowledges it
    centre = Person(browser, server, lang, "centre", phone=True)
    centre.sign_in("centre")
    page = centre.go("/work/dispatch")
    card = page.locator("#new-reports article.card", has_text=f"({tag})")
    case_id = card.get_attribute("data-case") or ""
    assert case_id
    card.locator("button.dispatch-now").click()
    page.wait_for_selector(f"#report-{case_id} .outcome")
    street = Person(browser, server, lang, "street", phone=True)
    street.sign_in("chongansi_zhifa")
    page = street.go(f"/work/cases/{case_id}")
    thumb = page.get_attribute("#case-photos img", "src") or ""
    assert thumb and page.request.get(f"{server}{thumb}").headers["content-type"] == "image/jpeg"
    street.accessible()
    street.fits()
    page = street.submit("#do-acknowledge")
    assert page.get_attribute("#case-state", "data-state") == "acknowledged"

    # 4. the status changes arrive by e-mail, with nobody's personal data
    def mine() -> list[Any]:
        return [m for m in inbox.mails if m["To"] == mail]
    while len(mine()) < 2:
        inbox.wait(len(inbox.mails) + 1)
    bodies = [text_of(m) for m in mine()]
    assert any("签收" in body for body in bodies), bodies
    assert not any(bit in body for body in bodies for bit in PERSONAL)

    # 5. the public feed shows it redacted, in its township's list and on the map
    page = citizen.go(f"/public/areas/{TOWNSHIP}")
    page.wait_for_selector("#public-map .public-dot")
    report = page.locator(f"#report-{case_id}")
    text = report.text_content() or ""
    assert f"({tag})" in text and not any(bit in text for bit in PERSONAL)
    assert page.locator("#public-map .public-dot").count() >= 1
    assert page.locator('#public-map [aria-label*="崇安寺街道"]').count() >= 1  # the marker, named
    citizen.accessible()
    citizen.fits()
    citizen.shot("citizen-public-map")

    # 6. the Atom feed parses and lists it
    feed = httpx.get(f"{server}/public/feeds/areas/{TOWNSHIP}.atom", params={"lang": lang})
    atom = feedparser.parse(feed.content)
    assert not atom.bozo, atom.bozo_exception
    entry = next(e for e in atom.entries if e.id.endswith(case_id))
    assert f"({tag})" in entry.summary and not any(bit in entry.summary for bit in PERSONAL)
    for person in (citizen, centre, street):
        person.close()
