"""The state cross-check's reads in memory: the streams beside the leaves. Memory keeps no projection
apart from the replay, so there is no row to compare (``None``) and the members are the replay's."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from liandong.adapters.memory.cases import MemoryCaseStore
from liandong.adapters.memory.instruments import MemoryInstrumentStore
from liandong.adapters.memory.ledger import MemoryLedgerStore
from liandong.domain.cases.case import Case
from liandong.domain.codec import to_payload
from liandong.services.ports.audit import AggregateRows, DerivedMismatch, EventRow, MemberRow, StateRows


def _dumps(payload: dict[str, Any], *, sort: bool) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=sort)


class MemoryStateRows(StateRows):
    def __init__(self, cases: MemoryCaseStore, instruments: MemoryInstrumentStore,
                 ledger: MemoryLedgerStore) -> None:
        self.case_store, self.instrument_store, self.ledger = cases, instruments, ledger

    def cases(self, ids: Sequence[str] | None = None) -> Iterator[AggregateRows]:
        leaves = {seq: (i, leaf) for i, (seq, _, _, leaf) in enumerate(self.ledger.entries)
                  if seq is not None}
        seqs: dict[str, list[int]] = {}
        for item in self.case_store.log:
            seqs.setdefault(item.event.aggregate_id, []).append(item.seq)
        for case_id in sorted(self.case_store.streams if ids is None else set(ids)):
            events: list[EventRow] = []
            for version, (event, seq) in enumerate(zip(self.case_store.streams.get(case_id, []),
                                                       seqs.get(case_id, []), strict=False), 1):
                index, leaf = leaves.get(seq, (None, None))
                events.append((version, seq, type(event).__name__, event.at, event.actor,
                               _dumps(to_payload(event), sort=True), index, leaf, None))
            yield case_id, None, self.case_store.salts.get(case_id), events

    def members(self, ids: Sequence[str] | None = None) -> Iterator[MemberRow]:
        for case_id in sorted(self.case_store.streams if ids is None else set(ids)):
            record = Case.replay(case_id, self.case_store.streams.get(case_id, [])).record
            for code in sorted(record.team):
                if record.team[code].active:
                    yield case_id, code, record.team[code].role.value

    def instruments(self, ids: Sequence[str] | None = None) -> Iterator[AggregateRows]:
        leaves: dict[str, list[tuple[int, bytes]]] = {}
        for i, (seq, subject, _, leaf) in enumerate(self.ledger.entries):
            if seq is None:
                leaves.setdefault(subject, []).append((i, leaf))
        seqs: dict[str, list[int]] = {}
        for item in self.instrument_store.log:
            seqs.setdefault(item.event.aggregate_id, []).append(item.seq)
        for instrument_id in sorted(self.instrument_store.streams if ids is None else set(ids)):
            recorded = leaves.get(instrument_id, [])
            events: list[EventRow] = []
            for version, (event, seq) in enumerate(zip(self.instrument_store.streams.get(instrument_id, []),
                                                       seqs.get(instrument_id, []), strict=False), 1):
                index, leaf = recorded[version - 1] if version <= len(recorded) else (None, None)
                events.append((version, seq, type(event).__name__, event.at, event.actor,
                               _dumps(to_payload(event), sort=False), index, leaf, None))
            yield instrument_id, None, self.instrument_store.salts.get(instrument_id), events

    def derived(self, ids: Sequence[str] | None = None,
                followed: Collection[str] = ()) -> Iterator[DerivedMismatch]:
        """The fact rows against the streams (memory's sums are derived from the rows when read)."""
        from liandong.assessment.fact_audit import fact_mismatch

        for case_id in sorted(self.case_store.streams if ids is None else set(ids)):
            found = fact_mismatch(case_id, self.case_store.streams.get(case_id, []),
                                  self.case_store.facts.get(case_id, []))
            if found is not None:
                yield found

    def subjects(self, start: int) -> tuple[list[str], list[str]]:
        cases = {subject for seq, subject, _, _ in self.ledger.entries[start:] if seq is not None}
        instruments = {subject for seq, subject, _, _ in self.ledger.entries[start:] if seq is None}
        return sorted(cases), sorted(instruments)
