"""The whole journey in a real browser (Debian's Chromium driven by Playwright), in Chinese and
in English, with an accessibility check (axe-core) on every page and a screenshot of each step.

A citizen reports on the portal → the 12345 centre dispatches → the street's law-enforcement
team acknowledges and summons a district department → the department reports in within the
limit → the lead resolves → the citizen rates → the city's dashboard counts the case → the
receipt verifies in the page.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from tests.factories.photos import jpeg
from tests.support.browser import Person


def dashboard_numbers(person: Person) -> dict[str, Any]:
    page = person.go("/work/dashboard")
    data: dict[str, Any] = json.loads(page.text_content("#dashboard-data") or "{}")
    return data


@pytest.mark.parametrize("screen", ["desk", "phone"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_to_rating_in_the_browser(browser: Any, server: str, lang: str, screen: str) -> None:
    phone = screen == "phone"  # on a phone every page is checked to be no wider than the screen
    leader = Person(browser, server, lang, "leader", phone=phone)
    leader.sign_in("wuxi_leader")
    before = dashboard_numbers(leader)

    # 1. A citizen reports on the portal and gets a tracking code.
    citizen = Person(browser, server, lang, "citizen", phone=phone)
    page = citizen.go("/portal")
    citizen.accessible()
    citizen.fits()
    tag = uuid.uuid4().hex[:6]  # other tests on this server report at the same street
    description = f"崇安寺街道中山路垃圾桶满溢三天没人清运，气味很大 ({lang} {tag})"
    page.select_option("#matter", "garbage_collection")
    page.fill("#address", "江苏省无锡市梁溪区崇安寺街道")
    page.fill("#description", description)
    citizen.shot("1-portal-report")
    page.locator("form#report-form button[type=submit]").click()
    code = (page.text_content("#tracking-code") or "").strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    citizen.shot("2-tracking-code")
    citizen.accessible()
    citizen.fits()

    # 2. The 12345 centre dispatches it from the console.
    centre = Person(browser, server, lang, "centre", phone=phone)
    centre.sign_in("centre")
    page = centre.go("/work/dispatch")
    centre.accessible()
    centre.fits()
    row = page.locator("#new-reports article.card", has_text=tag)
    case_id = row.get_attribute("data-case") or ""
    assert case_id
    centre.shot("3-dispatch-console")
    row.locator("button.dispatch-now").click()
    page.wait_for_selector(f"#report-{case_id} .outcome")  # the card in place; the console stays
    assert "/work/dispatch" in page.url
    page = centre.go(f"/work/cases/{case_id}")
    assert page.get_attribute("#case-state", "data-state") == "dispatched"

    # 3. The street's team acknowledges and blows the whistle for the district department.
    street = Person(browser, server, lang, "street", phone=phone)
    street.sign_in("chongansi_zhifa")
    page = street.go("/work")
    street.accessible()
    street.fits()
    assert page.locator(f"#duties a[href*='{case_id}']").count() == 1
    page = street.go(f"/work/cases/{case_id}")
    street.accessible()
    street.fits()
    page = street.submit("#do-acknowledge")
    assert page.get_attribute("#case-state", "data-state") == "acknowledged"
    assert page.locator("#primary-action #do-resolve").count() == 1  # 办结 is the step; the rest folded
    assert not page.is_visible("#summons-reason")
    page.click("#fold-summons summary")
    page.check("#summons-departments-320213-urban_management")
    page.fill("#summons-reason", "垃圾清运车辆调度需要区城管局到场")
    page = street.submit("#do-summons")
    assert page.locator("#summons").count() == 1
    street.shot("4-case-summoned")

    # 4. The district department reports in within the 30-minute limit.
    district = Person(browser, server, lang, "district", phone=phone)
    district.sign_in("liangxi_chengguan")
    page = district.go("/work")  # the summons waits in its 待办, with its countdown
    district.accessible()
    district.fits()
    summoned = page.locator(f"#duties tr[data-subject='{case_id}'][data-kind='answer_summons']")
    assert summoned.count() == 1 and summoned.locator(".countdown").text_content().strip()
    told = page.locator(f"#told a[href*='{case_id}']")  # and among its notices (通知), by number
    assert told.count() >= 1 and re.match(r"\d{6}-\d{8}-\d{4}", told.first.text_content() or "")
    page = district.go(f"/work/cases/{case_id}")
    page = district.submit("#do-summons-answer")
    summons = page.text_content("#summons") or ""
    assert ("按时" if lang == "zh" else "on time") in summons
    district.shot("5-summons-answered")

    # 5. The lead resolves, with a photo of the emptied bins (its place stripped on the way in).
    page = street.go(f"/work/cases/{case_id}")
    page.fill("#resolve-summary", "已协调区环卫车辆清运，垃圾桶已清空并消毒")
    page.fill("#resolve-public_note", "垃圾已清运完毕，感谢您的反映")
    page.set_input_files("#resolve-photos", files=[{"name": "after.jpg", "mimeType": "image/jpeg",
                                                    "buffer": jpeg(gps=True)}])
    page = street.submit("#do-resolve")
    assert page.get_attribute("#case-state", "data-state") == "resolved"
    assert page.locator("#timeline-table tr[data-type=SummonsAnswered]").count() == 1
    # …and the centre that dispatched it sees the photo on the case page, under the step that took it
    page = centre.go(f"/work/cases/{case_id}")
    step = page.text_content("#case-photos .photo-step") or ""
    assert ("办结" if lang == "zh" else "resolved") in step, step
    thumb = page.get_attribute("#case-photos img", "src") or ""
    assert page.request.get(f"{server}{thumb}").headers["content-type"] == "image/jpeg"
    street.shot("6-case-resolved")
    street.accessible()
    street.fits()

    # 6. The citizen sees the photo of the result and rates it with the tracking code.
    page = citizen.go(f"/portal/track?code={code}")
    citizen.accessible()
    after = page.get_attribute("#after-photos img", "src") or ""
    assert page.request.get(f"{server}{after}").headers["content-type"] == "image/jpeg"
    assert page.request.get(f"{server}{after.replace(code, 'AAAA-BBBB-CCCC')}").status == 404
    citizen.fits()
    page.check("#rating-satisfied")
    page.locator("form#rating-form button[type=submit]").click()
    page = citizen.go(f"/portal/track?code={code}")
    citizen.shot("7-rated")

    # 7. The city's dashboard counts it.
    after = dashboard_numbers(leader)
    leader.accessible()
    leader.fits()
    leader.shot("8-dashboard")
    assert after["totals"]["received"] == before["totals"]["received"] + 1
    assert after["totals"]["resolved"] == before["totals"]["resolved"] + 1
    # …and so does its assessment page, whose chart is drawn in the page.
    days = after["period"]["first_day"] + ".." + after["period"]["last_day"]
    page = leader.go(f"/work/assessment?period={days}")
    page.wait_for_selector("#stage-chart canvas")
    leader.accessible()
    leader.fits()
    leader.shot("8b-assessment")

    # 8. The receipt verifies in the page (the server checkpoints every second).
    page = citizen.go(f"/portal/track?code={code}")
    page.click("#verify-receipt")
    page.wait_for_function(
        "() => /验证通过|verified/i.test(document.querySelector('#verify-result').textContent)",
        timeout=15_000)
    citizen.shot("9-receipt-verified")

    for person in (citizen, centre, street, district, leader):
        person.close()
