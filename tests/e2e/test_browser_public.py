"""The public feed and the tracking code's recovery in a real browser on a phone (390 px), in Chinese
and in English: axe-core finds nothing serious, nothing is wider than the screen, the content
security policy refuses nothing (the pages carry no script at all)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support.browser import Person


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_public_pages_on_a_phone(browser: Any, server: str, lang: str) -> None:
    tag = uuid.uuid4().hex[:6]
    posted = httpx.post(f"{server}/open311/v2/requests.json", data={
        "api_key": "demo-open311-key", "service_code": "garbage_collection", "lat": "31.5700",
        "long": "120.3000", "description": f"垃圾桶满溢，我叫张三电话13812345678 ({tag})",
        "attribute[publish]": "true"})
    assert posted.status_code == 201, posted.text
    case_id = posted.json()[0]["service_request_id"]

    citizen = Person(browser, server, lang, "citizen", phone=True)
    page = citizen.go("/public")
    assert f"({tag})" in (page.text_content(f"#report-{case_id}") or "")
    page.wait_for_selector(".leaflet-overlay-pane path", state="attached")  # the city's districts drawn
    citizen.accessible()
    citizen.fits()
    township = page.get_attribute(f"#report-{case_id} >> xpath=ancestor::section", "id") or ""
    page = citizen.go(f"/public/areas/{township.removeprefix('township-')}")
    assert page.is_visible("#alert-form") and page.is_visible("#atom-link")
    citizen.accessible()
    citizen.fits()
    page = citizen.go(f"/public/reports/{case_id}")
    text = page.text_content("main") or ""
    assert "13812345678" not in text and "张三" not in text and "〔电话〕" in text
    citizen.accessible()
    citizen.fits()
    page = citizen.go("/portal/recover")
    citizen.accessible()
    citizen.fits()
    page.fill("#phone", "13600003333")
    citizen.submit("#recover-submit")
    citizen.accessible()
    citizen.fits()
    citizen.close()
