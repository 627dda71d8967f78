"""Work on a phone (issue 23 point 8, the acceptance's extension journey): at 390×844 the street's
team asks for more time from its case page, the district bureau's leader finds the request in its
待办 and grants it, and the city's leader reads the dashboard — every page as wide as the screen at
most, accessible, in Chinese and in English."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from liandong.domain.worktime import SHANGHAI
from tests.factories.accounts import token
from tests.support.browser import Person

PHONE = {"width": 390, "height": 844}


WIDEST = """(limit) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > limit)
  .slice(-3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ' in ' +
                      (e.closest('[id]') || {}).id + ' ' +
                      Math.round(e.getBoundingClientRect().right))"""


def fits(person: Person) -> None:
    """Nothing wider than the screen (else the failure names the innermost elements that stick out)."""
    wide = person.page.evaluate("() => document.documentElement.scrollWidth")
    culprits = person.page.evaluate(WIDEST, PHONE["width"]) if wide > PHONE["width"] else []
    assert wide <= PHONE["width"], f"{person.page.url}: {wide} px on a {PHONE['width']} px screen: {culprits}"


def on_phone(browser: Any, server: str, lang: str, who: str, username: str) -> Person:
    person = Person(browser, server, lang, who)
    person.page.set_viewport_size(PHONE)
    person.sign_in(username)
    return person


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_extension_asked_and_granted_on_phones(browser: Any, server: str, lang: str) -> None:
    answer = httpx.post(f"{server}/api/cases", json={
        "matter": "garbage_collection", "affected": ["320213001"],
        "description": f"崇安寺街道垃圾中转站设备损坏，需更换（手机延期 {lang}）"})
    assert answer.status_code == 201, answer.text
    case_id = answer.json()["case_id"]
    assert httpx.post(f"{server}/api/cases/{case_id}/dispatch",
                      headers=token(server, "centre")).status_code == 200

    # the street's team acknowledges and asks for more time, from a phone
    street = on_phone(browser, server, lang, "street-phone", "chongansi_zhifa")
    page = street.go("/work")
    fits(street)
    page = street.go(f"/work/cases/{case_id}")
    fits(street)
    street.accessible()
    page = street.submit("#do-acknowledge")
    fits(street)
    page.click("#fold-extension summary")
    until = (datetime.now(SHANGHAI) + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#extension-until", until)
    page.fill("#extension-reason", "需采购更换压缩设备，供货周期约两周")
    page = street.submit("#do-extension")
    assert page.locator("#case-waiting").count() == 1  # whom it now waits on, in words
    street.shot("phone-1-extension-asked")

    # the district bureau's leader finds it in 待办 and grants it
    bureau = on_phone(browser, server, lang, "bureau-phone", "liangxi_chengguan_leader")
    page = bureau.go("/work")
    fits(bureau)
    bureau.accessible()
    row = page.locator(f"#duties tr[data-subject='{case_id}'][data-kind='decide_extension']")
    assert row.count() == 1
    page = bureau.go(f"/work/cases/{case_id}")
    fits(bureau)
    assert page.locator("#primary-action #do-extension-decision").count() == 1  # the one step asked
    page.select_option("#extension-decision-approve", "yes")
    page.fill("#extension-decision-reason", "同意延期")
    page = bureau.submit("#do-extension-decision")
    assert page.locator("#timeline-table tr[data-type=ExtensionDecided]").count() == 1
    due = page.text_content("#case-due") or ""
    assert until[:10] in due, due  # the new deadline, in Beijing time
    fits(bureau)
    bureau.shot("phone-2-extension-granted")
    page = bureau.go("/work")
    assert page.locator(f"#duties tr[data-subject='{case_id}'][data-kind='decide_extension']").count() == 0

    # the city's leader reads the dashboard on a phone
    leader = on_phone(browser, server, lang, "leader-phone", "wuxi_leader")
    page = leader.go("/work/dashboard")
    page.wait_for_selector("#dashboard-data", state="attached")
    fits(leader)
    leader.accessible()
    leader.shot("phone-3-dashboard")
    assert re.search(r"\d", page.text_content("main") or "")

    for person in (street, bureau, leader):
        person.close()
