"""The sums checked against a full recomputation (``liandong insight rebuild-facts``): every
unit's figures at every level, from the sums (``sum_figures``) and from every case's events
replayed (``facts.case_facts``), taken now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

from liandong.assessment.engine import Engine
from liandong.assessment.facts import UNIT_LEVELS, case_facts
from liandong.assessment.sum_figures import sum_facts
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.worktime import SHANGHAI
from liandong.services.ports import UnitOfWork


def check_sums(uow: Callable[[], UnitOfWork], hierarchy: HierarchyIndex, since: datetime, now: datetime,
               ) -> tuple[int, list[str]]:
    """How many units were compared, and those whose figures from the sums differ from today's
    (the cases received from the Shanghai day of ``since`` to ``now``)."""
    start = datetime.combine(since.astimezone(SHANGHAI).date(), time(0), tzinfo=SHANGHAI).astimezone(UTC)
    found = sum_facts(uow, hierarchy, start, now, now, now)
    assert found is not None  # taken now: always from the sums
    with uow() as u:
        theirs = [f for cid, events, reads in u.case_reads.streams_received(start, now)
                  if (f := case_facts(cid, events, now, hierarchy, reads)) is not None]
    root = hierarchy.root.code
    mine_engine, their_engine = Engine.of(found.facts, hierarchy), Engine.of(theirs, hierarchy)
    try:
        wrong = [] if mine_engine.total(root).as_dict() == their_engine.total(root).as_dict() else [root]
        n = 1
        for level in UNIT_LEVELS:
            if int(level) <= int(hierarchy.root.level):
                continue
            a, b = mine_engine.by_unit(root, level), their_engine.by_unit(root, level)
            n += len(a)
            wrong += sorted(code for code in a if a[code].as_dict() != b[code].as_dict())
    finally:
        mine_engine.close()
        their_engine.close()
    return n, wrong
