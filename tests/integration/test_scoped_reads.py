"""The reads of a period narrowed by place (``scope``), on memory, SQLite and PostgreSQL alike: a
case counts for a scope when one of its places (reported, or added by 扩大范围) lies under it; a
case spanning two counties counts for both; the window still applies; nothing of a rolled-back
save is left behind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from liandong.domain.cases.case import Case
from liandong.services.ports import UnitOfWork
from tests.factories.scoped_reads import LIANGXI, SCOPES, WINDOW, XINWU, A, B, C, T, X, Y, expected, seed
from tests.factories.worlds import national_case_rules

RULES = national_case_rules()

@pytest.mark.parametrize("scope", SCOPES)
def test_each_read_of_a_scope_holds_the_cases_with_a_place_under_it(
        uow_factory: Callable[[], UnitOfWork], scope: str | None) -> None:
    seeded = seed(uow_factory)
    want = expected(seeded, scope)
    with seeded.bus.uow() as u:
        versions = u.case_reads.versions_received(*WINDOW, scope=scope)
        streams = list(u.case_reads.streams_received(*WINDOW, scope=scope))
        reads = u.case_reads.reads_received(*WINDOW, scope=scope)
        reports = u.case_reads.reports_received(*WINDOW, scope=scope)
    assert {case_id for case_id, _ in versions} == want and len(versions) == len(want)
    assert [case_id for case_id, _, _ in streams] == [r.case_id for r in reports]  # oldest first
    assert {case_id for case_id, _, _ in streams} == want and len(streams) == len(want)
    assert all(len(events) == version for (_, events, _), (_, version) in
               zip(sorted(streams), sorted(versions), strict=True))
    assert set(reads) == {case_id for case_id, _, marks in streams if marks}
    assert set(reads) <= want and all(seeded.places[i] == {B} for i in reads)
    assert seeded.early not in want


def test_the_named_scopes_cover_what_they_should(uow_factory: Callable[[], UnitOfWork]) -> None:
    seeded = seed(uow_factory)
    by_places = {frozenset(p): i for i, p in seeded.places.items()}
    span, widened = by_places[frozenset({A, X})], by_places[frozenset({C, Y})]
    assert {span, widened} <= expected(seeded, LIANGXI) & expected(seeded, XINWU)
    assert len(expected(seeded, LIANGXI)) == 4 and len(expected(seeded, XINWU)) == 3
    assert len(expected(seeded, "320000")) == 6 and not expected(seeded, "110000")
    with seeded.bus.uow() as u:
        assert {i for i, _ in u.case_reads.versions_received(*WINDOW, scope=XINWU)} == {
            by_places[frozenset({X})], span, widened}
        later = u.case_reads.versions_received(T + timedelta(hours=2), T + timedelta(days=1), scope=LIANGXI)
        assert later == []  # the window still applies


def test_a_rolled_back_save_leaves_no_place(uow_factory: Callable[[], UnitOfWork]) -> None:
    seeded = seed(uow_factory)
    case = Case.report(case_id="case-rolled-back", matter="garbage_collection", severity="routine",
                       affected=("320205001",), description="回滚", source="citizen",
                       now=T + timedelta(hours=3), rules=RULES, actor="reporter")
    with seeded.bus.uow() as u:
        u.cases.save(case)
        assert [i for i, _ in u.case_reads.versions_received(*WINDOW, scope="320205")] == [case.id]
        u.rollback()
    with seeded.bus.uow() as u:
        assert u.case_reads.versions_received(*WINDOW, scope="320205") == []
