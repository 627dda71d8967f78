"""Handling: escalation, shelving and pauses, summons (吹哨报到), assistance, resolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from liandong.domain.aggregate import ONLY_WHEN_SET
from liandong.domain.cases.events.base import Event


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseEscalated(Event):
    """提级: the owner level is raised and routing re-runs."""

    trigger: str  # request, breach, scope
    reason: str
    from_level: int
    to_level: int
    lead: str
    ack_due: datetime
    due: datetime
    state_change: ClassVar[bool] = True
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseShelved(Event):
    """挂账: long-running works, with a due date."""

    reason: str
    until: datetime
    state_change: ClassVar[bool] = True
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResumed(Event):
    due: datetime
    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class CasePaused(Event):
    """The clock stops while waiting for the reporter."""

    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseUnpaused(Event):
    paused_seconds: int
    due: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SummonsIssued(Event):
    """吹哨: a township summons county departments, each to report by ``due``."""

    departments: tuple[str, ...]
    due: datetime
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class SummonsAnswered(Event):
    """报到: a summoned department reports (on site or online)."""

    department: str
    mode: str
    on_time: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SummonedRated(Event):
    department: str
    score: int  # 1..5


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistReported(Event):
    """An assisting department reports its part (joint closure needs every one)."""

    department: str
    summary: str
    on_time: bool
    photos: tuple[str, ...] | None = field(default=None, metadata=ONLY_WHEN_SET)  # the photos' SHA-256
    documents: tuple[str, ...] | None = field(default=None, metadata=ONLY_WHEN_SET)  # the PDFs' SHA-256
    free_text_fields: ClassVar[tuple[str, ...]] = ("summary",)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResolved(Event):
    """办结."""

    summary: str
    public_note: str
    on_time: bool
    follow_up_by: datetime | None = field(default=None, metadata=ONLY_WHEN_SET)  # 回访时限
    photos: tuple[str, ...] | None = field(default=None, metadata=ONLY_WHEN_SET)  # the photos' SHA-256
    documents: tuple[str, ...] | None = field(default=None, metadata=ONLY_WHEN_SET)  # the PDFs' SHA-256
    state_change: ClassVar[bool] = True
    free_text_fields: ClassVar[tuple[str, ...]] = ("summary", "public_note")
