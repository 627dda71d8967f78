"""The events of a linkage instrument (each signed into the shared record like a case's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from liandong.domain.aggregate import ONLY_WHEN_SET, DomainEvent
from liandong.domain.codec import EventCodec


@dataclass(frozen=True, slots=True, kw_only=True)
class InstrumentEvent(DomainEvent):
    instrument_id: str
    at: datetime
    actor: str  # a department code, or "platform"
    claimed_at: datetime | None = field(default=None, metadata=ONLY_WHEN_SET)  # 申报时间, beside ``at``
    stream: ClassVar[str] = "instrument"

    @property
    def aggregate_id(self) -> str:
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
    free_text_fields: ClassVar[tuple[str, ...]] = ("title", "body", "subject", "indicators", "items")


@dataclass(frozen=True, slots=True, kw_only=True)
class Read(InstrumentEvent):
    department: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Reported(InstrumentEvent):
    """Data, progress or findings; ``figures`` are (indicator, value) as decimal text."""

    department: str
    text: str
    figures: tuple[tuple[str, str], ...] = ()
    free_text_fields: ClassVar[tuple[str, ...]] = ("text",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Responded(InstrumentEvent):
    department: str
    text: str
    on_time: bool
    free_text_fields: ClassVar[tuple[str, ...]] = ("text",)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskAssigned(InstrumentEvent):
    task: str
    owner: str
    title: str
    due: datetime
    free_text_fields: ClassVar[tuple[str, ...]] = ("title",)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskCompleted(InstrumentEvent):
    task: str
    note: str
    on_time: bool
    free_text_fields: ClassVar[tuple[str, ...]] = ("note",)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskVerified(InstrumentEvent):
    task: str
    accepted: bool
    note: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("note",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attended(InstrumentEvent):
    department: str
    present: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class MinutesRecorded(InstrumentEvent):
    text: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("text",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Decided(InstrumentEvent):
    decision: str
    reason: str
    scope: str = ""  # a pilot scaled up to a wider scope
    until: datetime | None = None  # a pilot extended
    # why the rule was departed from: an inspection closed with no rectification task (无需整改的理由),
    # a pilot scaled up below its targets (未达标仍推广的理由)
    justification: str = field(default="", metadata=ONLY_WHEN_SET)
    # a pilot scaled up below target: (department, indicator, latest value or "", target) for each gap
    shortfall: tuple[tuple[str, str, str, str], ...] = field(default=(), metadata=ONLY_WHEN_SET)
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason", "justification")


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
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


CODEC = EventCodec(InstrumentEvent)
"""The events ⇄ JSON-friendly payloads (``liandong.domain.codec``), the same for every aggregate."""
EVENT_TYPES: dict[str, type[InstrumentEvent]] = CODEC.types
to_payload = CODEC.to_payload
from_payload = CODEC.from_payload
