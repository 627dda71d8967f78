"""Linkage instruments in a real browser: a provincial pilot issued to two cities, reported on,
checked for lateness and scaled up; and an inspection whose rectification is reported and
verified — each page checked with axe-core, each step photographed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from liandong.domain.worktime import SHANGHAI
from tests.factories.accounts import token
from tests.support.browser import Person


def local(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def issue(person: Person, kind: str, title: str, scope: str, to: list[str], due: str = "",
          indicators: str = "", cadence: int = 0) -> str:
    page = person.go("/work/instruments/new")
    person.accessible()
    page.select_option("#kind", kind)
    page.fill("#title", title)
    page.fill("#scope", scope)
    page.fill("#addressees", "\n".join(to))
    if due:
        page.fill("#due", due)
    if indicators:
        page.fill("#indicators", indicators)
    if cadence:
        page.fill("#cadence", str(cadence))
    page.click("#issue-submit")
    page.wait_for_url(re.compile(r".*/work/instruments/I\w+.*"))
    found = re.search(r"/work/instruments/(I\w+)", page.url)
    assert found
    return found.group(1)


def act(person: Person, iid: str, action: str, fields: dict[str, str] | None = None) -> Any:
    page = person.go(f"/work/instruments/{iid}")
    form = f"#action-{action}"
    for name, value in (fields or {}).items():
        target = f"{form} [name={name}]"
        if page.locator(target).evaluate("e => e.tagName") == "SELECT":
            page.select_option(target, value)
        else:
            page.fill(target, value)
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pilot_and_an_inspection_in_the_browser(browser: Any, server: str, lang: str) -> None:
    province, city = Person(browser, server, lang, "province"), Person(browser, server, lang, "city")
    province.sign_in("jiangsu_leader")
    city.sign_in("wuxi_leader")
    street = Person(browser, server, lang, "street")
    street.sign_in("chongansi_street")

    # A township may not issue a pilot: the form offers only what its level's elements allow.
    page = street.go("/work/instruments/new")
    assert page.locator("#kind option[value=pilot]").count() == 0
    street.accessible()

    # 1. The province issues a pilot to 无锡 and 苏州.
    pilot = issue(province, "pilot", "生活垃圾分类示范试点", "320000", ["320200-gov", "320500-gov"],
                  indicators="分类准确率:60:85", cadence=30)
    province.shot("p1-pilot-issued")
    # 2. 无锡 reads it and reports its data.
    page = city.go("/work/instruments")
    city.accessible()
    assert page.locator(f"tr[data-id={pilot}]").count() == 1
    assert "生活垃圾分类示范试点" in page.locator("#news").inner_text()  # the outbox told the city
    act(city, pilot, "read")
    page = act(city, pilot, "report", {"text": "首月数据", "figures": "分类准确率=72.5"})
    assert "72.5" in page.locator("#reports").inner_text()
    city.accessible()
    city.shot("p2-pilot-reported")
    # 3. 苏州 reports through the API; the province scales the pilot up to the whole province.
    suzhou = token(server, "suzhou_leader")
    answer = httpx.post(f"{server}/api/instruments/{pilot}/report", headers=suzhou,
                        json={"text": "首月数据", "figures": [["分类准确率", "66"]]})
    assert answer.status_code == 200, answer.text
    # both cities are below the target of 85 (72.5, 66): the province says why it scales up anyway
    page = act(province, pilot, "decide", {"decision": "scale_up", "reason": "全省推广", "scope": "320000",
                                           "justification": "两市较基线明显提升，推广中继续考核"})
    assert page.locator("#instrument-state").inner_text() in ("已结束", "concluded")
    assert "320000" in page.locator("#decision").inner_text()
    assert "两市较基线明显提升" in page.locator("#decision-justification").inner_text()
    assert "72.5 < 85" in page.locator("#decision-shortfall").inner_text()
    province.accessible()
    province.shot("p3-pilot-scaled-up")

    # 4. The province inspects 无锡; a rectification task; 无锡 reports it done; verified; closed.
    inspector = Person(browser, server, lang, "inspector")
    inspector.sign_in("inspector")
    check = issue(inspector, "inspection", "12345 办理质量专项督导", "320200", ["320200-gov"],
                  due=local(timedelta(days=30)))
    act(inspector, check, "report", {"text": "回访不规范"})
    page = act(inspector, check, "assign", {"task": "T1", "owner": "320200-gov", "title": "规范回访流程",
                                            "due": local(timedelta(days=10))})
    assert page.locator("tr[data-task=T1]").count() == 1
    inspector.shot("i1-inspection-task")
    page = act(city, check, "complete", {"task": "T1", "note": "已修订回访规程"})
    city.accessible()
    city.shot("i2-task-done")
    act(inspector, check, "verify", {"task": "T1", "accepted": "yes"})
    page = act(inspector, check, "decide", {"decision": "closed", "reason": "整改到位"})
    assert page.locator("#instrument-state").inner_text() in ("已结束", "concluded")
    inspector.accessible()
    inspector.shot("i3-inspection-closed")
    # a refusal shows next to the actions, in the user's language
    page = city.go(f"/work/instruments/{check}")
    assert page.locator("#action-report").count() == 0  # nothing left for the city to do
    # 5. The city's resource pool: holdings, requests to decide, its own requests.
    page = city.go("/work/pool")
    city.accessible()
    assert page.locator("h1").inner_text().startswith("资源池" if lang == "zh" else "Resource pool")
    city.shot("r1-resource-pool")
    for person in (province, city, street, inspector):
        person.close()
