"""Work on a phone (issue 23 point 8, the acceptance's extension and 回访 journeys): at 390×844 the
street's team asks for more time from its case page, the district bureau's leader finds the request
in its 待办 and grants it, the street resolves, the centre records the 回访 from its queue, and the
city's leader reads the dashboard — every page as wide as the screen at most, accessible, in Chinese
and in English."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from liandong.domain.worktime import SHANGHAI
from tests.factories.accounts import token
from tests.support.browser import Person


def on_phone(browser: Any, server: str, lang: str, who: str, username: str) -> Person:
    person = Person(browser, server, lang, who, phone=True)
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
    street.fits()
    page = street.go(f"/work/cases/{case_id}")
    street.fits()
    street.accessible()
    page = street.submit("#do-acknowledge")
    street.fits()
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
    bureau.fits()
    bureau.accessible()
    row = page.locator(f"#duties tr[data-subject='{case_id}'][data-kind='decide_extension']")
    assert row.count() == 1
    page = bureau.go(f"/work/cases/{case_id}")
    bureau.fits()
    assert page.locator("#primary-action #do-extension-decision").count() == 1  # the one step asked
    page.select_option("#extension-decision-approve", "yes")
    page.fill("#extension-decision-reason", "同意延期")
    page = bureau.submit("#do-extension-decision")
    assert page.locator("#timeline-table tr[data-type=ExtensionDecided]").count() == 1
    due = page.text_content("#case-due") or ""
    assert until[:10] in due, due  # the new deadline, in Beijing time
    bureau.fits()
    bureau.shot("phone-2-extension-granted")
    page = bureau.go("/work")
    assert page.locator(f"#duties tr[data-subject='{case_id}'][data-kind='decide_extension']").count() == 0

    # the street resolves it; the centre records the 回访 from its queue, on a phone too
    page = street.go(f"/work/cases/{case_id}")
    page.fill("#resolve-summary", "已更换压缩设备，中转站恢复运行")
    page = street.submit("#do-resolve")
    assert page.get_attribute("#case-state", "data-state") == "resolved"
    centre = on_phone(browser, server, lang, "centre-phone", "centre")
    page = centre.go("/work/followups")
    centre.fits()
    centre.accessible()
    row = page.locator(f"#queue tr[data-case='{case_id}']")
    assert row.count() == 1
    page.check(f"#o-{case_id}-satisfied")
    page = centre.submit(f"#record-{case_id}")
    assert page.locator("#recorded").count() == 1
    assert page.locator(f"#queue tr[data-case='{case_id}']").count() == 0  # off the queue
    page = centre.go(f"/work/cases/{case_id}")
    assert page.get_attribute("#case-state", "data-state") == "followed_up"

    # the city's leader reads the dashboard on a phone
    leader = on_phone(browser, server, lang, "leader-phone", "wuxi_leader")
    page = leader.go("/work/dashboard")
    page.wait_for_selector("#dashboard-data", state="attached")
    leader.fits()
    leader.accessible()
    leader.shot("phone-3-dashboard")
    assert re.search(r"\d", page.text_content("main") or "")

    for person in (street, bureau, centre, leader):
        person.close()
