"""不合理诉求认定 (issue 25 point 5): the centre rules a request unreasonable or outside government's
remit, with its reasons; the lead may appeal within a limit; the level above the centre rules on
the appeal, and that ruling is final. A case ruled so (and not overturned) leaves the rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from liandong.domain.cases.events.base import Event

FINDINGS = ("unreasonable", "out_of_remit", "reasonable")
"""不合理诉求, 超出政府职能, 合理诉求 (the last keeps the case in the rates)."""
EXCLUDING = frozenset({"unreasonable", "out_of_remit"})


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestAdjudicated(Event):
    """The centre's ruling on whether the request is reasonable and within government's remit."""

    finding: str
    reason: str
    appeal_by: datetime  # 申诉时限
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class AdjudicationAppealed(Event):
    """申诉: the lead contests the centre's ruling; ``decider`` rules on it."""

    reason: str
    decider: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealRuled(Event):
    """The ruling on the appeal (final): the centre's finding upheld, or replaced by ``finding``."""

    upheld: bool
    finding: str
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True)
class Adjudication:
    """What the record keeps of it: the finding in force, the centre's, and the appeal's course."""

    finding: str
    reason: str
    by: str
    at: datetime
    appeal_by: datetime
    appealed_at: datetime | None = None
    appeal_reason: str = ""
    decider: str = ""  # who rules on the appeal ("" until appealed)
    ruled_at: datetime | None = None
    ruling: str = ""  # the appeal ruling's reasons
    centre_finding: str = ""  # the centre's finding, when an appeal replaced it

    @property
    def excluded(self) -> bool:
        return self.finding in EXCLUDING

    @property
    def appeal_pending(self) -> bool:
        return self.appealed_at is not None and self.ruled_at is None


def _adjudicated(r: Any, e: RequestAdjudicated) -> None:
    r.adjudication = Adjudication(e.finding, e.reason, e.actor, e.at, e.appeal_by)


def _appealed(r: Any, e: AdjudicationAppealed) -> None:
    a: Adjudication = r.adjudication
    r.adjudication = Adjudication(a.finding, a.reason, a.by, a.at, a.appeal_by, e.at, e.reason, e.decider)


def _ruled(r: Any, e: AppealRuled) -> None:
    a: Adjudication = r.adjudication
    r.adjudication = Adjudication(e.finding, a.reason, a.by, a.at, a.appeal_by, a.appealed_at,
                                  a.appeal_reason, a.decider, e.at, e.reason, a.finding)


APPLY_ADJUDICATION: dict[type[Event], Any] = {
    RequestAdjudicated: _adjudicated, AdjudicationAppealed: _appealed, AppealRuled: _ruled}
