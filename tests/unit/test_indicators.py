"""The dashboard's indicators on a hand-computed week of cases in 无锡, driven through the message
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
C8    a township of 南京市     10:05 reported, dispatched (outside 无锡: never counted)
C9    A                      the Friday before (27 Feb) reported, dispatched, acknowledged in time: the
                             previous period's only case
====  =====================  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from liandong.bootstrap import Platform, bootstrap
from liandong.domain.cases import commands as c
from liandong.domain.cases.events import Event
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.worktime import SHANGHAI
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.web import indicators as ind

CITY, COUNTY, XISHAN = "320200", "320213", "320205"
A, B = "320213001", "320213015"
CENTRE = "320200-gov"
WEEK = ind.Period(datetime(2026, 3, 2, tzinfo=SHANGHAI).astimezone(UTC),
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
    histories: list[tuple[str, list[Event]]]  # every stored case's events
    ids: dict[str, str]  # the case ids by name (C1…C9)
    h: HierarchyIndex

    def week(self, scope: str = CITY, period: ind.Period = WEEK) -> list[ind.CaseFacts]:
        return ind.in_scope(ind.cohort(self.histories, period), scope, self.h)


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
    s.do(c.DispatchCase, ids["C8"], CENTRE)
    s.when(at(2, 10, 10)).do(c.AcknowledgeCase, ids["C6"])
    s.when(at(2, 10, 15)).do(c.AcknowledgeCase, ids["C7"])
    s.when(at(2, 10, 30)).do(c.ReturnCase, ids["C3"], reason="非本单位职责")
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
    with platform.uow() as uow:
        histories = [(i, uow.cases.events(i)) for i in uow.cases.recent_ids(limit=100)]
    return World(histories, ids, platform.hierarchy)


def test_the_week_of_the_city_figure_by_figure(story: World) -> None:
    cases = story.week()
    ids = story.ids
    assert sorted(f.record.id for f in cases) == sorted(ids[f"C{n}"] for n in range(1, 8))
    f = ind.figures(cases, WEEK.end)
    assert (f.received, f.dispatched, f.resolved, f.closed, f.open, f.overdue) == (7, 6, 4, 1, 6, 2)
    # C1, C3 (within the limit set when its return was upheld), C6, C7 in time; C2 late, C4 never
    assert f.response == ind.Rate(4, 6)
    assert f.resolution == ind.Rate(1, 3)  # C1 solved; C2 not; C6 not (not reached)
    # C1 satisfied, C2 basically satisfied; C6's "none" is left out
    assert f.satisfaction.denominator == 2 and f.satisfaction.numerator == pytest.approx(1.9)
    assert f.satisfaction.value == pytest.approx(0.95)
    assert f.composite == pytest.approx(0.1 * 4 / 6 + 0.5 * 1 / 3 + 0.4 * 0.95)
    assert f.composite == pytest.approx(0.613333, abs=1e-6)
    assert f.on_time == ind.Rate(3, 4)  # C2 resolved after its Thursday deadline
    assert f.returns == ind.Rate(1, 6) and f.escalations == ind.Rate(1, 6)  # both C3
    assert f.summons_on_time == ind.Rate(1, 2)  # C1 answered in 20 min; C6 never, past its 30 min


def test_the_figures_as_a_page_reads_them(story: World) -> None:
    data = ind.figures(story.week(), WEEK.end).as_dict()
    assert data["received"] == 7 and data["composite"] == 0.6133
    assert data["response"] == {"value": 0.6667, "numerator": 4, "denominator": 6}
    assert data["satisfaction"] == {"value": 0.95, "numerator": 1.9, "denominator": 2}


def test_events_after_the_end_do_not_count_until_their_time(story: World) -> None:
    week = ind.figures(story.week(), WEEK.end)
    assert week.closed == 1  # C2 is closed on Monday 9 March, after the week
    later = ind.Period(WEEK.start, at(9, 12))
    after = ind.figures(story.week(period=later), later.end)
    assert (after.received, after.closed) == (7, 2)
    monday = ind.Period(WEEK.start, at(2, 11, 5))  # C3 returned and C4's limit (11:30) not reached yet
    early = ind.figures(story.week(period=monday), monday.end)
    assert (early.received, early.resolved, early.overdue) == (7, 0, 0)
    assert early.response == ind.Rate(3, 3)  # C1, C6, C7 acknowledged; C2, C3, C4 still within their limits
    assert early.summons_on_time == ind.Rate(1, 1)  # C6's summons is not yet due
    waiting = ind.Period(WEEK.start, at(2, 11, 25))  # C3's limit (11:20) passed, its return not decided
    assert ind.figures(story.week(period=waiting), waiting.end).response == ind.Rate(3, 4)  # C2 now late


def test_the_previous_period_and_the_scope(story: World) -> None:
    ids = story.ids
    before = ind.cohort(story.histories, WEEK.previous())
    assert WEEK.previous() == ind.Period(at(23, 0, month=2), WEEK.start)
    assert [x.record.id for x in before] == [ids["C9"]]
    f = ind.figures(before, WEEK.start)
    assert (f.received, f.dispatched, f.open, f.overdue, f.response) == (1, 1, 1, 0, ind.Rate(1, 1))
    assert f.composite is None and f.resolution.value is None  # nothing followed up: no value, not 0
    county = story.week(COUNTY)
    assert len(county) == 6 and ids["C7"] not in {x.record.id for x in county}
    assert ids["C8"] in {x.record.id for x in ind.cohort(story.histories, WEEK)}  # stored...
    assert ids["C8"] not in {x.record.id for x in story.week()}  # ...but not in 无锡


def test_children_rankings_and_change(story: World) -> None:
    h = story.h
    now = ind.by_child(story.week(), CITY, h)
    old = ind.by_child(story.week(period=WEEK.previous()), CITY, h)
    assert set(now) == {u.code for u in h.children(CITY)}
    assert {code: len(v) for code, v in now.items() if v} == {COUNTY: 6, XISHAN: 1}
    current = {code: ind.figures(v, WEEK.end) for code, v in now.items()}
    previous = {code: ind.figures(v, WEEK.start) for code, v in old.items()}
    volume = ind.rank(current, previous, "received")
    assert [(r.code, r.rank, r.value, r.previous, r.change) for r in volume[:2]] == [
        (COUNTY, 1, 6, 1, 5), (XISHAN, 2, 1, 0, 1)]
    assert {r.rank for r in volume[2:]} == {3}  # the five counties without cases share third place
    by_score = ind.rank(current, previous, "composite")
    county = current[COUNTY]  # as the city without C7: response 3/5 (C1, C3, C6 in time)
    assert (county.response, county.resolution, county.satisfaction.value) == (
        ind.Rate(3, 5), ind.Rate(1, 3), pytest.approx(0.95))
    assert by_score[0].code == COUNTY
    assert by_score[0].value == pytest.approx(0.1 * 3 / 5 + 0.5 / 3 + 0.4 * 0.95)
    assert by_score[0].change is None  # no composite in the previous period
    assert all(r.value is None for r in by_score[1:])  # no follow-ups there: last, in code order
    assert [r.code for r in by_score[1:]] == sorted(r.code for r in by_score[1:])
    streets = ind.by_child(story.week(COUNTY), COUNTY, h)
    assert (len(streets[A]), len(streets[B])) == (5, 1)


def test_cases_per_day(story: World) -> None:
    days = ind.daily(story.week(), WEEK)
    assert [d for d, _, _ in days] == [date(2026, 3, 2) + timedelta(days=i) for i in range(7)]
    assert days[0] == (date(2026, 3, 2), 7, 4) and all(r == 0 for _, r, _ in days[1:])


def test_the_memo_gives_the_same_facts_and_replays_once(story: World) -> None:
    histories = story.histories
    memo: dict[tuple[str, int], ind.CaseFacts] = {}
    first = ind.figures(ind.cohort(histories, WEEK, memo), WEEK.end)
    kept = dict(memo)
    again = ind.figures(ind.cohort(histories, WEEK, memo), WEEK.end)
    assert first == again == ind.figures(ind.cohort(histories, WEEK), WEEK.end)
    assert memo == kept and len(memo) == 8  # C1–C8, each replayed once


def test_edges() -> None:
    assert ind.Rate(0, 0).value is None and ind.Rate(0, 0).as_dict()["value"] is None
    assert ind.case_facts("x", []) is None
    short = ind.Period(at(2, 9), at(2, 15))
    assert short.days() == [date(2026, 3, 2)] and short.previous() == ind.Period(at(2, 3), at(2, 9))
    assert ind.composite(ind.Rate(1, 1), ind.Rate(1, 2), ind.Rate(0, 0)) is None
