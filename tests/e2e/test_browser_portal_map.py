"""A citizen on a phone (390×844), in Chinese and in English, in a real browser: "use my location"
drops the pin → the text suggests the matter → a report of the same problem nearby is shown →
"me too" instead of a duplicate; and bad input answered clearly (a pin outside the area served, a
pin that disagrees with the address). axe-core checks each page; nothing is fetched from outside
the server (no tiles are configured) and the content security policy refuses nothing."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from liandong.i18n.web.portal_map import FORM_TEXT
from tests.support.browser import Person
from tests.support.portal_form import opened

HERE = {"latitude": 31.578, "longitude": 120.300}  # 梁溪区, 无锡 (WGS-84, as a phone gives it)
SUZHOU = {"latitude": 31.30, "longitude": 120.62}  # 姑苏区, 苏州: outside the area served
PIN = {"lat": "31.578", "lng": "120.300", "crs": "wgs84"}


def seed(server: str, tag: str) -> None:
    """An open report of overflowing bins at the same spot, its text agreed to be public."""
    client, form = opened(server)
    answer = client.post("/portal", data={**form, "matter": "garbage_collection", **PIN,
                                          "address": "崇安寺街道人民中路9号",
                                          "description": f"人民中路垃圾桶满溢，三天没人清运 {tag}"})
    assert answer.status_code == 201, answer.text[-1000:]


def phone(browser: Any, server: str, lang: str, where: dict[str, float]) -> tuple[Person, Any]:
    citizen = Person(browser, server, lang, "citizen", phone=True, geolocation=where)
    page = citizen.go("/portal")
    page.wait_for_selector("#place-map.leaflet-container")
    page.wait_for_selector("#place-map .leaflet-overlay-pane path", state="attached")  # the city's districts
    return citizen, page


def fits(page: Any) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pin_suggested_matter_nearby_duplicate_and_me_too_on_a_phone(browser: Any, server: str,
                                                                    lang: str) -> None:
    words = FORM_TEXT[lang]
    tag = uuid.uuid4().hex[:6]
    seed(server, tag)
    citizen, page = phone(browser, server, lang, HERE)
    citizen.accessible()
    fits(page)

    # 1. "use my location": the pin, and the district it gives
    page.click("#use-location")
    page.locator("#pin-status", has_text="梁溪区").wait_for()
    assert (page.input_value("#lat"), page.input_value("#lng")) == ("31.578000", "120.300000")
    page.fill("#address", "人民中路123号")  # a street and a number: the pin gives the place

    # 2. the text suggests the matter
    page.fill("#description", f"人民中路的垃圾桶满了好几天没人清运，味道很大 {tag}")
    first = page.locator("#suggestions button.suggestion").first
    first.wait_for()
    assert first.get_attribute("data-matter") == "garbage_collection"
    first.click()
    assert page.input_value("#matter") == "garbage_collection"
    assert first.get_attribute("aria-pressed") == "true"

    # 3. the report already made nearby is shown, public fields only
    item = page.locator("#nearby-list li", has_text=tag)
    item.wait_for()
    shown = (item.text_content() or "").replace(tag, "")  # the case number (…-0013) is not a phone
    assert not re.search(r"1[3-9]\d{9}", shown) and "9号" not in shown  # no phone, no house number
    assert words["nearby_title"] in (page.text_content("#nearby-title") or "")
    fits(page)
    citizen.shot("phone-1-nearby")
    citizen.accessible()

    # 4. "me too" instead of a duplicate
    with page.expect_navigation():
        item.locator("button.metoo").click()
    assert (page.text_content("h1") or "").strip() == words["metoo_done_title"]
    citizen.shot("phone-2-me-too")
    citizen.accessible()
    rows = httpx.get(f"{server}/portal/nearby.json", params={"matter": "garbage_collection", **PIN}).json()
    assert next(r for r in rows["reports"] if tag in r["description"])["supporters"] == 1
    citizen.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_on_a_phone_is_answered_clearly(browser: Any, server: str, lang: str) -> None:
    words = FORM_TEXT[lang]
    # a pin outside the area served: said at once, and the form refused naming the map
    citizen, page = phone(browser, server, lang, SUZHOU)
    page.click("#use-location")
    page.wait_for_selector("#pin-status.field-error")
    assert "苏州" in (page.text_content("#pin-status") or "")
    page.select_option("#matter", "garbage_collection")
    page.fill("#description", "垃圾桶满了")
    with page.expect_navigation():
        page.click("#submit-report")
    assert words["errors_title"] in (page.text_content("#form-errors") or "")
    summary = page.locator("#form-errors a[href='#place-map']")
    assert summary.count() == 1 and "苏州" in (summary.text_content() or "")
    assert page.input_value("#lat") == "31.300000"  # the pin is kept to be moved
    fits(page)
    citizen.shot("phone-3-outside")
    citizen.accessible()
    citizen.close()

    # a pin that disagrees with the address: both named, nothing chosen for the citizen
    citizen, page = phone(browser, server, lang, HERE)
    page.click("#use-location")
    page.locator("#pin-status", has_text="梁溪区").wait_for()
    page.fill("#address", "蠡园街道湖滨路1号")
    page.wait_for_selector("#pin-status.field-error")
    status = page.text_content("#pin-status") or ""
    assert "梁溪区" in status and "蠡园街道" in status

    # the category narrows the list of matters
    page.select_option("#category", index=3)
    groups = page.locator("#matter optgroup")
    assert groups.count() == 1
    citizen.accessible()
    citizen.close()
