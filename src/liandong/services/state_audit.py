"""The state cross-check (状态核验, decision 0028): what people read must be what the log recorded.

For every aggregate, each stored event is compared with the leaf that records it (the event's JSON
byte for byte, its personal fields through their salted commitments, and the row's own columns —
type, time, actor — with the event), the stream is replayed (``Aggregate.replay``'s ``apply``, one
event at a time as it is read) and the projection the pages read (``case_record``, ``case_member``,
``instrument``) is compared with the replay. Every leaf of the range checked must record exactly one
stored event. The first disagreement is named: aggregate, version, field, expected, found.

Speed: the rows come in key order from a few sequential scans (``StateRows``); each payload is
decoded once; a case event's leaf is checked by bytes (``state_leaf``, decision 0047: the stored
payload is already the canonical JSON the leaf carries, a report's commitments are remade from it),
parsing the leaf only when that fails; times are compared as text where the column holds text. The
tables derived from a case's events (the 事实表) are checked as its replay goes, on the record just
built (``StateRows.follow``, decision 0054), not by a second replay."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from liandong.domain.aggregate import Aggregate
from liandong.domain.cases import events as case_events
from liandong.domain.cases.case import Case
from liandong.domain.cases.record import CaseRecord
from liandong.domain.instruments import events as instrument_events
from liandong.domain.instruments.instrument import Instrument
from liandong.domain.instruments.record import InstrumentRecord
from liandong.ledger.commitment import conceal
from liandong.ledger.suite import HashFactory
from liandong.services.derived_audit import first_derived
from liandong.services.ports.audit import AggregateRows, DerivedMismatch, MemberRow, StateRows, StreamFollower
from liandong.services.state_leaf import case_leaf_matches


@dataclass(frozen=True)
class Finding:
    """One disagreement, said in words by ``liandong.i18n.ledger.describe(key, params, lang)``."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    index: int | None = None
    """The entry of the log it concerns, where there is one."""


@dataclass(frozen=True)
class StateReport:
    events: int
    aggregates: int
    mismatch: Finding | None


def _case_projection(r: CaseRecord) -> dict[str, Any]:
    return {"version": r.version, "state": r.state.value, "matter": r.matter, "severity": r.severity,
            "owner_code": r.owner or None, "lead_code": r.lead or None, "received_at": r.received_at,
            "due_at": r.due, "is_open": r.state.is_open, "idempotency_key": r.idempotency_key or None,
            "public_consent": r.public_consent, "public_withheld": r.public_withheld}


def _instrument_projection(r: InstrumentRecord) -> dict[str, Any]:
    return {"version": r.version, "kind": r.kind.value, "issuer": r.issuer, "title": r.title[:200],
            "state": r.state, "issued_at": r.issued_at, "due_at": r.due}


@dataclass(frozen=True)
class _Kind:
    name: str  # "case" / "instrument": the word said in a finding
    stream: str  # the envelope's "stream" ("" for cases)
    aggregate: type[Aggregate[Any, Any]]
    decode: Callable[[dict[str, Any]], Any]
    project: Callable[[Any], dict[str, Any]]


CASES = _Kind("case", "", Case, case_events.from_payload, _case_projection)
INSTRUMENTS = _Kind("instrument", "instrument", Instrument, instrument_events.from_payload,
                    _instrument_projection)
BOOLEANS = frozenset({"is_open", "public_consent", "public_withheld"})


def _text(value: object) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "…"


def _moment(value: Any) -> datetime | None:
    """A stored time as an aware datetime: SQLite's text is UTC without zone."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _same_time(text: object, moment: datetime, column: Any) -> bool:
    """Whether the row's time is the event's: SQLite's ``YYYY-MM-DD HH:MM:SS.ffffff`` against the
    event's ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` as text (nothing parsed), else as moments."""
    if (isinstance(column, str) and isinstance(text, str) and len(column) == 26
            and text == f"{column[:10]}T{column[11:]}Z"):
        return True
    return _moment(column) == moment


class Coverage:
    """Which entries of ``[start, size)`` a stored event was found for (each exactly once)."""

    def __init__(self, start: int, size: int) -> None:
        self.start, self.size = start, size
        self.seen = bytearray(max(0, size - start))

    def mark(self, index: int) -> bool:
        """Note ``index``; False if another event claimed it already."""
        if not self.start <= index < self.size:
            return True
        position = index - self.start
        if self.seen[position]:
            return False
        self.seen[position] = 1
        return True

    def first_missing(self) -> int | None:
        position = self.seen.find(0)
        return None if position < 0 else self.start + position


