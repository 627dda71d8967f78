"""Cases in memory: the command store (event streams in lists, live records for speed, undo on
rollback) and the read side, a view of the same records."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from liandong.adapters.memory.streams import MemoryStreams
from liandong.adapters.memory.sums import MemorySumView, SumState
from liandong.assessment.fact_rows import row_of
from liandong.assessment.viewers import with_viewers
from liandong.domain.cases.case import Case
from liandong.domain.cases.events import CaseFollowedUp, CaseReported, Event
from liandong.domain.cases.numbers import format_number, is_number, number_day, number_prefix
from liandong.domain.cases.publication import PUBLIC_STEPS, public_note
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.domain.nearby import Point, Spot, near, spot_of
from liandong.services.ports import (
    CaseReads,
    CaseStore,
    CaseSummary,
    FactRow,
    PublicStepRow,
    ReportRow,
    StoredEvent,
    scope_prefix,
)
from liandong.services.ports.aggregates import ReadsThroughStore


class MemoryCaseStore(MemoryStreams[Case, Event], CaseStore):
    """Cases keep a live record each besides their streams (the inboxes read them)."""

    aggregate = Case

    def __init__(self) -> None:
        super().__init__()
        self.records: dict[str, CaseRecord] = {}
        self.keys: dict[str, str] = {}
        self.delivered: set[int] = set()
        self._new_keys: list[str] = []
        self._loaded: set[str] = set()
        self.tracking: dict[str, str] = {}
        self.phones: dict[str, list[str]] = {}  # phone digest → case ids, oldest first
        self.salts: dict[str, bytes] = {}
        self._new_salts: list[str] = []
        self.reads: dict[str, dict[str, tuple[int, datetime]]] = {}
        self.numbers: dict[str, str] = {}  # 案件编号 → case id
        self.number_of: dict[str, str] = {}  # case id → 案件编号
        self.days: dict[tuple[str, str], int] = {}  # the last sequence per jurisdiction and day
        self._new_numbers: list[str] = []
        self.facts: dict[str, list[FactRow]] = {}  # 事实表: per case, its fact rows by version
        self.sums = SumState()  # and the sums beside them

    def resolve(self, case_id: str) -> str:
        return self.numbers.get(case_id, case_id) if is_number(case_id) else case_id

    def events(self, case_id: str) -> list[Event]:
        return super().events(self.resolve(case_id))

    def get(self, case_id: str) -> Case | None:
        case_id = self.resolve(case_id)
        record = self.records.get(case_id)
        if record is None:
            return None
        self._loaded.add(case_id)
        return Case(record)

    def save(self, case: Case) -> list[StoredEvent]:
        r = case.record
        if case.id not in self.records and r.received_at is not None:
            prefix, day = number_prefix(r.affected), number_day(r.received_at)
            self.days[prefix, day] = self.days.get((prefix, day), 0) + 1
            number = format_number(prefix, day, self.days[prefix, day])
            self.numbers[number], self.number_of[case.id] = case.id, number
            self._new_numbers.append(number)
        pending = list(case.pending)
        stored = self.append(case)
        self.records[case.id] = case.record
        if pending:  # 事实表: a new version of the case's facts, as the SQL stores keep it
            rows = self.facts.setdefault(case.id, [])
            body, fair = (rows[-1].body, rows[-1].fair) if rows else (None, None)
            rows.append(with_viewers(row_of(case.id, body, case.record, pending, fair), case.record))
            self.sums.on_save(body, rows[-1], rows[:-1], self.reads.get(case.id, {}))
        key = case.record.idempotency_key
        if key and key not in self.keys:
            self.keys[key] = case.id
            self._new_keys.append(key)
        return stored

    def commit(self) -> None:
        self.committed()
        self._new_numbers.clear()
        self._loaded.clear()
        self._new_keys.clear()
        self._new_salts.clear()

    def rollback(self) -> None:
        undone = list(self.undo())
        for case_id in undone:
            kept = [f for f in self.facts.get(case_id, []) if f.version <= len(self.streams.get(case_id, ()))]
            if kept:
                self.facts[case_id] = kept
            else:
                self.facts.pop(case_id, None)
            if case_id in self.streams:
                self.records[case_id] = Case.replay(case_id, self.streams[case_id]).record
            else:
                self.records.pop(case_id, None)
        if undone:  # the sums of the rows kept (rare: a command refused after saving)
            self.sums = SumState.of(self.facts, self.reads)
        for key in self._new_keys:
            self.keys.pop(key, None)
        for number in self._new_numbers:  # the sequence is not given back: numbers may have gaps
            self.number_of.pop(self.numbers.pop(number, ""), None)
        for case_id in self._new_salts:
            self.salts.pop(case_id, None)
        for case_id in self._loaded:  # a command that failed half-way on a live record
            stream = self.streams.get(case_id)
            if stream is not None and self.records[case_id].version != len(stream):
                self.records[case_id] = Case.replay(case_id, stream).record
        self.commit()

    def by_idempotency_key(self, key: str) -> str | None:
        return self.keys.get(key)

    def open_due_before(self, moment: datetime, limit: int = 10000) -> list[str]:
        ids = [r.id for r in self.records.values()
               if r.state.is_open and r.due is not None and r.due < moment]
        return sorted(ids)[:limit]

    def rebuild_facts(self, rows_of: Callable[[str, Sequence[Event]], Sequence[FactRow]]) -> int:
        self.facts = {case_id: list(rows_of(case_id, stream)) for case_id, stream in self.streams.items()}
        self.sums = SumState.of(self.facts, self.reads)
        return len(self.facts)

    def add_tracking(self, code_hash: str, case_id: str) -> None:
        self.tracking[code_hash] = case_id

    def add_phone(self, phone_hash: str, case_id: str) -> None:
        self.phones.setdefault(phone_hash, []).append(case_id)

    def rebuild_phones(self, digest: Callable[[str], str]) -> int:
        self.phones = {}
        reports = [(case_id, stream[0]) for case_id, stream in self.streams.items()
                   if stream and isinstance(stream[0], CaseReported) and stream[0].reporter_phone]
        for case_id, reported in reports:
            self.add_phone(digest(reported.reporter_phone), case_id)
        return len(reports)

    def add_salt(self, case_id: str, salt: bytes) -> None:
        if case_id in self.salts:
            raise DomainError("case.conflict", case_id=case_id, expected=0, actual=1)
        self.salts[case_id] = salt
        self._new_salts.append(case_id)

    def salt(self, case_id: str) -> bytes | None:
        return self.salts.get(case_id)

    def mark_read(self, case_id: str, department: str, version: int, at: datetime) -> None:
        marks = self.reads.setdefault(case_id, {})
        if department not in marks or marks[department][0] < version:
            old = marks.get(department)
            marks[department] = (version, at)
            self.sums.on_mark(self.facts.get(case_id, []), department, old, (version, at))


class MemoryCaseReads(ReadsThroughStore[Case, Event], CaseReads):
    """The read side (``uow.case_reads``): a view of the store's records, streams and marks."""

    store: MemoryCaseStore

    def by_idempotency_key(self, key: str) -> str | None:
        return self.store.by_idempotency_key(key)

    def inbox(self, department: str, *, open_only: bool = True, limit: int = 200) -> list[CaseSummary]:
        rows = []
        for r in self.store.records.values():
            member = r.team.get(department)
            if member is None or not member.active or (open_only and not r.state.is_open):
                continue
            assert r.received_at is not None
            rows.append(CaseSummary(r.id, r.version, r.state.value, r.matter, r.severity, r.owner,
                                    r.lead, member.role.value, r.received_at, r.due, r.source,
                                    self.store.number_of.get(r.id, "")))
        rows.sort(key=lambda s: (s.due is None, s.due or s.received_at, s.case_id))
        return rows[:limit]

    def open_in_scope(self, scope: str, *, limit: int = 500) -> list[CaseSummary]:
        prefix = scope_prefix(scope)
        rows = [CaseSummary(r.id, r.version, r.state.value, r.matter, r.severity, r.owner, r.lead, "",
                            r.received_at, r.due, r.source, self.store.number_of.get(r.id, ""))
                for r in self.store.records.values()
                if r.state.is_open and r.received_at is not None
                and any(a.startswith(prefix) for a in r.affected)]
        rows.sort(key=lambda s: (s.due is None, s.due or s.received_at, s.case_id))
        return rows[:limit]

    def nearby_open(self, matter: str, *, place: str = "", point: Point | None = None,
                    radius_m: float = 500, limit: int = 20) -> list[Spot]:
        spots = sorted((spot_of(r, self.store.number_of.get(r.id, "")) for r in self.store.records.values()),
                       key=lambda s: s.case_id, reverse=True)
        at_place = [s for s in spots if place and near(s, matter=matter, place=place, point=None, radius_m=0)]
        around = [s for s in spots if point is not None and near(s, matter=matter, place="", point=point,
                                                                 radius_m=radius_m)]
        found = {s.case_id: s for s in at_place[:limit] + around[:limit]}
        return sorted(found.values(), key=lambda s: s.case_id, reverse=True)

    def number_of(self, case_id: str) -> str:
        return self.store.number_of.get(self.store.resolve(case_id), "")

    def case_for_tracking(self, code_hash: str) -> str | None:
        return self.store.tracking.get(code_hash)

    def cases_for_phone(self, phone_hash: str, *, limit: int = 5) -> list[str]:
        return list(reversed(self.store.phones.get(phone_hash, [])))[:limit]

    def in_states(self, states: Sequence[str], limit: int = 2000) -> list[str]:
        rows = sorted((r for r in self.store.records.values() if r.state.value in states),
                      key=lambda r: (r.received_at or datetime.min.replace(tzinfo=UTC), r.id))
        return [r.id for r in rows[:limit]]

    def read_marks(self, case_id: str) -> dict[str, tuple[int, datetime]]:
        return dict(self.store.reads.get(case_id, {}))

    def recent_ids(self, *, since: datetime | None = None, until: datetime | None = None,
                   limit: int = 1000, offset: int = 0, matters: Collection[str] | None = None,
                   exclude_matters: Collection[str] = (), is_open: bool | None = None,
                   consented: bool = False, scope: str | None = None, public: bool = False) -> list[str]:
        prefix = scope_prefix(scope) if scope is not None else ""
        rows = [r for r in self.store.records.values() if r.received_at is not None
                and (r.public_consent or not consented) and not (public and r.public_withheld)
                and (not prefix or any(code.startswith(prefix) for code in r.affected))
                and (since is None or r.received_at >= since) and (until is None or r.received_at <= until)
                and (matters is None or r.matter in matters) and r.matter not in exclude_matters
                and (is_open is None or r.state.is_open == is_open)]
        rows.sort(key=lambda r: (r.received_at, r.id), reverse=True)
        return [r.id for r in rows[offset:offset + limit]]

    def public_steps(self, since: datetime, until: datetime, *, exclude_matters: Collection[str] = (),
                     limit: int = 1000) -> list[PublicStepRow]:
        rows = [PublicStepRow(r.id, version, type(e).__name__, e.at, public_note(e))
                for r in self.store.records.values()
                if r.received_at is not None and not r.public_withheld and r.matter not in exclude_matters
                for version, e in enumerate(self.store.streams.get(r.id, ()), start=1)
                if type(e).__name__ in PUBLIC_STEPS and since <= e.at <= until]
        rows.sort(key=lambda s: (s.at, s.case_id, s.version))
        return rows[:limit]

    def facts_received(self, since: datetime, until: datetime, as_of: datetime, *,
                       scope: str | None = None) -> Iterator[FactRow]:
        for r in self._received(since, until, scope):
            rows = self.store.facts.get(r.id, [])
            found = [f for f in rows if f.valid_from <= as_of]
            if found:
                yield replace(found[-1], fair_now=rows[-1].fair)

    def fact_rows(self, case_id: str) -> list[FactRow]:
        return list(self.store.facts.get(case_id, []))

    def sum_view(self) -> MemorySumView:
        return MemorySumView(self.store.sums, self.store.facts, self.store.records, self.store.reads)

    def _received(self, since: datetime, until: datetime, scope: str | None) -> list[CaseRecord]:
        """The records received in [since, until) with a place under ``scope``. A record's
        ``affected`` holds every place the case ever had (reported, then widened), kept with the
        stream in ``save`` and undone with it on rollback: the memory form of ``case_place``."""
        prefix = scope_prefix(scope) if scope is not None else ""
        rows = [r for r in self.store.records.values()
                if r.received_at is not None and since <= r.received_at < until
                and (not prefix or any(code.startswith(prefix) for code in r.affected))]
        rows.sort(key=lambda r: (r.received_at, r.id))
        return rows

    def streams_received(self, since: datetime, until: datetime, *, scope: str | None = None,
                         ) -> Iterator[tuple[str, list[Event], dict[str, tuple[int, datetime]]]]:
        for r in self._received(since, until, scope):
            yield r.id, list(self.store.streams[r.id]), dict(self.store.reads.get(r.id, {}))

    def versions_received(self, since: datetime, until: datetime, *,
                          scope: str | None = None) -> list[tuple[str, int]]:
        return [(r.id, r.version) for r in self._received(since, until, scope)]

    def streams_of(self, case_ids: Sequence[str]) -> Iterator[tuple[str, list[Event]]]:
        for case_id in case_ids:
            if case_id in self.store.streams:
                yield case_id, list(self.store.streams[case_id])

    def reads_received(self, since: datetime, until: datetime, *, scope: str | None = None,
                       ) -> dict[str, dict[str, tuple[int, datetime]]]:
        received = self.versions_received(since, until, scope=scope)
        reads = self.store.reads
        return {case_id: dict(reads[case_id]) for case_id, _ in received if reads.get(case_id)}

    def reads_of(self, case_ids: Sequence[str]) -> dict[str, dict[str, tuple[int, datetime]]]:
        return {cid: dict(self.store.reads[cid]) for cid in case_ids if self.store.reads.get(cid)}

    def reports_received(self, since: datetime, until: datetime, *,
                         scope: str | None = None) -> list[ReportRow]:
        rows = []
        for case_id, events, _ in self.streams_received(since, until, scope=scope):
            first = events[0]
            assert isinstance(first, CaseReported)
            rated = [e.rating for e in events if isinstance(e, CaseFollowedUp)]
            r = self.store.records[case_id]
            rows.append(ReportRow(case_id, first.at, r.matter, first.matter, first.affected,
                                  first.description, first.address, r.state.is_open,
                                  rated[-1] if rated else ""))
        return rows
