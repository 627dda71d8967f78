"""The events of a linkage instrument (each signed into the shared record like a case's)."""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from liandong.domain.errors import DomainError


@dataclass(frozen=True, slots=True, kw_only=True)
class InstrumentEvent:
    instrument_id: str
    at: datetime
    actor: str  # a department code, or "platform"

    @property
    def case_id(self) -> str:
        """The subject of the event in the shared record (instruments share it with cases)."""
        return self.instrument_id


@dataclass(frozen=True, slots=True, kw_only=True)
class Issued(InstrumentEvent):
    kind: str
    title: str
    body: str
    scope: str  # the jurisdiction it concerns
    addressees: tuple[str, ...]  # departments
    due: datetime | None = None  # responses, reports, attendance or rectification by then
    cadence_days: int = 0  # a pilot's reporting cadence
    indicators: tuple[tuple[str, str, str], ...] = ()  # (name, baseline, target) as decimal text
    subject: str = ""  # a case id or a topic
    budget_fen: int = 0  # a project's budget, in fen (no floats in signed payloads)
    evidence: tuple[str, ...] = ()  # case ids, assessment results, inspections (commend/criticise)
    read_limit_hours: int = 0  # a briefing unread after this many hours is a signal
    items: tuple[tuple[str, int], ...] = ()  # a resource request: (item, quantity)


@dataclass(frozen=True, slots=True, kw_only=True)
class Read(InstrumentEvent):
    department: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Reported(InstrumentEvent):
    """Data, progress or findings; ``figures`` are (indicator, value) as decimal text."""

    department: str
    text: str
    figures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Responded(InstrumentEvent):
    department: str
    text: str
    on_time: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskAssigned(InstrumentEvent):
    task: str
    owner: str
    title: str
    due: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskCompleted(InstrumentEvent):
    task: str
    note: str
    on_time: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskVerified(InstrumentEvent):
    task: str
    accepted: bool
    note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Attended(InstrumentEvent):
    department: str
    present: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class MinutesRecorded(InstrumentEvent):
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Decided(InstrumentEvent):
    decision: str
    reason: str
    scope: str = ""  # a pilot scaled up to a wider scope
    until: datetime | None = None  # a pilot extended


@dataclass(frozen=True, slots=True, kw_only=True)
class Promoted(InstrumentEvent):
    scope: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Adopted(InstrumentEvent):
    department: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Overdue(InstrumentEvent):
    """A response, a report, a read receipt or a task past its limit; ``escalated_to`` is the
    department now supervising it (the level above the one late)."""

    department: str
    what: str  # respond, read, task:<id>
    escalated_to: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Withdrawn(InstrumentEvent):
    reason: str


EVENT_TYPES: dict[str, type[InstrumentEvent]] = {
    cls.__name__: cls for cls in InstrumentEvent.__subclasses__()}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise DomainError("time.naive", value=str(value))
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def to_payload(event: InstrumentEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type(event).__name__}
    for f in fields(event):
        out[f.name] = _encode(getattr(event, f.name))
    return out


Decoder = Callable[[Any], Any]
_DECODERS: dict[type[InstrumentEvent], tuple[tuple[str, Decoder], ...]] = {}


def _decoder(hint: Any) -> Decoder:
    if hint is datetime:
        return lambda v: datetime.fromisoformat(v).astimezone(UTC)
    if hint == (datetime | None):
        return lambda v: None if v is None else datetime.fromisoformat(v).astimezone(UTC)
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            inner = _decoder(args[0])
            return lambda value: tuple(inner(v) for v in value)
        parts = [_decoder(a) for a in args]
        return lambda value: tuple(d(v) for v, d in zip(value, parts, strict=True))
    return lambda v: v


def from_payload(payload: dict[str, Any]) -> InstrumentEvent:
    cls = EVENT_TYPES.get(str(payload.get("type")))
    if cls is None:
        raise DomainError("event.unknown_type", value=str(payload.get("type")))
    decoders = _DECODERS.get(cls)
    if decoders is None:
        hints = typing.get_type_hints(cls)
        decoders = _DECODERS[cls] = tuple((f.name, _decoder(hints[f.name])) for f in fields(cls))
    return cls(**{name: decode(payload[name]) for name, decode in decoders if name in payload})