class StateCheck:
    """One pass over the aggregates of one kind; ``run`` returns the first finding or None."""

    def __init__(self, kind: _Kind, coverage: Coverage, hash_new: HashFactory,
                 follow: Callable[[str], StreamFollower | None] | None = None) -> None:
        self.kind, self.coverage, self.hash_new = kind, coverage, hash_new
        self.follow = follow
        """Where given, what checks each stream's derived rows (the 事实表) as it is replayed."""
        self.followed: set[str] = set()
        self.derived: DerivedMismatch | None = None
        """The first disagreement of a derived row: named after every stream and projection."""
        self.events = self.aggregates = 0

    def finding(self, aggregate_id: str, version: int | None, name: str, expected: object,
                found: object, index: int | None = None) -> Finding:
        return Finding("state_mismatch", {"kind": self.kind.name, "id": aggregate_id,
                                          "version": "—" if version is None else str(version),
                                          "field": name, "expected": _text(expected),
                                          "found": _text(found)}, index)

    def run(self, rows: Iterator[AggregateRows],
            members: Iterator[MemberRow] | None = None) -> Finding | None:
        pending: MemberRow | None = next(members, None) if members is not None else None
        for aggregate_id, columns, salt, events in rows:
            self.aggregates += 1
            problem, record = self.replay(aggregate_id, salt, events)
            if problem is not None:
                return problem
            if columns is not None:
                problem = self.projection(aggregate_id, record, columns)
                if problem is not None:
                    return problem
            if members is not None:
                found: dict[str, str] = {}
                while pending is not None and pending[0] == aggregate_id:
                    found[pending[1]] = pending[2]
                    pending = next(members, None)
                expected = {code: m.role.value for code, m in record.team.items() if m.active}
                if found != expected:
                    name = next(iter(sorted(set(found) ^ set(expected)
                                            | {c for c in found if found[c] != expected.get(c)})))
                    return self.finding(aggregate_id, record.version, f"member {name}",
                                        expected.get(name), found.get(name))
        if pending is not None:
            return self.finding(pending[0], None, f"member {pending[1]}", None, pending[2])
        return None

    def replay(self, aggregate_id: str, salt: bytes | None,
               events: Sequence[Any]) -> tuple[Finding | None, Any]:
        kind = self.kind
        record = kind.aggregate.record_type(aggregate_id)
        apply = kind.aggregate.apply
        follower = self.follow(aggregate_id) if self.follow is not None else None
        for position, (version, seq, type_, at, actor, payload, index, leaf, derived) in enumerate(events, 1):
            self.events += 1
            if version != position:
                return self.finding(aggregate_id, version, "version", position, version), record
            if leaf is None or index is None:
                return self.finding(aggregate_id, version, "ledger entry", "#?", None), record
            if not self.coverage.mark(index):
                return self.finding(aggregate_id, version, "ledger entry", "—", f"#{index}", index), record
            stored = json.loads(payload)
            if kind.stream or not case_leaf_matches(leaf, payload, seq, stored, salt, self.hash_new):
                problem = self.leaf(aggregate_id, version, seq, stored, salt, index, leaf)
                if problem is not None:
                    return problem, record
            try:
                event = kind.decode(stored)
            except Exception as exc:  # a payload the codec cannot read is a mismatch, not a crash
                return self.finding(aggregate_id, version, "payload", "an event", repr(exc), index), record
            if (stored.get("type") != type_ or stored.get("actor") != actor
                    or event.aggregate_id != aggregate_id or not _same_time(stored.get("at"), event.at, at)):
                return self.columns(aggregate_id, version, index, stored, event, type_, actor, at), record
            apply(record, event)
            if follower is not None:
                follower.step(record, event, derived)
        if follower is not None:
            self.followed.add(aggregate_id)
            if self.derived is None:
                self.derived = follower.end()
        return None, record

    def columns(self, aggregate_id: str, version: int, index: int, stored: dict[str, Any], event: Any,
                type_: str, actor: str, at: Any) -> Finding:
        """The first of the row's own columns that disagrees with the event its leaf records."""
        found_at = _moment(at)
        checks: tuple[tuple[str, Any, Any], ...] = (
            ("type", stored.get("type"), type_), ("actor", stored.get("actor"), actor),
            ("at", event.at.isoformat(), found_at.isoformat() if found_at else None),
            ("aggregate", aggregate_id, event.aggregate_id))
        name, expected, found = next((c for c in checks if c[1] != c[2]), checks[2])
        return self.finding(aggregate_id, version, name, expected, found, index)

    def leaf(self, aggregate_id: str, version: int, seq: int, stored: dict[str, Any], salt: bytes | None,
             index: int, leaf: bytes) -> Finding | None:
        """The slow path: the leaf parsed and compared with the stored event member by member."""
        try:
            document = json.loads(leaf)
            recorded = dict(document["event"])
        except (ValueError, KeyError, TypeError):
            return self.finding(aggregate_id, version, "leaf", "a signed envelope", _text(leaf), index)
        checks: list[tuple[str, object, object]] = [("seq", document.get("seq"), seq),
                                                    ("stream", document.get("stream", ""), self.kind.stream)]
        commitments = document.get("commitments")
        shown = dict(stored)
        if isinstance(commitments, dict):
            for name in commitments:
                shown.pop(name, None)
            if salt is not None:  # a salt deleted is an erasure: the commitments are meaningless
                _, made = conceal(stored, tuple(commitments), salt, hash_new=self.hash_new)
                for name in sorted(commitments):  # found: the stored value that does not open it
                    if commitments[name] != made[name]:
                        return self.finding(aggregate_id, version, f"{name} (commitment)",
                                            commitments[name], stored.get(name, ""), index)
        checks += [(name, recorded.get(name), shown.get(name)) for name in sorted(set(recorded) | set(shown))]
        for name, expected, found in checks:
            if expected != found:
                return self.finding(aggregate_id, version, name, expected, found, index)
        return None

    def projection(self, aggregate_id: str, record: Any, columns: dict[str, Any]) -> Finding | None:
        for name, expected in self.kind.project(record).items():
            found = columns.get(name)
            if name in BOOLEANS and found is not None:
                found = bool(found)
            if found != expected:
                if hasattr(expected, "isoformat") or hasattr(found, "isoformat"):
                    expected, found = (v.isoformat() if v is not None else None for v in (expected, found))
                return self.finding(aggregate_id, record.version, name, expected, found)
        return None


