"""The 12345 centre clears five reports without leaving the dispatch console, in a real browser
(Chromium under Playwright), in Chinese and English, on a desk and on a 390 px phone: one 派单 to the
suggested lead, one override found by name as the dispatcher types, one 并单 into the original, two in
a batch. The page never navigates; axe-core finds nothing serious before or after; on the phone the
page is never wider than the screen. The counter of new arrivals updates without a reload."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.factories.accounts import token
from tests.factories.cases import STREET
from tests.support.browser import Person


def report(server: str, text: str) -> str:
    answer = httpx.post(f"{server}/api/cases", json={"matter": "garbage_collection", "affected": [STREET],
                                                     "description": text})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["case_id"])


def state(server: str, case_id: str) -> dict[str, Any]:
    return dict(httpx.get(f"{server}/api/cases/{case_id}", headers=token(server, "centre")).json())


@pytest.mark.parametrize("screen", ["desk", "phone"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_centre_clears_five_reports_without_leaving_the_console(browser: Any, server: str, lang: str,
                                                                     screen: str) -> None:
    tag = uuid.uuid4().hex[:6]
    first = report(server, f"惠河路{tag}号门口垃圾桶满溢三天没人清运，臭味很大")
    repeat = report(server, f"惠河路{tag}号门口的垃圾桶满了三天没人清运，很臭")
    police = report(server, f"惠河路{tag}号垃圾站旁深夜有人打架斗殴")
    third = report(server, f"健康路{tag}号垃圾站没有按时清运")
    fourth = report(server, f"人民路{tag}号垃圾箱破损无人更换")

    centre = Person(browser, server, lang, f"console-{screen}", phone=screen == "phone")
    centre.sign_in("centre")
    page = centre.go("/work/dispatch")
    navigations: list[str] = []

    def navigated(frame: Any) -> None:
        if frame == page.main_frame:
            navigations.append(frame.url)
    page.on("framenavigated", navigated)
    centre.accessible()
    centre.fits()
    for case_id in (first, repeat, police, third, fourth):
        card = page.locator(f"#report-{case_id}")
        assert card.count() == 1 and re.search(r"\d", card.locator(".wait").inner_text())
    centre.shot(f"console-{screen}-1-queue")

    # 并单: the repeat into the original
    page.click(f"#report-{repeat} form.merge:has(input[name=into][value='{first}']) button")
    page.wait_for_selector(f"#report-{repeat} .outcome, #report-{repeat} .error")
    assert page.locator(f"#report-{repeat} .error").count() == 0, page.inner_text(f"#report-{repeat} .error")
    assert first[:10] in page.inner_text(f"#report-{repeat} .outcome")

    # 派单 to the suggested lead
    page.click(f"#report-{first} button.dispatch-now")
    page.wait_for_selector(f"#report-{first} .outcome")
    assert "崇安寺综合行政执法队" in page.inner_text(f"#report-{first} .outcome")

    # the override, by name: typing lists the reachable departments, then the full name is chosen
    page.click(f"#report-{police} details.override summary")
    page.fill(f"#lead-{police}", "派出所")
    page.wait_for_selector(f"#leads-{police} option[value='崇安寺派出所']", state="attached")
    listed = page.locator(f"#leads-{police} option").evaluate_all("(options) => options.map(o => o.value)")
    assert "梁溪公安分局" in listed and not any("山北" in name for name in listed)  # not another street's
    page.fill(f"#lead-{police}", "崇安寺派出所")
    centre.fits()
    centre.shot(f"console-{screen}-2-override")
    page.press(f"#lead-{police}", "Tab")  # by keyboard: the list's pop-up would take a pointer's click
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#report-{police} .outcome, #report-{police} .error")
    assert page.locator(f"#report-{police} .error").count() == 0, page.inner_text(f"#report-{police} .error")
    assert "崇安寺派出所" in page.inner_text(f"#report-{police} .outcome")

    # a batch of two, each with its own result
    page.check(f"#pick-{third}")
    page.check(f"#pick-{fourth}")
    page.click("#batch-submit")
    page.wait_for_selector("#batch-summary")
    for case_id in (third, fourth):
        page.wait_for_selector(f"#report-{case_id} .outcome")
    centre.shot(f"console-{screen}-3-cleared")
    centre.accessible()
    centre.fits()

    # a report arrives: the counter says so without a reload (htmx polls every 30 s; asked now)
    report(server, f"学前街{tag}号垃圾没人收")
    assert page.get_attribute("#arrivals", "hx-trigger") == "every 30s, refresh"
    page.evaluate("() => htmx.trigger('#arrivals', 'refresh')")
    page.wait_for_selector("#arrivals strong")
    assert re.search(r"[1-9]", page.inner_text("#arrivals strong"))
    centre.accessible()

    assert navigations == [], f"the console navigated: {navigations}"
    assert {state(server, c)["state"] for c in (first, police, third, fourth)} == {"dispatched"}
    assert state(server, repeat)["state"] == "merged"
    assert state(server, police)["lead"] == f"{STREET}-public_security"
    centre.close()
