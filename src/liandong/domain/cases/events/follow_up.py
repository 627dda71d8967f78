"""After resolution: 回访, messages, verification of the call, reopening and closing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from liandong.domain.aggregate import ONLY_WHEN_SET
from liandong.domain.cases.events.base import Event


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseFollowedUp(Event):
    """回访: contact, solved or not, and the reporter's rating."""

    contacted: bool
    solved: bool
    rating: str  # satisfied, basically_satisfied, unsatisfied, none
    handler_at_fault: bool
    verify_by: datetime | None = field(default=None, metadata=ONLY_WHEN_SET)  # 回访核实时限 (the sample)
    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class MessagePosted(Event):
    """留言: a message from one member of the team to all, in the shared record (signed like every
    event) and told to every member."""

    department: str
    text: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("text",)


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpAttempted(Event):
    """A 回访 call that did not reach the reporter (未联系上): the case stays resolved and is called
    again, until the policy's number of attempts ends the follow-up as not contacted."""

    attempt: int
    note: str = ""
    free_text_fields: ClassVar[tuple[str, ...]] = ("note",)


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpVerified(Event):
    """回访核实: a second, independent call to a sampled reporter, and whether it agrees with the
    rating the first call recorded (the callback verification rate)."""

    contacted: bool
    rating: str
    agrees: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseReopened(Event):
    """重办 under the supervisor's watch."""

    supervisor: str
    due: datetime
    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseClosed(Event):
    """归档."""

    state_change: ClassVar[bool] = True
