"""The powers page of a level and of a department (issue 23, point 4) in a real browser: zh and en,
desktop and a 390 px phone, axe-core clean, no horizontal scroll on the phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.browser import Person

EXPECTED = {"zh": ("派单", "不可以", "基层治理"), "en": ("Dispatch", "no", "Grassroots governance")}
"""The first case power of a township veterans station: 派单, refused, for want of 基层治理's holder."""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_powers_pages_read_on_a_desk_and_a_phone(browser: Any, server: str, lang: str) -> None:
    person = Person(browser, server, lang, "citizen")
    try:
        page = person.go("/org/320213001")
        page.click("#powers-link")
        page.wait_for_selector("#case-powers")
        person.accessible()
        page = person.go("/org/320213001-veterans/powers")
        rows = page.locator("#case-powers tbody tr")
        assert rows.count() == 5  # 派单, 改派, 合并, 扩大范围, 公开审核 (decision 0048)
        first = rows.nth(0).inner_text()
        assert all(word in first for word in EXPECTED[lang])
        person.accessible()
        page.set_viewport_size({"width": 390, "height": 844})
        for path in ("/org/320213001-veterans/powers", "/org/100000/powers", "/org/320200/powers"):
            page = person.go(path)
            person.accessible()
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= 390, f"{path}: {wide} px wide at 390"
        person.shot("powers-phone")
    finally:
        person.close()
