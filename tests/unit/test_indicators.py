"""The assessment indicators (as the dashboard and `liandong report` show them) on a hand-computed
week of cases in 无锡, driven through the message
bus on the in-memory store with a manual clock (Shanghai times; 2026-03-02 is a Monday).

The week [Mon 2 March 00:00, Mon 9 March 00:00) and what happens in it:

====  =====================  ==========================================================================
case  place                  story (times of the same Monday unless said)
====  =====================  ==========================================================================
C1    崇安寺街道 (A)          09:00 reported, dispatched; 10:00 acknowledged (limit 11:00); summons
                             answered in 20 min; Tue resolved on time, followed up solved + satisfied,
                             closed
C2    A                      09:10 reported, dispatched; 12:10 acknowledged (limit 11:10: late); Fri resolved
                             (deadline Thu 17:30: late); followed up not solved + basically satisfied;
                             closed only after the week (Mon 9 March)
C3    山北街道 (B)            09:20 reported, dispatched; 10:30 returned (never acknowledged before);
                             11:30 the return is upheld (new limit 13:30); 13:00 acknowledged (in
                             time); 14:00 escalated: dispatched again, never acknowledged, overdue at
                             the end
C4    A                      09:30 reported, dispatched; never acknowledged in the week: overdue
C5    A                      09:40 reported, never dispatched
C6    A                      09:50 reported, dispatched; 10:10 acknowledged; summons never answered; Tue
                             resolved on time; followed up: not reached, not solved, no rating ("none")
C7    a township of 锡山区     10:00 reported, dispatched; 10:15 acknowledged; Tue resolved on time
C8    a township of 南京市     10:05 reported, dispatched by 南京's centre (outside 无锡: never counted)
C9    A                      the Friday before (27 Feb) reported, dispatched, acknowledged in time: the
                             previous period's only case
====  =====================  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from liandong.assessment.engine import Engine, Figures
from liandong.assessment.periods import Period
from liandong.assessment.rules import rank
from liandong.assessment.service import FactsCache, daily
from liandong.bootstrap import Platform, bootstrap
from liandong.domain.cases import commands as c
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.worktime import SHANGHAI
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock

CITY, COUNTY, XISHAN = "320200", "320213", "320205"
A, B = "320213001", "320213015"
CENTRE = "320200-gov"
WEEK = Period(datetime(2026, 3, 2, tzinfo=SHANGHAI).astimezone(UTC),
              datetime(2026, 3, 9, tzinfo=SHANGHAI).astimezone(UTC))


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


class Story:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.clock = ManualClock(at(27, 9, month=2))
        self.bus: MessageBus = platform.bus(clock=self.clock)

    def when(self, moment: datetime) -> Story:
        self.clock.set(moment)
        return self

    def report(self, place: str) -> str:
        return self.bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=(place,),
                                            description="垃圾桶满溢")).case_id

    def lead(self, case_id: str) -> str:
        with self.platform.uow() as uow:
            case = uow.cases.get(case_id)
            assert case is not None
            return case.record.lead

    def do(self, command: type[c.CaseCommand], case_id: str, by: str = "", **fields: Any) -> None:
        self.bus.handle(command(by=by or self.lead(case_id), case_id=case_id, **fields))


@dataclass
class World:
    platform: Platform
    ids: dict[str, str]  # the case ids by name (C1…C9)
    h: HierarchyIndex

    def facts(self, period: Period = WEEK, cache: FactsCache | None = None) -> list[Any]:
        return (cache or FactsCache()).collect(self.platform.uow, self.h, period.start, period.end)

    def engine(self, period: Period = WEEK) -> Engine:
        return Engine.of(self.facts(period), self.h)

    def figures(self, scope: str = CITY, period: Period = WEEK) -> Figures:
        return self.engine(period).total(scope)


@pytest.fixture(scope="module")
def story() -> World:
    platform = bootstrap(memory=True)
    s = Story(platform)
    xishan_town = next(platform.hierarchy.descendants(XISHAN, Level.TOWNSHIP)).code
    nanjing_street = next(platform.hierarchy.descendants("320100", Level.TOWNSHIP)).code
    ids: dict[str, str] = {}
    s.when(at(27, 10, month=2))
    ids["C9"] = s.report(A)
    s.do(c.DispatchCase, ids["C9"], CENTRE)
    s.when(at(27, 10, 30, month=2)).do(c.AcknowledgeCase, ids["C9"])
    for name, minute, place in (("C1", 0, A), ("C2", 10, A), ("C3", 20, B), ("C4", 30, A),
                                ("C5", 40, A), ("C6", 50, A)):
        s.when(at(2, 9, minute))
        ids[name] = s.report(place)
        if name != "C5":
            s.do(c.DispatchCase, ids[name], CENTRE)
    s.when(at(2, 10))
    ids["C7"] = s.report(xishan_town)
    s.do(c.DispatchCase, ids["C7"], CENTRE)
    s.do(c.AcknowledgeCase, ids["C1"])
    s.when(at(2, 10, 5))
    ids["C8"] = s.report(nanjing_street)
    s.do(c.DispatchCase, ids["C8"], "320100-gov")  # 南京's own centre dispatches it
    s.when(at(2, 10, 10)).do(c.AcknowledgeCase, ids["C6"])
    s.when(at(2, 10, 15)).do(c.AcknowledgeCase, ids["C7"])
    s.when(at(2, 10, 30)).do(c.ReturnCase, ids["C3"], reason="非本单位职责", category="not_our_duty")
    s.do(c.StartHandling, ids["C1"])
    s.do(c.SummonDepartments, ids["C1"], f"{A}-gov", departments=(f"{COUNTY}-market_regulation",))
    s.when(at(2, 10, 40)).do(c.StartHandling, ids["C6"])
    s.do(c.SummonDepartments, ids["C6"], f"{A}-gov", departments=(f"{COUNTY}-market_regulation",))
    s.when(at(2, 10, 50)).do(c.AnswerSummons, ids["C1"], f"{COUNTY}-market_regulation")
    s.when(at(2, 11, 30)).do(c.DecideReturn, ids["C3"], CENTRE, decision="uphold")
    s.when(at(2, 12, 10)).do(c.AcknowledgeCase, ids["C2"])
    s.when(at(2, 13)).do(c.AcknowledgeCase, ids["C3"])
    s.when(at(2, 14)).do(c.EscalateCase, ids["C3"], reason="需区级统筹")
    s.when(at(3, 10)).do(c.ResolveCase, ids["C1"], summary="已清运")
    s.when(at(3, 11)).do(c.FollowUpCase, ids["C1"], CENTRE, solved=True, rating="satisfied")
    s.when(at(3, 11, 30)).do(c.CloseCase, ids["C1"], CENTRE)
    s.when(at(3, 14)).do(c.ResolveCase, ids["C6"], summary="已清运")
    s.when(at(3, 15)).do(c.FollowUpCase, ids["C6"], CENTRE, contacted=False, solved=False, rating="none")
    s.when(at(3, 16)).do(c.ResolveCase, ids["C7"], summary="已清运")
    s.when(at(6, 10)).do(c.ResolveCase, ids["C2"], summary="已清运")
    s.when(at(6, 11)).do(c.FollowUpCase, ids["C2"], CENTRE, solved=False, rating="basically_satisfied")
    s.when(at(9, 10)).do(c.CloseCase, ids["C2"], CENTRE)  # after the week
    return World(platform, ids, platform.hierarchy)


def test_the_week_of_the_city_figure_by_figure(story: World) -> None:
    ids = story.ids
    in_city = [f for f in story.facts() if any(story.h.is_ancestor(CITY, p) for p in f.record.affected)]
    assert sorted(f.case_id for f in in_city) == sorted(ids[f"C{n}"] for n in range(1, 8))
    f = story.figures()
    names = ("received", "dispatched", "resolved", "closed", "open", "overdue")
    assert tuple(f.counts[k] for k in names) == (7, 6, 4, 1, 6, 2)
    # C1, C3 (within the limit set when its return was upheld), C6, C7 in time; C2 late, C4 never
    assert f.parts("ack_timely") == (4, 6)
    # valid follow-ups: C1 and C2 (C6's "none" is not one); both contacted; C1 solved, C2 not
    assert f.parts("response") == (2, 2) and f.parts("resolution") == (1, 2)
    assert f.parts("satisfaction") == pytest.approx((1.9, 2))  # satisfied + 0.9 × basically satisfied
    assert f.composite == pytest.approx(0.1 * 1 + 0.5 * 0.5 + 0.4 * 0.95)
    assert f.parts("on_time") == (3, 4)  # C2 resolved after its Thursday deadline
    assert f.parts("returns") == (1, 6) and f.parts("escalations") == (1, 6)  # both C3
    assert f.parts("summons_in_time") == (1, 2)  # C1 answered in 20 min; C6 never, past its 30 min


def test_the_figures_as_a_page_reads_them(story: World) -> None:
    data = story.figures().as_dict()
    assert data["received"] == 7 and data["composite"] == 0.73
    assert data["ack_timely"] == {"value": 0.6667, "numerator": 4, "denominator": 6}
    assert data["satisfaction"] == {"value": 0.95, "numerator": 1.9, "denominator": 2}


def test_events_after_the_end_do_not_count_until_their_time(story: World) -> None:
    assert story.figures().counts["closed"] == 1  # C2 is closed on Monday 9 March, after the week
    after = story.figures(period=Period(WEEK.start, at(9, 12)))
    assert (after.counts["received"], after.counts["closed"]) == (7, 2)
    early = story.figures(period=Period(WEEK.start, at(2, 11, 5)))  # C3 returned; C4's limit not reached
    assert (early.counts["received"], early.counts["resolved"], early.counts["overdue"]) == (7, 0, 0)
    assert early.parts("ack_timely") == (3, 3)  # C1, C6, C7 acknowledged; C2, C3, C4 within their limits
    assert early.parts("summons_in_time") == (1, 1)  # C6's summons is not yet due
    waiting = story.figures(period=Period(WEEK.start, at(2, 11, 25)))  # C3's return not decided yet
    assert waiting.parts("ack_timely") == (3, 4)  # C2 is now late


def test_the_previous_period_and_the_scope(story: World) -> None:
    ids = story.ids
    assert WEEK.previous().start == at(23, 0, month=2) and WEEK.previous().end == WEEK.start
    before = story.facts(WEEK.previous())
    assert [x.case_id for x in before] == [ids["C9"]]
    f = story.figures(period=WEEK.previous())
    assert tuple(f.counts[k] for k in ("received", "dispatched", "open", "overdue")) == (1, 1, 1, 0)
    assert f.parts("ack_timely") == (1, 1)
    assert f.composite is None and f.rate("resolution") is None  # nothing followed up: no value, not 0
    county = story.figures(COUNTY)
    assert county.counts["received"] == 6  # C7 is in 锡山
    assert ids["C8"] in {x.case_id for x in story.facts()}  # stored...
    assert story.figures().counts["received"] == 7  # ...but not in 无锡


def test_children_rankings_and_change(story: World) -> None:
    h = story.h
    current = story.engine().by_unit(CITY, Level.COUNTY)
    previous = story.engine(WEEK.previous()).by_unit(CITY, Level.COUNTY)
    assert set(current) == {u.code for u in h.children(CITY)}
    assert {code: f.counts["received"] for code, f in current.items() if f.counts["received"]} == {
        COUNTY: 6, XISHAN: 1}
    volume = rank(current, previous, "received")
    assert [(r.key, r.rank, r.value, r.previous, r.change) for r in volume[:2]] == [
        (COUNTY, 1, 6, 1, 5), (XISHAN, 2, 1, 0, 1)]
    assert {r.rank for r in volume[2:]} == {3}  # the five counties without cases share third place
    by_score = rank(current, previous, "composite")
    county = current[COUNTY]  # the city without C7
    assert county.parts("ack_timely") == (3, 5) and county.parts("resolution") == (1, 2)
    assert by_score[0].key == COUNTY and by_score[0].value == pytest.approx(0.73)
    assert by_score[0].change is None  # no composite in the previous period
    assert all(r.value is None and r.rank is None for r in by_score[1:])  # no follow-ups: last, by code
    assert [r.key for r in by_score[1:]] == sorted(r.key for r in by_score[1:])
    streets = story.engine().by_unit(COUNTY, Level.TOWNSHIP)
    assert (streets[A].counts["received"], streets[B].counts["received"]) == (5, 1)


def test_cases_per_day(story: World) -> None:
    in_city = [f for f in story.facts() if any(story.h.is_ancestor(CITY, p) for p in f.record.affected)]
    days = daily(in_city, WEEK)
    assert [d for d, _, _ in days] == [date(2026, 3, 2) + timedelta(days=i) for i in range(7)]
    assert days[0] == (date(2026, 3, 2), 7, 4) and all(r == 0 for _, r, _ in days[1:])


def test_the_cache_reads_and_replays_only_what_changed(story: World) -> None:
    cache = FactsCache()
    first = story.facts(cache=cache)
    again = story.facts(cache=cache)
    assert len(first) == 8 and all(a is b for a, b in zip(first, again, strict=True))
    fresh = story.facts()
    assert [f.counts for f in first] == [f.counts for f in fresh]


def test_edges(story: World) -> None:
    empty = Engine.of([], story.h).total(CITY)
    assert empty.rate("response") is None and empty.as_dict()["response"]["value"] is None
    assert empty.composite is None
    short = Period(at(2, 9), at(2, 15))
    assert short.first_day == short.last_day == date(2026, 3, 2)
    assert (short.previous().start, short.previous().end) == (at(2, 3), at(2, 9))
