"""The whole journey in a real browser (Debian's Chromium driven by Playwright), in Chinese and
in English, with an accessibility check (axe-core) on every page and a screenshot of each step.

A citizen reports on the portal → the 12345 centre dispatches → the street's law-enforcement
team acknowledges and summons a district department → the department reports in within the
limit → the lead resolves → the citizen rates → the city's dashboard counts the case → the
receipt verifies in the page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = bool(os.environ.get("LIANDONG_REQUIRE_BROWSER"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "liandong-demo"

playwright_api = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists():
    if REQUIRED:
        raise RuntimeError("Chromium is required in CI (make browser installs Debian's chromium)")
    pytest.skip(f"no Chromium at {CHROMIUM} (make browser installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


class Person:
    """One browser context: a citizen or a signed-in member of staff."""

    def __init__(self, browser: Any, server: str, lang: str, who: str) -> None:
        self.context = browser.new_context(locale="zh-CN" if lang == "zh" else "en-US",
                                           viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.server, self.lang, self.who = server, lang, who
        self.failed_requests: list[str] = []
        self.page.on("requestfailed", lambda r: self.failed_requests.append(r.url))
        self.blocked: list[str] = []  # what the content security policy refused (issue 20, finding 9)
        self.page.on("console", lambda m: self.blocked.append(m.text)
                     if "Content Security Policy" in m.text else None)

    def go(self, path: str) -> Any:
        sep = "&" if "?" in path else "?"
        self.page.goto(f"{self.server}{path}{sep}lang={self.lang}")
        return self.page

    def sign_in(self, username: str) -> None:
        page = self.go("/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(re.compile(r".*/work.*"))

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.lang}-{step}.png"), full_page=True)

    def accessible(self) -> None:
        """axe-core (from npm, served locally): no serious or critical violation on this page."""
        self.page.add_script_tag(url=f"{self.server}/vendor/axe.min.js")
        result = self.page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})")
        serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                   for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, f"{self.page.url}: {serious}"

    def close(self) -> None:
        local = [u for u in self.failed_requests if not u.startswith(self.server)]
        assert not local, f"requests outside the server: {local}"  # no CDN, nothing remote
        assert not self.blocked, f"refused by the content security policy: {self.blocked[:3]}"
        self.context.close()


def dashboard_numbers(person: Person) -> dict[str, Any]:
    page = person.go("/work/dashboard")
    data: dict[str, Any] = json.loads(page.text_content("#dashboard-data") or "{}")
    return data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_to_rating_in_the_browser(browser: Any, server: str, lang: str) -> None:
    leader = Person(browser, server, lang, "leader")
    leader.sign_in("wuxi_leader")
    before = dashboard_numbers(leader)

    # 1. A citizen reports on the portal and gets a tracking code.
    citizen = Person(browser, server, lang, "citizen")
    page = citizen.go("/portal")
    citizen.accessible()
    description = f"崇安寺街道中山路垃圾桶满溢三天没人清运，气味很大 ({lang})"
    page.select_option("#matter", "garbage_collection")
    page.fill("#address", "江苏省无锡市梁溪区崇安寺街道")
    page.fill("#description", description)
    citizen.shot("1-portal-report")
    page.locator("form#report-form button[type=submit]").click()
    code = (page.text_content("#tracking-code") or "").strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    citizen.shot("2-tracking-code")
    citizen.accessible()

    # 2. The 12345 centre dispatches it from the console.
    centre = Person(browser, server, lang, "centre")
    centre.sign_in("centre")
    page = centre.go("/work/dispatch")
    centre.accessible()
    row = page.locator("#new-reports tr", has_text=description[:12])
    case_id = (row.locator("a").first.get_attribute("href") or "").split("/")[-1].split("?")[0]
    assert case_id
    centre.shot("3-dispatch-console")
    row.locator("button.dispatch-now").click()
    page.wait_for_url(re.compile(f".*/work/cases/{case_id}.*"))
    assert page.text_content("#case-state") == "dispatched"

    # 3. The street's team acknowledges and blows the whistle for the district department.
    street = Person(browser, server, lang, "street")
    street.sign_in("chongansi_zhifa")
    page = street.go("/work")
    street.accessible()
    assert page.locator(f"#inbox a[href*='{case_id}']").count() == 1
    page = street.go(f"/work/cases/{case_id}")
    street.accessible()
    page.click("#do-acknowledge")
    assert page.text_content("#case-state") == "acknowledged"
    page.check("#summons-departments-320213-urban_management")
    page.fill("#summons-reason", "垃圾清运车辆调度需要区城管局到场")
    page.click("#do-summons")
    assert page.locator("#summons").count() == 1
    street.shot("4-case-summoned")

    # 4. The district department reports in within the 30-minute limit.
    district = Person(browser, server, lang, "district")
    district.sign_in("liangxi_chengguan")
    page = district.go(f"/work/cases/{case_id}")
    page.click("#do-summons-answer")
    summons = page.text_content("#summons") or ""
    assert ("按时" if lang == "zh" else "on time") in summons
    district.shot("5-summons-answered")

    # 5. The lead resolves.
    page = street.go(f"/work/cases/{case_id}")
    page.fill("#resolve-summary", "已协调区环卫车辆清运，垃圾桶已清空并消毒")
    page.fill("#resolve-public_note", "垃圾已清运完毕，感谢您的反映")
    page.click("#do-resolve")
    assert page.text_content("#case-state") == "resolved"
    assert page.locator("#timeline-table tr[data-type=SummonsAnswered]").count() == 1
    street.shot("6-case-resolved")
    street.accessible()

    # 6. The citizen rates the result with the tracking code.
    page = citizen.go(f"/portal/track?code={code}")
    citizen.accessible()
    page.check("#rating-satisfied")
    page.locator("form#rating-form button[type=submit]").click()
    page = citizen.go(f"/portal/track?code={code}")
    citizen.shot("7-rated")

    # 7. The city's dashboard counts it.
    after = dashboard_numbers(leader)
    leader.accessible()
    leader.shot("8-dashboard")
    assert after["totals"]["received"] == before["totals"]["received"] + 1
    assert after["totals"]["resolved"] == before["totals"]["resolved"] + 1
    # …and so does its assessment page, whose chart is drawn in the page.
    days = after["period"]["first_day"] + ".." + after["period"]["last_day"]
    page = leader.go(f"/work/assessment?period={days}")
    page.wait_for_selector("#stage-chart canvas")
    leader.accessible()
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
