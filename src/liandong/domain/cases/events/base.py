"""The base of a case's events (one module per stage beside it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from liandong.domain.aggregate import ONLY_WHEN_SET, DomainEvent

Member = tuple[str, str, str]
"""(department code, role, reason) of a team member."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(DomainEvent):
    case_id: str
    at: datetime
    actor: str  # a department code, "platform", or "reporter"
    claimed_at: datetime | None = field(default=None, metadata=ONLY_WHEN_SET)  # 申报时间, beside ``at``
    state_change: ClassVar[bool] = False

    @property
    def aggregate_id(self) -> str:
        return self.case_id
