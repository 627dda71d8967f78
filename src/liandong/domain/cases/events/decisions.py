"""Decisions on who handles a case: returns and rulings, redispatch, members, lead, extensions, resources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from liandong.domain.aggregate import ONLY_WHEN_SET
from liandong.domain.cases.events.base import Event


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseReturned(Event):
    """退单: the lead disputes ownership; the dispatcher or the level above decides."""

    reason: str
    disputed: bool
    decider: str
    category: str | None = field(default=None, metadata=ONLY_WHEN_SET)  # 退单理由类别 (rules)
    decide_by: datetime | None = field(default=None, metadata=ONLY_WHEN_SET)  # 裁定时限
    arbitration: bool | None = field(default=None, metadata=ONLY_WHEN_SET)  # a second return: 编办仲裁
    state_change: ClassVar[bool] = True
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnDecided(Event):
    """The decision on a return: uphold (back to the same lead) or reassign."""

    decision: str
    lead: str
    ack_due: datetime
    due: datetime
    ruling: str | None = field(default=None, metadata=ONLY_WHEN_SET)  # the recorded ruling, in words
    binding: bool | None = field(default=None, metadata=ONLY_WHEN_SET)  # an arbitration: no further return
    state_change: ClassVar[bool] = True
    free_text_fields: ClassVar[tuple[str, ...]] = ("ruling",)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseRedispatched(Event):
    """改派 to another lead; its clocks start anew."""

    lead: str
    reason: str
    ack_due: datetime
    due: datetime
    state_change: ClassVar[bool] = True
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    """A department joins the team (assist, supervise, observe, summoned)."""

    department: str
    role: str
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class LeadChanged(Event):
    """The lead changes (re-dispatch, escalation, re-routing); the old lead stays as assist."""

    lead: str
    previous: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtensionRequested(Event):
    """延期申请, to be decided by the supervising level before the deadline."""

    until: datetime
    reason: str
    approver: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtensionDecided(Event):
    approved: bool
    due: datetime  # the deadline in force after the decision
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceRequested(Event):
    """The lead asks a level above for a resource decision (funds, people, equipment, a
    coordination); the handling deadline keeps running, so the wait is on the record."""

    approver: str
    resource: str
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("resource", "reason")


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceDecided(Event):
    approved: bool
    note: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("note",)