def _accounted(rows: StateRows, start: int, coverage: Coverage) -> Finding | None:
    """The entries recorded by rows beside the log (hand-overs): each claimed once, its leaf's event
    holding what the row says."""
    for index, leaf, expected in rows.accounted(start):
        name = str(expected.get("handover", expected.get("command", expected.get("alarm", index))))
        if not coverage.mark(index):
            return Finding("state_mismatch", {"kind": "hand-over", "id": name, "version": "—",
                                              "field": "ledger entry", "expected": "—",
                                              "found": f"#{index}"}, index)
        try:
            event = json.loads(leaf).get("event", {})
        except (ValueError, AttributeError):
            event = {}
        for field_name, value in expected.items():
            found = event.get(field_name) if isinstance(event, dict) else None
            if found != value:
                return Finding("state_mismatch", {"kind": "hand-over", "id": name, "version": "—",
                                                  "field": field_name, "expected": _text(value),
                                                  "found": _text(found)}, index)
    return None


def check_state(rows: StateRows, *, start: int, size: int, hash_new: HashFactory,
                incremental: bool = False) -> StateReport:
    """Cross-check the aggregates (all of them; with ``incremental``, those the entries from
    ``start`` on record) and the entries ``[start, size)`` of the log."""
    coverage = Coverage(start, size)
    case_ids: list[str] | None = None
    instrument_ids: list[str] | None = None
    if incremental:
        case_ids, instrument_ids = rows.subjects(start)
    cases = StateCheck(CASES, coverage, hash_new, rows.follow)
    instruments = StateCheck(INSTRUMENTS, coverage, hash_new)
    problem = cases.run(rows.cases(case_ids), rows.members(case_ids))
    if problem is None:
        problem = instruments.run(rows.instruments(instrument_ids))
    derived = cases.derived if problem is None else None
    if problem is None and derived is None:
        derived = first_derived(rows, case_ids, cases.followed)
    if derived is not None:  # 事实表 and sums
        kind, aggregate_id, version, name, expected, found = derived
        problem = Finding("state_mismatch", {"kind": kind, "id": aggregate_id, "field": name,
                                             "version": "—" if version is None else str(version),
                                             "expected": expected, "found": found})
    if problem is None:
        problem = _accounted(rows, start, coverage)
    if problem is None:
        missing = coverage.first_missing()
        if missing is not None:
            problem = Finding("unrecorded_entry", {"index": str(missing)}, missing)
    return StateReport(cases.events + instruments.events, cases.aggregates + instruments.aggregates,
                       problem)
