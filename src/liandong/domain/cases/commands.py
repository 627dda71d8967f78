"""Commands: the intent of an actor, frozen. Each names the case version it saw (optimistic lock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    by: str  # the acting department code, "platform", or "reporter"


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseCommand(Command):
    case_id: str
    expected_version: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportCase(Command):
    """受理."""

    matter: str
    severity: str = "routine"
    affected: tuple[str, ...]
    description: str
    source: str = "citizen"
    reporter_name: str = ""
    reporter_phone: str = ""
    idempotency_key: str = ""
    reporter_account: str = ""
    address: str = ""
    coordinates: str = ""
    tracking_hash: str = ""  # SHA-256 of the citizen's tracking code; kept out of the record
    publish: bool = False  # the reporter agrees to publish the description, personal data removed


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchCase(CaseCommand):
    """派单."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AcknowledgeCase(CaseCommand):
    """签收."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StartHandling(CaseCommand):
    """处置."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnCase(CaseCommand):
    """退单."""

    reason: str
    disputed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class DecideReturn(CaseCommand):
    decision: str  # uphold | reassign
    lead: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RedispatchCase(CaseCommand):
    """改派."""

    lead: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestExtension(CaseCommand):
    """延期申请."""

    until: datetime
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DecideExtension(CaseCommand):
    approve: bool
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalateCase(CaseCommand):
    """提级 at the handler's request."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ShelveCase(CaseCommand):
    """挂账."""

    until: datetime
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestResource(CaseCommand):
    """资源申请 to a level above."""

    resource: str
    reason: str = ""
    approver: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DecideResource(CaseCommand):
    approve: bool
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ResumeCase(CaseCommand):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class PauseCase(CaseCommand):
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UnpauseCase(CaseCommand):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class SummonDepartments(CaseCommand):
    """吹哨."""

    departments: tuple[str, ...]
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerSummons(CaseCommand):
    """报到."""

    mode: str = "on_site"


@dataclass(frozen=True, slots=True, kw_only=True)
class RateSummoned(CaseCommand):
    department: str
    score: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportAssist(CaseCommand):
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolveCase(CaseCommand):
    """办结."""

    summary: str
    public_note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpCase(CaseCommand):
    """回访评价."""

    contacted: bool = True
    solved: bool = True
    rating: str = "satisfied"
    handler_at_fault: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseCase(CaseCommand):
    """归档."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeCase(CaseCommand):
    into: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WidenScope(CaseCommand):
    added: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReclassifyCase(CaseCommand):
    matter: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SetHeat(CaseCommand):
    heat: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckDeadlines(CaseCommand):
    """The escalation chain's clock for one case (a sweep sends one per open case)."""
