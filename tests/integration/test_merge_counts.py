"""并单 that counts once (issue 25 point 4): a merged case is a supporting report of its parent, not
a second case in 受理量 or the three rates; repeat callers and repeat matters at one place are
surfaced to the dispatcher. On memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.assessment.periods import parse_period
from liandong.assessment.rules import load_rules
from liandong.assessment.service import assess
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.disputes import repeats
from liandong.services.ports import UnitOfWork

H = national_hierarchy()
RULES = Rules(Router(H, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
A, B, LIANGXI = "320213001", "320213015", "320213"
CENTRE = "320200-gov"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
NOW = datetime(2026, 5, 1, tzinfo=UTC)
PHONE, OTHER = "13812345678", "13900001111"


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> MessageBus:
    counter = iter(range(1, 1000))
    return MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                      new_id=lambda: f"M{next(counter):03d}")


def report(bus: MessageBus, place: str, phone: str, matter: str = "social_life_noise") -> str:
    return bus.handle(c.ReportCase(by="reporter", matter=matter, affected=(place,), reporter_phone=phone,
                                   description="夜间广场舞音响扰民")).case_id


def lead_of(bus: MessageBus, cid: str) -> str:
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None
        return case.record.lead


def resolve_and_rate(bus: MessageBus, cid: str) -> None:
    lead = lead_of(bus, cid)
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None
        pending = case.record.pending_assists()
    for dept in pending:
        bus.handle(c.ReportAssist(by=dept, case_id=cid, summary="已落实"))
    bus.handle(c.ResolveCase(by=lead, case_id=cid, summary="已劝导降低音量"))
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=cid, rating="satisfied"))


def march(uow: Callable[[], UnitOfWork]) -> dict[str, float]:
    figures = assess(uow, H, parse_period("2026-03", cutoff=1), NOW, load_rules()).total(LIANGXI)
    rates = {name: figures.rate(name) or 0.0 for name in ("response", "resolution", "satisfaction")}
    return {**figures.counts, **rates}


def test_a_merged_child_supports_its_parent_and_counts_once(
        bus: MessageBus, uow_factory: Callable[[], UnitOfWork]) -> None:
    parent = report(bus, A, PHONE)
    child = report(bus, A, OTHER)
    for cid in (parent, child):  # dispatched twice: two leads' clocks for one matter
        bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    bus.handle(c.AcknowledgeCase(by=lead_of(bus, parent), case_id=parent))
    before = march(uow_factory)
    assert (before["received"], before["dispatched"], before["open"], before["supporting"]) == (2, 2, 2, 0)
    assert (before["ack_in_time"], before["ack_due"], before["overdue"]) == (1, 2, 2)  # the child lapsed
    bus.handle(c.MergeCase(by=CENTRE, case_id=child, into=parent))
    after = march(uow_factory)
    assert (after["received"], after["dispatched"], after["open"], after["supporting"]) == (1, 1, 1, 1)
    assert (after["ack_in_time"], after["ack_due"], after["overdue"]) == (1, 1, 1)  # the parent's alone
    assert after["team"] < before["team"]
    resolve_and_rate(bus, parent)
    rated = march(uow_factory)  # the three rates: one case, its one follow-up — not two
    assert (rated["received"], rated["valid"], rated["supporting"]) == (1, 1, 1)
    assert (rated["response"], rated["resolution"], rated["satisfaction"]) == (1.0, 1.0, 1.0)


def test_repeat_callers_and_repeat_matters_at_one_place(bus: MessageBus) -> None:
    first = report(bus, A, PHONE)
    second = report(bus, A, OTHER)
    third = report(bus, B, PHONE, matter="industrial_noise")
    fourth = report(bus, B, OTHER, matter="social_life_noise")
    bus.clock.advance(timedelta(days=10))  # type: ignore[attr-defined]
    late = report(bus, A, PHONE)
    window = dict(since=START - timedelta(days=1), until=START + timedelta(days=2))
    groups = {(g.kind, g.key): g.case_ids for g in repeats(bus.uow, **window)}  # type: ignore[arg-type]
    assert groups == {("caller", PHONE): (first, third), ("caller", OTHER): (second, fourth),
                      ("place", f"social_life_noise@{A}"): (first, second)}
    assert late not in {i for ids in groups.values() for i in ids}  # outside the window
    bus.handle(c.MergeCase(by=CENTRE, case_id=second, into=first))
    after = {(g.kind, g.key) for g in repeats(bus.uow, **window)}  # type: ignore[arg-type]
    assert ("place", f"social_life_noise@{A}") not in after  # merged: no longer a repeat to act on
    assert ("caller", PHONE) in after
