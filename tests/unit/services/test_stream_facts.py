"""The 事实表 checked during the cross-check's replay (``fact_audit.StreamFacts``, decision 0054) says
exactly what the check of whole streams says (``fact_audit.fact_mismatch``), after random
interleavings of commands (merges, 改类, returns, escalations, summonses, backfilled times) — on the
rows as stored and on rows with one field tampered — so that the two cannot drift."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liandong.adapters.memory.unit_of_work import MemoryUnitOfWork
from liandong.assessment.fact_audit import Mismatch, StreamFacts, fact_mismatch
from liandong.domain.cases.record import CaseRecord, apply
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import FactRow
from tests.factories.assessment import START
from tests.factories.interleavings import RULES, step


def followed(case_id: str, events: list[Any], rows: list[FactRow]) -> Mismatch | None:
    """What the replay finds: each row given at its version (rows at no event's version are the
    store's to name, as ``SqlStateRows`` does)."""
    at = {r.version: (r.valid_from, r.irregular, r.body, r.viewers, r.fair) for r in rows}
    facts, record = StreamFacts(case_id), CaseRecord(case_id)
    for event in events:
        apply(record, event)
        facts.step(record, event, at.get(record.version))
    return facts.end()


def tampered(row: FactRow, how: str) -> FactRow:
    if how == "body":
        return dataclasses.replace(row, body=row.body.replace('"disp":', '"disp":9', 1).replace(
            '"st":"', '"st":"x', 1))
    if how == "valid_from":
        return dataclasses.replace(row, valid_from=row.valid_from - timedelta(seconds=1))
    if how == "irregular":
        return dataclasses.replace(row, irregular=not row.irregular)
    if how == "viewers":
        return dataclasses.replace(row, viewers=(row.viewers or "") + "|320213-police")
    if how == "fair":
        return dataclasses.replace(row, fair=(row.fair or "{}").replace('"fin":"', '"fin":"unreasonable', 1))
    return row  # "dropped": the caller leaves the row out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_replay_check_agrees_with_the_whole_stream_check(data: st.DataObject) -> None:
    uow = MemoryUnitOfWork()
    clock = ManualClock(START)
    counter = iter(range(1, 10_000))
    bus = MessageBus(uow=lambda: uow, rules=RULES, clock=clock, new_id=lambda: f"S-{next(counter):03d}")
    ids: list[str] = []
    for _ in range(data.draw(st.integers(5, 40))):
        step(bus, clock, ids, data.draw)
    store = uow.cases
    for case_id, events in store.streams.items():
        rows = list(store.facts.get(case_id, []))
        assert followed(case_id, events, rows) is None is fact_mismatch(case_id, events, rows)
        if not rows:
            continue
        which = data.draw(st.integers(0, len(rows) - 1))
        how = data.draw(st.sampled_from(("body", "valid_from", "irregular", "viewers", "fair", "dropped")))
        if how == "dropped":
            changed = rows[:which] + rows[which + 1:]
        else:
            changed = [*rows[:which], tampered(rows[which], how), *rows[which + 1:]]
        expected = fact_mismatch(case_id, events, changed)
        # a row left out between two others can be the row of one save of several events: equal
        assert expected is not None or (how == "dropped" and which < len(rows) - 1), (how, rows[which])
        assert followed(case_id, events, changed) == expected
