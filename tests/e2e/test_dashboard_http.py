"""The dashboard over HTTP on a real server: who may see it, figures that count the cases made
through the REST API, the numbers embedded for the map, and the English page.

Other tests share the server, so the figures are compared before and after this test's cases.
"""

from __future__ import annotations

import html
import re

import httpx
import pytest

from tests.factories.accounts import session
from tests.factories.assessment import data_of
from tests.factories.cases import STREET, case_through_the_api

WUXI_COUNTIES = ["320205", "320206", "320211", "320213", "320214", "320281", "320282"]


def kpi(page: str, key: str) -> str:
    found = re.search(rf'id="kpi-{key}">\s*([^<\s]+)', page)
    assert found, f"no headline figure {key}"
    return html.unescape(found.group(1))


def test_anonymous_visitors_and_citizens_are_sent_to_sign_in(server: str) -> None:
    answer = httpx.get(f"{server}/work/dashboard", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/work/dashboard"
    planted = httpx.get(f"{server}/work/dashboard", cookies={"ld_session": "not-a-token"})
    assert planted.status_code == 303
    citizen = session(server, "citizen").get("/work/dashboard")
    assert citizen.status_code == 303
    assert citizen.headers["location"].startswith("/login?next=/work/dashboard")


def test_the_figures_count_the_cases_made_through_the_api(server: str) -> None:
    leader = session(server, "wuxi_leader")
    scope = {"scope": "320213"}
    before = data_of(leader.get("/work/dashboard", params=scope).text)
    case_through_the_api(server, solved=True, rating="satisfied", close=True)
    case_through_the_api(server, solved=False, rating="basically_satisfied", close=False)
    page = leader.get("/work/dashboard", params=scope)
    assert page.status_code == 200 and page.headers["server-timing"].startswith("dashboard;dur=")
    after = data_of(page.text)
    now, was = after["totals"], before["totals"]
    for key, added in (("received", 2), ("dispatched", 2), ("resolved", 2), ("closed", 1), ("open", 1)):
        assert now[key] == was[key] + added, key

    def grew(key: str) -> tuple[float, int]:
        return (round(now[key]["numerator"] - was[key]["numerator"], 4),
                now[key]["denominator"] - was[key]["denominator"])

    assert grew("response") == (2, 2)  # both acknowledged at once, well within the 2-hour limit
    assert grew("resolution") == (1, 2)  # one solved of two followed up
    assert grew("satisfaction") == (1.9, 2)  # satisfied + 0.9 × basically satisfied
    assert grew("on_time") == (2, 2)
    assert grew("returns") == (0, 2) and grew("escalations") == (0, 2)
    satisfaction = now["satisfaction"]
    assert satisfaction["value"] == round(satisfaction["numerator"] / satisfaction["denominator"], 4)
    assert kpi(page.text, "received") == f"{now['received']:,}"  # the page shows the same numbers
    street = {c["code"]: c for c in after["children"]}[STREET]
    street_before = {c["code"]: c for c in before["children"]}[STREET]
    assert street["figures"]["received"] == street_before["figures"]["received"] + 2
    assert f'data-code="{STREET}"' in page.text  # the table under the map
    assert after["trend"]["received"][-1] >= 2  # today's point of the trend


def test_the_city_page_embeds_its_counties_for_the_map(server: str) -> None:
    leader = session(server, "wuxi_leader")
    page = leader.get("/work/dashboard")
    assert page.status_code == 200
    data = data_of(page.text)
    assert data["scope"]["code"] == "320200"
    assert sorted(c["code"] for c in data["children"]) == WUXI_COUNTIES
    assert sorted(r["code"] for r in data["rankings"]["received"]) == WUXI_COUNTIES
    assert 'data-geo="/geo/320200.json"' in page.text and 'id="dashboard-map"' in page.text
    assert 'role="img"' in page.text and '<th scope="col"' in page.text and '<th scope="row"' in page.text
    assert len(data["trend"]["days"]) == 30 and data["period"]["last_day"] == data["trend"]["days"][-1]
    geo = httpx.get(f"{server}/geo/320200.json").json()
    assert {f["properties"]["code"] for f in geo["features"]} == set(WUXI_COUNTIES)  # each can be coloured
    inspector = session(server, "inspector").get("/work/dashboard", params={"scope": "320200"})
    assert data_of(inspector.text)["totals"]["received"] == data["totals"]["received"]  # the province sees it


def test_scope_and_period_are_checked(server: str) -> None:
    leader = session(server, "wuxi_leader")
    outside = leader.get("/work/dashboard", params={"scope": "320100"})  # 南京市
    assert outside.status_code == 403 and 'id="dashboard-error"' in outside.text
    assert leader.get("/work/dashboard", params={"scope": "nope"}).status_code == 403
    street = session(server, "chongansi_zhifa")
    assert street.get("/work/dashboard", params={"scope": "320213"}).status_code == 403  # above its unit
    own = street.get("/work/dashboard")
    assert own.status_code == 200 and data_of(own.text)["scope"]["code"] == STREET
    assert data_of(own.text)["children"] == []
    bad = leader.get("/work/dashboard", params={"days": "abc"})
    assert bad.status_code == 200 and 'id="period-error"' in bad.text
    assert len(data_of(bad.text)["trend"]["days"]) == 30
    reversed_dates = leader.get("/work/dashboard", params={"from": "2026-02-10", "to": "2026-02-01"})
    assert 'id="period-error"' in reversed_dates.text
    week = data_of(leader.get("/work/dashboard", params={"days": "7"}).text)
    assert len(week["trend"]["days"]) == 7


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_in_each_language(server: str, lang: str) -> None:
    page = session(server, "wuxi_leader").get("/work/dashboard", params={"lang": lang})
    assert page.status_code == 200
    words = (("Dashboard", "Headline figures", "Response rate", "Composite score", "Rankings")
             if lang == "en" else ("数据看板", "主要指标", "响应率", "三率综合", "下级单位排名"))
    for word in words:
        assert word in page.text, word
    assert f'<html lang="{"en" if lang == "en" else "zh-CN"}">' in page.text
    assert data_of(page.text)["labels"]["lang"] == lang
