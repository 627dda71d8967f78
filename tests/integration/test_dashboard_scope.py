"""The dashboard and the assessment page read only their scope's cases from the store, and show
exactly what they showed when every case of the period was read and filtered in Python: for every
scope, on memory and SQLite, with cases in two counties of 无锡, one spanning both, one widened
from one into the other, and one in 南京.

The week [Mon 2 March, Mon 9 March 2026) and the week before, Shanghai days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from liandong.assessment.periods import Period
from liandong.assessment.rules import load_rules
from liandong.assessment.service import FactsCache, assess_cached
from liandong.assessment.stored import assess_stored
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole, can_see
from liandong.domain.cases import commands as c
from liandong.domain.cases.record import CaseRecord
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.worktime import SHANGHAI
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from liandong.web.assessment_page import page_data
from liandong.web.dashboard import dashboard_view
from tests.factories.deployments import sandbox_store

CENTRE = "320200-gov"
LIANGXI, XINWU = "320213", "320214"
A, B, C = "320213001", "320213015", "320213018"
X, Y = "320214001", "320214002"
NANJING = "320102002"
WEEK = Period(datetime(2026, 3, 2, tzinfo=SHANGHAI).astimezone(UTC),
              datetime(2026, 3, 9, tzinfo=SHANGHAI).astimezone(UTC), "2026-03-02..2026-03-08")
NOW = WEEK.end + timedelta(hours=1)
SCOPES = ("100000", "320000", "320200", LIANGXI, XINWU, A, B, X, Y, "320100", "320205")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def person(department: str, role: StaffRole = StaffRole.LEADER) -> Principal:
    return Principal(account_id=department, username=department, roles=frozenset({role}),
                     department=department)


class Unscoped(FactsCache):
    """The cache as it was: every case of the period read, the scope left to the engine."""

    def _collect(self, uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, start: datetime,
                 end: datetime, visible: Callable[[CaseRecord], bool] | None,
                 scope: str | None) -> Any:
        return super()._collect(uow, hierarchy, start, end, visible, None)


@dataclass
class World:
    platform: Platform
    handler: str  # the lead department of a 梁溪 case (sees only its team's cases)


def seed(platform: Platform) -> World:
    clock = ManualClock(at(24, 9, month=2))
    bus = platform.bus(clock=clock)

    def report(*affected: str) -> str:
        return bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=affected,
                                       description="垃圾桶满溢")).case_id

    def lead(case_id: str) -> str:
        with platform.uow() as u:
            case = u.cases.get(case_id)
            assert case is not None
            return case.record.lead

    def handle(case_id: str, until: str, centre: str = CENTRE) -> None:
        """Dispatch (by the centre of the place), then acknowledge, resolve and follow up as far as
        ``until``."""
        bus.handle(c.DispatchCase(by=centre, case_id=case_id))
        steps = [("ack", c.AcknowledgeCase(by=lead(case_id), case_id=case_id)),
                 ("resolve", c.ResolveCase(by=lead(case_id), case_id=case_id, summary="已清运")),
                 ("follow", c.FollowUpCase(by=CENTRE, case_id=case_id, solved=False,
                                           rating="basically_satisfied"))]
        for name, command in steps:
            clock.set(clock.now() + timedelta(minutes=30))
            bus.handle(command)
            if name == until:
                return

    handle(report(B), "ack")  # the week before
    clock.set(at(25, 10, month=2))
    handle(report(X), "follow")
    clock.set(at(2, 9))
    first = report(A)
    handle(first, "follow")
    handle(report(A), "ack")
    report(A)
    clock.set(at(2, 11))
    handle(report(X), "dispatch")
    report(X)
    span = report(A, X)  # one case in both counties: both streets assist, then the lead resolves
    handle(span, "ack")
    with platform.uow() as u:
        case = u.cases.get(span)
        assert case is not None
        assists = case.record.pending_assists()
    for department in assists:
        bus.handle(c.ReportAssist(by=department, case_id=span, summary="已清运"))
    bus.handle(c.ResolveCase(by=lead(span), case_id=span, summary="已清运"))
    widened = report(C)
    bus.handle(c.WidenScope(by=CENTRE, case_id=widened, added=(Y,)))  # 扩大范围 into 新吴区
    handle(widened, "ack")
    handle(report(NANJING), "ack", centre="320100-gov")  # 南京's own centre dispatches it
    with platform.uow() as u:
        u.cases.mark_read(first, CENTRE, 2, at(2, 12))
        u.commit()
    return World(platform, lead(first))


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if request.param == "memory":
        platform = bootstrap(memory=True)
    else:
        folder: Path = tmp_path_factory.mktemp("scope")
        platform = sandbox_store(bootstrap(Settings(
            database_url=f"sqlite+pysqlite:///{folder / 'db.sqlite3'}", data_dir=folder)))  # months ago
    yield seed(platform)
    if platform.engine is not None:
        platform.engine.dispose()


def viewers(world: World) -> list[Principal]:
    return [person("100000-gov"), person("320000-gov"), person(f"{LIANGXI}-gov", StaffRole.INSPECTOR),
            person(world.handler, StaffRole.HANDLER)]


def test_the_dashboard_is_the_same_for_every_scope(world: World) -> None:
    shared = FactsCache()  # one cache across scopes and viewers, as the app keeps it
    for user in viewers(world):
        for scope in SCOPES:
            old = dashboard_view(world.platform, user, scope, WEEK, "zh", Unscoped(), facts="events")
            events = dashboard_view(world.platform, user, scope, WEEK, "zh", FactsCache(), facts="events")
            # the 事实表 (issue 28): the same page, for oversight roles and (replayed where unsure) others
            stored = dashboard_view(world.platform, user, scope, WEEK, "zh", facts="stored")
            assert events == old and stored == old, (user, scope)
            # the sums (decision 0045): the same page again
            assert dashboard_view(world.platform, user, scope, WEEK, "zh", facts="sums") == old, (user, scope)
            assert dashboard_view(world.platform, user, scope, WEEK, "zh", shared) == old, (user, scope)
    city = dashboard_view(world.platform, person("320000-gov"), "320200", WEEK, "zh")["totals"]
    counties = [dashboard_view(world.platform, person("320000-gov"), s, WEEK, "zh")["totals"]
                for s in (LIANGXI, XINWU)]
    assert (city["received"], [t["received"] for t in counties]) == (7, [5, 4])  # the span counts in both
    assert city["dispatched"] == 5 and counties[0]["resolved"] == 2


def test_the_assessment_page_is_the_same_for_every_scope(world: World) -> None:
    rules, shared, h = load_rules(), FactsCache(), world.platform.hierarchy
    for user in viewers(world):
        def visible(record: CaseRecord, user: Principal = user) -> bool:
            return can_see(user, record, h)

        for scope in SCOPES:
            old = assess_cached(Unscoped(), world.platform.uow, h, WEEK, NOW, rules, visible=visible)
            new = assess_cached(shared, world.platform.uow, h, WEEK, NOW, rules, visible=visible, scope=scope)
            facts = assess_stored(FactsCache(), world.platform.uow, h, WEEK, NOW, rules, principal=user,
                                  scope=scope)  # the 事实表 (issue 28)
            below = [lv.key for lv in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP)
                     if lv > h.get(scope).level]
            try:
                for by in (*below, "department", "matter", "source", "lead_level"):
                    # what the page is made of (its figures, ranking and accountability), for every viewer
                    want = (old.groups(scope, by), old.ranking(scope, by), old.accountability(scope))
                    for a in (new, facts):
                        assert (a.groups(scope, by), a.ranking(scope, by), a.accountability(scope)) == want, (
                            user, scope, by)
                    if user == viewers(world)[0]:  # and the page itself, for one
                        page = page_data(world.platform, old, scope, by, "zh")
                        assert page_data(world.platform, new, scope, by, "zh") == page, (user, scope, by)
                        assert page_data(world.platform, facts, scope, by, "zh") == page, (user, scope, by)
                for which in ("current", "previous"):  # in the same order
                    assert new.attributions(scope, which) == old.attributions(scope, which)
                    assert facts.attributions(scope, which) == old.attributions(scope, which)
            finally:
                new.close()
                old.close()
                facts.close()


def test_a_scope_reads_only_its_cases(world: World) -> None:
    cache = FactsCache()
    h = world.platform.hierarchy
    liangxi = cache.collect(world.platform.read_uow, h, WEEK.start, WEEK.end, scope=LIANGXI)
    assert len(liangxi) == 5 and all(any(h.is_ancestor(LIANGXI, p) for p in f.record.affected)
                                     for f in liangxi)
    assert set(cache._streams) == {f.case_id for f in liangxi}  # nothing else was read
    city = cache.collect(world.platform.read_uow, h, WEEK.start, WEEK.end, scope="320200")
    assert len(city) == 7  # a narrower scope's entries do not stand for the wider one
    assert len(cache.collect(world.platform.read_uow, h, WEEK.start, WEEK.end)) == 8


def test_a_full_cache_still_returns_every_case(world: World) -> None:
    """At capacity the cache is emptied; the cases of the call that empties it are all kept."""
    h = world.platform.hierarchy
    small = FactsCache(capacity=4)
    want = {f.case_id for f in FactsCache().collect(world.platform.read_uow, h, WEEK.start, WEEK.end)}
    small.collect(world.platform.read_uow, h, WEEK.start, WEEK.end, scope=XINWU)
    got = small.collect(world.platform.read_uow, h, WEEK.start, WEEK.end, scope="320200")
    assert len(got) == 7
    again = small.collect(world.platform.read_uow, h, WEEK.start, WEEK.end, scope="320200")
    assert all(a is b for a, b in zip(got, again, strict=True))  # nothing new: nothing dropped
    got = small.collect(world.platform.read_uow, h, WEEK.start, WEEK.end)
    assert {f.case_id for f in got} == want
    period = small.period(world.platform.uow, h, WEEK, NOW, load_rules(), scope=LIANGXI)
    fresh = FactsCache().period(world.platform.uow, h, WEEK, NOW, load_rules(), scope=LIANGXI)
    assert len(period.facts) == 5 and period.attributions == fresh.attributions != []
