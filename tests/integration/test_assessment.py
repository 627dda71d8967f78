"""Assessment on a small month written out by hand: every figure below is computed by hand in the
comments, on memory, SQLite and PostgreSQL alike (the facts come from the stored events)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.assessment.periods import parse_period
from liandong.assessment.rules import AssessmentRules, Classes, ClassRule, PeriodRule, load_rules
from liandong.assessment.service import Assessment, assess
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.hierarchy import Level
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.assessment import CENTRE, LIANGXI, START, XINWU, XISHAN, A, fill_month

H = national_hierarchy()
RULES = Rules(Router(H, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
NOW = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture
def month(uow_factory: Callable[[], UnitOfWork]) -> Assessment:
    counter = iter(range(1, 1000))
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                     new_id=lambda: f"C{next(counter):03d}")
    fill_month(bus)
    rules = load_rules()
    rules = AssessmentRules(composite=rules.composite, period=rules.period,
                            classes=Classes(min_valid=1, rule=rules.classes.rule))
    return assess(uow_factory, H, parse_period("2026-03", cutoff=1), NOW, rules)


def test_the_three_rates_and_the_composite_by_hand(month: Assessment) -> None:
    liangxi = month.total(LIANGXI)
    # valid follow-ups: C1, C2, C3 (3); contacted C1, C2; solved C1, C2; points 1 + 0.9 + 0
    assert liangxi.parts("response") == (2, 3)
    assert liangxi.parts("resolution") == (2, 3)
    assert liangxi.parts("satisfaction") == pytest.approx((1.9, 3))
    assert liangxi.composite == pytest.approx(0.1 * 2 / 3 + 0.5 * 2 / 3 + 0.4 * 1.9 / 3)
    xishan = month.total(XISHAN)
    assert xishan.parts("response") == (1, 1)  # C5's "none" is not a valid follow-up
    assert xishan.composite == pytest.approx(1.0)
    city = month.total("320200")
    # valid 5 (C1, C2, C3, C6, C7); contacted 4; solved 4; points 1 + 0.9 + 0 + 1 + 1 = 3.9
    assert city.parts("response") == (4, 5) and city.parts("satisfaction") == pytest.approx((3.9, 5))
    assert city.composite == pytest.approx(0.1 * 0.8 + 0.5 * 0.8 + 0.4 * 0.78)
    assert city.counts["received"] == 7


def test_process_indicators_by_hand(month: Assessment) -> None:
    liangxi, xishan = month.total(LIANGXI), month.total(XISHAN)
    # acknowledgement due for all four in 梁溪 (C4's limit has passed by the end of March); C4 late
    assert liangxi.parts("ack_timely") == (3, 4)
    assert liangxi.parts("on_time") == (3, 3)
    assert liangxi.counts["overdue"] == 1 and liangxi.counts["open"] == 1
    assert xishan.parts("ack_timely") == (1, 2)  # C5 acknowledged ten days later
    # both late: the handling deadline runs from dispatch (C5 resolved after 11 days, C6 after 20)
    assert xishan.parts("on_time") == (0, 2)
    xinwu = month.total(XINWU)
    assert xinwu.parts("on_time") == (0, 1) and xinwu.counts["resource_asked"] == 1
    assert xinwu.parts("returns") == (0, 1) and xinwu.parts("escalations") == (0, 1)


def test_units_roll_up_and_rank_with_classes(month: Assessment) -> None:
    counties = month.groups("320200", "county")
    assert set(counties) == {u.code for u in H.children("320200")}  # every county, with zeros
    assert counties["320206"].counts["received"] == 0 and counties["320206"].composite is None
    total = sum(f.counts["received"] for f in counties.values())
    assert total == month.total("320200").counts["received"]
    ranking = month.ranking("320200", "county")
    ranked = [(r.key, r.rank, r.klass) for r in ranking if r.rank is not None]
    # 锡山 and 新吴 1.0 (tied first); 梁溪 0.6533, last of three: bottom 10% → 治理类 (< 0.75)
    assert ranked == [(XISHAN, 1, "advanced"), (XINWU, 1, "advanced"), (LIANGXI, 3, "governance")]
    assert all(r.previous is None for r in ranking)  # nothing in February


def test_classes_follow_their_rules() -> None:
    from liandong.assessment.rules import Ranked, classify
    rows = [Ranked("a", 1, 0.95, 2, 0.90, 10), Ranked("b", 2, 0.88, 1, 0.93, 10),
            Ranked("c", 3, 0.86, 5, 0.80, 10), Ranked("d", 4, 0.70, 3, 0.86, 10),
            Ranked("e", 5, 0.99, None, None, 2)]
    rules = Classes(min_valid=5, rule=(ClassRule(key="governance", bottom_share=0.25, max_composite=0.75),
                                       ClassRule(key="advanced", top_share=0.25, min_composite=0.9),
                                       ClassRule(key="rectify", max_composite=0.87),
                                       ClassRule(key="improving", min_change=0.05)))
    got = {r.key: r.klass for r in classify(rows, rules)}
    # n = 5 ranked: top 25% → rank ≤ 2; bottom 25% → rank > 3. e has too few valid follow-ups.
    assert got == {"a": "advanced", "b": "", "c": "rectify", "d": "governance", "e": ""}


def test_the_city_resource_wait_is_put_on_the_city(month: Assessment) -> None:
    blamed = month.attributions(XINWU)
    assert len(blamed) == 1
    a = blamed[0]
    assert a.outcomes == ("breach",)
    assert a.default_stage == "back"  # by default the county lead takes the blame
    held: dict[tuple[str, str], float] = {}
    for s in a.segments:
        held[(s.party, s.kind)] = held.get((s.party, s.kind), 0) + s.seconds / 3600
    lead = a.default_party
    assert held[(CENTRE, "resource")] == pytest.approx(120)
    assert held[(CENTRE, "dispatch")] == pytest.approx(1)
    assert held[(lead, "acknowledgement")] == pytest.approx(1)
    assert held[(lead, "handling")] == pytest.approx(2 + 240)
    resource = next(s for s in a.segments if s.kind == "resource")
    assert resource.stage == "middle" and resource.evidence[1] > resource.evidence[0]
    summary = month.accountability(XINWU)
    # the back end held 243 of 364 hours, but took the whole blame by default
    assert summary.held_share("back") == pytest.approx(243 / 364)
    assert summary.held_share("middle") == pytest.approx(121 / 364)
    assert summary.default_share("back") == 1
    assert summary.fairness == pytest.approx(243 / 364)


def test_a_county_scope_has_no_township_of_another(month: Assessment) -> None:
    towns = month.groups(LIANGXI, "township")
    assert towns[A].counts["received"] == 4
    assert all(H.get(code).level is Level.TOWNSHIP for code in towns)


def test_departments_hold_their_own_collaboration(month: Assessment) -> None:
    depts = month.groups("320200", "department")
    leads = {k: f for k, f in depts.items() if f.counts["received"]}
    assert sum(f.counts["received"] for f in leads.values()) == 7  # each case counts for its lead once
    assert all(k.startswith(("320213001-", "320205001-", "320214-")) for k in leads)
    helpers = {k: f for k, f in depts.items() if f.counts["assists_due"] and not f.counts["received"]}
    # each assisting department for itself: 梁溪's reported on time for C1–C3; 锡山's reported only
    # when C5 and C6 were resolved, after their deadlines; 新吴's at once for C7
    got = {k.partition("-")[0]: f.parts("assists_in_time") for k, f in helpers.items()}
    assert got == {"320213001": (3, 3), "320205001": (0, 2), "320214": (1, 1)}
    same_level = month.department_ranking("320200", Level.TOWNSHIP, "urban_management")
    assert {r.key for r in same_level} <= {"320213001-urban_management", "320205001-urban_management"}


def test_a_pilot_on_the_platform_marks_its_cases_for_error_tolerance(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    from liandong.domain.instruments.instrument import InstrumentRules
    from liandong.services import instruments as i
    catalogue = default_catalogue()
    rules = InstrumentRules(Router(H, catalogue), catalogue.governance)
    pilots = i.InstrumentBus(uow=uow_factory, rules=rules, clock=ManualClock(START - timedelta(days=1)))
    pilots.handle(i.Issue(by="320000-gov", kind="pilot", title="新吴区噪声治理容错试点", scope="320000",
                          addressees=("320214-gov",), subject="social_life_noise"))
    counter = iter(range(1, 1000))
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                     new_id=lambda: f"C{next(counter):03d}")
    fill_month(bus)
    month = assess(uow_factory, H, parse_period("2026-03", cutoff=1), NOW, load_rules())
    blamed = month.attributions(XINWU)
    assert [a.tolerance for a in blamed] == ["新吴区噪声治理容错试点"]
    summary = month.accountability(XINWU)
    assert (summary.cases, summary.tolerated) == (0, 1)  # inside the pilot: not blamed
    assert month.accountability(LIANGXI).tolerated == 0  # outside it: as before


def test_an_assessment_cycle_is_published_with_talks_and_commendation(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    from liandong.assessment.cycle import publish
    from liandong.domain.instruments.instrument import InstrumentRules
    from liandong.services import instruments as i
    counter = iter(range(1, 1000))
    fill_month(MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                          new_id=lambda: f"C{next(counter):03d}"))
    catalogue = default_catalogue()
    rules_i = InstrumentRules(Router(H, catalogue), catalogue.governance)
    bus = i.InstrumentBus(uow=uow_factory, rules=rules_i, clock=ManualClock(NOW))
    counties = ("320213-gov", "320205-gov", "320214-gov")
    cycle = bus.handle(i.Issue(by="320200-gov", kind="assessment", title="2026 年 3 月接诉即办考核",
                               scope="320200", addressees=counties, subject="2026-03")).instrument_id
    rules = load_rules()
    rules = AssessmentRules(composite=rules.composite, period=PeriodRule(cutoff_day=1),
                            classes=Classes(min_valid=1, rule=rules.classes.rule))
    done = publish(bus, uow_factory, H, cycle, "320200-gov", NOW, rules)
    assert done.figures["320213-gov"] == pytest.approx(0.1 * 2 / 3 + 0.5 * 2 / 3 + 0.4 * 1.9 / 3)
    assert done.classes == {"320213-gov": "governance", "320205-gov": "advanced", "320214-gov": "advanced"}
    assert done.talks == ["320213-gov"]
    with bus.uow() as u:
        r = u.instruments.get(cycle).record  # type: ignore[union-attr]
        praise = u.instruments.get(done.commendation).record  # type: ignore[union-attr]
    assert r.tasks["约谈1"].owner == "320213-gov" and r.is_open  # open until the talk is verified
    assert "梁溪区: 0.6533 governance" in r.reports[0].text
    assert praise.kind.value == "commendation" and set(praise.addressees) == {"320205-gov", "320214-gov"}
    assert praise.evidence == (cycle,)  # the assessment itself, an instrument that exists
