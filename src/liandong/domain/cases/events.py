"""Events: the facts of a case, frozen. The event stream is the shared record (共享记录)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from liandong.domain.aggregate import ONLY_WHEN_SET, DomainEvent
from liandong.domain.codec import EventCodec

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


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseReported(Event):
    """受理: a report taken in."""

    matter: str
    severity: str
    affected: tuple[str, ...]
    description: str
    source: str  # citizen, ngo, grid, department, hotline
    reporter_name: str = ""
    reporter_phone: str = ""
    idempotency_key: str = ""
    reporter_account: str = ""  # the citizen's account, when reported signed in
    address: str = ""
    coordinates: str = ""  # "lat,long" in WGS-84 as decimal text (no floats in signed payloads)
    state_change: ClassVar[bool] = True
    personal_fields: ClassVar[tuple[str, ...]] = ("reporter_name", "reporter_phone", "reporter_account")
    free_text_fields: ClassVar[tuple[str, ...]] = ("description", "address", "coordinates", "idempotency_key")


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicationAgreed(Event):
    """同意公开: the reporter agrees that the description, with personal data removed, may be
    shown publicly (never their name, number or address). Without it the description stays within
    the case."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactEmailGiven(Event):
    """留下邮箱: the reporter gives an e-mail address for the updates of the case. Personal data: its
    leaf carries a salted commitment, never the address (as for the phone)."""

    reporter_email: str
    personal_fields: ClassVar[tuple[str, ...]] = ("reporter_email",)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseRouted(Event):
    """The routing decision and the reasons a person can read."""

    owner: str
    owner_level: int
    lead: str
    reasons: tuple[tuple[str, ...], ...]  # (rule, *facts), rendered in the reader's language
    gap: bool
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseDispatched(Event):
    """派单 to the lead, with the acknowledgement and handling deadlines."""

    lead: str
    ack_due: datetime
    due: datetime
    limit: str
    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseAcknowledged(Event):
    """签收."""

    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class HandlingStarted(Event):
    """处置 begins."""

    state_change: ClassVar[bool] = True


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
    free_text_fields: ClassVar[tuple[str, ...]] = ("summary",)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResolved(Event):
    """办结."""

    summary: str
    public_note: str
    on_time: bool
    state_change: ClassVar[bool] = True
    free_text_fields: ClassVar[tuple[str, ...]] = ("summary", "public_note")


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseFollowedUp(Event):
    """回访: contact, solved or not, and the reporter's rating."""

    contacted: bool
    solved: bool
    rating: str  # satisfied, basically_satisfied, unsatisfied, none
    handler_at_fault: bool
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


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseMerged(Event):
    """A duplicate merged into another case."""

    into: str
    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateAbsorbed(Event):
    """The surviving case records the duplicate, so both reporters are informed."""

    duplicate: str
    reporter_name: str
    reporter_phone: str
    personal_fields: ClassVar[tuple[str, ...]] = ("reporter_name", "reporter_phone")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeWidened(Event):
    added: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MatterCorrected(Event):
    """改类: the dispatcher corrects the matter type (a label the classifier learns from)."""

    matter: str
    previous: str
    severity: str
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class HeatChanged(Event):
    """舆情热度 (0–100)."""

    heat: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderSent(Event):
    """提醒 before a deadline (``kind``: acknowledge or handle)."""

    kind: str
    due: datetime


AMBIENT_EVENTS: tuple[type[Event], ...] = (HeatChanged, ReminderSent)
"""What the platform notes about a case without changing its state, team, duties or deadlines: a
handler who saw the case before such an event has not seen it out of date (its command stands)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseUrged(Event):
    """催办 on a breach."""

    kind: str
    due: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SupervisionStarted(Event):
    """督办 by the supervising department one level up, which joins the team."""

    supervisor: str
    trigger: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationHeld(Event):
    """提级上限: a breach would hand the case above its matter's ceiling (``ceiling``, a level), so
    the owner keeps it and the department above supervises (督办) instead of taking it over."""

    ceiling: int
    supervisor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CriticismRecorded(Event):
    """通报批评 of a party, kept as assessment evidence."""

    party: str
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class RulingOverdue(Event):
    """裁定超时: a return not ruled on by its limit; the department above the decider supervises."""

    decider: str
    supervisor: str
    due: datetime


CODEC = EventCodec(Event)
"""The events ⇄ JSON-friendly payloads (``liandong.domain.codec``), the same for every aggregate."""
EVENT_TYPES: dict[str, type[Event]] = CODEC.types
to_payload = CODEC.to_payload
from_payload = CODEC.from_payload
