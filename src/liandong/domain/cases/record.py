"""The state of a case, derived only by applying its events in order (replay = the record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from liandong.domain.cases import events as ev
from liandong.domain.cases.events.adjudication import APPLY_ADJUDICATION, Adjudication
from liandong.domain.cases.routing import Role
from liandong.domain.cases.states import CaseState


@dataclass(slots=True)
class TeamMember:
    department: str
    role: Role
    reason: str
    joined_at: datetime
    reported_at: datetime | None = None  # an assist's part reported
    active: bool = True


@dataclass(slots=True)
class Summons:
    department: str
    summoner: str
    issued_at: datetime
    due: datetime
    answered_at: datetime | None = None
    on_time: bool | None = None
    score: int | None = None


@dataclass(slots=True)
class CaseRecord:
    id: str
    version: int = 0
    state: CaseState = CaseState.RECEIVED
    matter: str = ""
    severity: str = "routine"
    affected: tuple[str, ...] = ()
    description: str = ""
    source: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    idempotency_key: str = ""
    reporter_account: str = ""
    address: str = ""
    coordinates: str = ""
    public_consent: bool = False  # the reporter agreed to publish the (redacted) description
    public_withheld: bool = False  # 公开审核: the centre took the report off the public feed
    received_at: datetime | None = None
    owner: str = ""
    owner_level: int = -1
    floor: int | None = None  # a level set by escalation, kept across re-routing
    gap: bool = False
    reasons: tuple[tuple[str, ...], ...] = ()
    dispatcher: str = ""
    dispatched_at: datetime | None = None
    ack_due: datetime | None = None
    due: datetime | None = None
    limit: str = ""
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    team: dict[str, TeamMember] = field(default_factory=dict)
    summons: dict[str, Summons] = field(default_factory=dict)
    pending_return: ev.CaseReturned | None = None
    pending_extension: ev.ExtensionRequested | None = None
    pending_resource: ev.ResourceRequested | None = None
    paused_at: datetime | None = None
    shelved_until: datetime | None = None
    heat: int = 0
    heat_present: bool = False
    supporters: int = 0  # 附议: citizens who said "me too"
    bounces: int = 0
    returns: int = 0  # 退单 made (a second goes to arbitration)
    ruling_overdue: bool = False  # the pending return's ruling is late (督办 started)
    bound_lead: str = ""  # the lead an arbitration bound (it may not return the case again)
    redo_count: int = 0
    escalations: int = 0
    reminded: bool = False
    urged: frozenset[str] = frozenset()
    supervised: bool = False
    criticised: bool = False
    held: bool = False  # escalation held at the ceiling: supervised instead (提级上限督办)
    rating: str = ""
    followed_up_at: datetime | None = None
    follow_up_due: datetime | None = None  # 回访时限 (none on cases resolved before it was set)
    verify_due: datetime | None = None  # 回访核实时限, for a case of the sample
    follow_up_attempts: int = 0  # 回访 calls that did not reach the reporter
    last_attempt_at: datetime | None = None
    verified_rating: str = ""  # 回访核实: the second call's rating ("" until verified)
    adjudication: Adjudication | None = None  # 不合理诉求认定 and its appeal (issue 25)
    merged_into: str = ""
    duplicates: tuple[str, ...] = ()

    @property
    def lead(self) -> str:
        for code, member in self.team.items():
            if member.role is Role.LEAD and member.active:
                return code
        return ""

    def leads(self) -> list[str]:
        return [c for c, m in self.team.items() if m.role is Role.LEAD and m.active]

    def pending_assists(self) -> list[str]:
        return [c for c, m in self.team.items()
                if m.role is Role.ASSIST and m.active and m.reported_at is None]

    def members(self, role: Role) -> list[str]:
        return [c for c, m in self.team.items() if m.role is role and m.active]


def _join(r: CaseRecord, department: str, role: Role, reason: str, at: datetime) -> None:
    current = r.team.get(department)
    if current is not None and current.active:
        if role is Role.LEAD:
            current.role = Role.LEAD
        return
    r.team[department] = TeamMember(department, role, reason, at)


def _set_lead(r: CaseRecord, lead: str, at: datetime, reason: str) -> None:
    for code, member in r.team.items():
        if member.role is Role.LEAD and code != lead:
            member.role = Role.ASSIST
            member.reported_at = None
    _join(r, lead, Role.LEAD, reason, at)
    r.team[lead].role = Role.LEAD


def _reported(r: CaseRecord, e: ev.CaseReported) -> None:
    r.matter, r.severity, r.affected = e.matter, e.severity, e.affected
    r.description, r.source, r.received_at = e.description, e.source, e.at
    r.reporter_name, r.reporter_phone, r.idempotency_key = (e.reporter_name, e.reporter_phone,
                                                           e.idempotency_key)
    r.reporter_account, r.address, r.coordinates = e.reporter_account, e.address, e.coordinates
    r.state = CaseState.RECEIVED


def _routed(r: CaseRecord, e: ev.CaseRouted) -> None:
    r.owner, r.owner_level, r.gap, r.reasons = e.owner, e.owner_level, e.gap, e.reasons
    for code, role, reason in e.members:
        if Role(role) is Role.LEAD:
            _set_lead(r, code, e.at, reason)
        else:
            _join(r, code, Role(role), reason, e.at)


def _dispatched(r: CaseRecord, e: ev.CaseDispatched) -> None:
    r.state, r.dispatcher, r.dispatched_at = CaseState.DISPATCHED, e.actor, e.at
    r.ack_due, r.due, r.limit = e.ack_due, e.due, e.limit
    _set_lead(r, e.lead, e.at, "dispatch")


def _new_clocks(r: CaseRecord, at: datetime, lead: str, ack_due: datetime, due: datetime) -> None:
    r.state, r.dispatched_at, r.ack_due, r.due = CaseState.DISPATCHED, at, ack_due, due
    r.acknowledged_at = None
    r.reminded, r.urged = False, frozenset()
    _set_lead(r, lead, at, "dispatch")


def _returned(r: CaseRecord, e: ev.CaseReturned) -> None:
    r.state, r.pending_return, r.bounces = CaseState.RETURNED, e, r.bounces + 1
    r.returns, r.ruling_overdue = r.returns + 1, False


def _return_decided(r: CaseRecord, e: ev.ReturnDecided) -> None:
    r.pending_return, r.ruling_overdue = None, False
    if e.binding:
        r.bound_lead = e.lead
    _new_clocks(r, e.at, e.lead, e.ack_due, e.due)


def _redispatched(r: CaseRecord, e: ev.CaseRedispatched) -> None:
    r.pending_return, r.ruling_overdue = None, False
    r.bounces += 1
    _new_clocks(r, e.at, e.lead, e.ack_due, e.due)


def _escalated(r: CaseRecord, e: ev.CaseEscalated) -> None:
    _new_clocks(r, e.at, e.lead, e.ack_due, e.due)
    r.floor, r.escalations, r.pending_return = e.to_level, r.escalations + 1, None
    r.ruling_overdue = False
    r.supervised = False


def _extension_decided(r: CaseRecord, e: ev.ExtensionDecided) -> None:
    r.pending_extension = None
    r.due = e.due
    if e.approved:
        r.reminded, r.urged = False, frozenset()


def _summons(r: CaseRecord, e: ev.SummonsIssued) -> None:
    for dep in e.departments:
        r.summons[dep] = Summons(dep, e.actor, e.at, e.due)


def _answered(r: CaseRecord, e: ev.SummonsAnswered) -> None:
    s = r.summons[e.department]
    s.answered_at, s.on_time = e.at, e.on_time
    _join(r, e.department, Role.SUMMONED, "summons", e.at)


def _rated(r: CaseRecord, e: ev.SummonedRated) -> None:
    r.summons[e.department].score = e.score


def _assist(r: CaseRecord, e: ev.AssistReported) -> None:
    r.team[e.department].reported_at = e.at


def _resolved(r: CaseRecord, e: ev.CaseResolved) -> None:
    r.state, r.resolved_at, r.follow_up_due = CaseState.RESOLVED, e.at, e.follow_up_by


def _followed(r: CaseRecord, e: ev.CaseFollowedUp) -> None:
    r.state, r.rating, r.followed_up_at = CaseState.FOLLOWED_UP, e.rating, e.at
    r.verify_due = e.verify_by


def _attempted(r: CaseRecord, e: ev.FollowUpAttempted) -> None:
    r.follow_up_attempts, r.last_attempt_at = e.attempt, e.at


def _verified(r: CaseRecord, e: ev.FollowUpVerified) -> None:
    r.verified_rating = e.rating if e.contacted else "none"


def _reopened(r: CaseRecord, e: ev.CaseReopened) -> None:
    r.state, r.due, r.redo_count = CaseState.IN_PROGRESS, e.due, r.redo_count + 1
    r.resolved_at, r.reminded, r.urged = None, False, frozenset()
    _join(r, e.supervisor, Role.SUPERVISE, "redo", e.at)


def _unpaused(r: CaseRecord, e: ev.CaseUnpaused) -> None:
    r.paused_at, r.due = None, e.due


def _shelved(r: CaseRecord, e: ev.CaseShelved) -> None:
    r.state, r.shelved_until, r.due = CaseState.SHELVED, e.until, e.until


def _resumed(r: CaseRecord, e: ev.CaseResumed) -> None:
    r.state, r.shelved_until, r.due = CaseState.IN_PROGRESS, None, e.due


def _widened(r: CaseRecord, e: ev.ScopeWidened) -> None:
    r.affected = r.affected + tuple(c for c in e.added if c not in r.affected)


def _corrected(r: CaseRecord, e: ev.MatterCorrected) -> None:
    r.matter, r.severity = e.matter, e.severity


def _heat(r: CaseRecord, e: ev.HeatChanged) -> None:
    r.heat = e.heat


def _supervision(r: CaseRecord, e: ev.SupervisionStarted) -> None:
    _join(r, e.supervisor, Role.SUPERVISE, e.trigger, e.at)
    if e.trigger == "heat":
        r.heat_present = True
    else:
        r.supervised = True


def _held(r: CaseRecord, e: ev.EscalationHeld) -> None:
    _join(r, e.supervisor, Role.SUPERVISE, "ceiling", e.at)
    r.held = r.supervised = True


def _set(attr: str, value: object) -> Callable[[CaseRecord, ev.Event], None]:
    def apply(r: CaseRecord, _e: ev.Event) -> None:
        setattr(r, attr, value)
    return apply


def _acknowledged(r: CaseRecord, e: ev.CaseAcknowledged) -> None:
    r.state, r.acknowledged_at = CaseState.ACKNOWLEDGED, e.at


def _member(r: CaseRecord, e: ev.MemberJoined) -> None:
    _join(r, e.department, Role(e.role), e.reason, e.at)


def _lead_changed(r: CaseRecord, e: ev.LeadChanged) -> None:
    _set_lead(r, e.lead, e.at, "lead change")


def _extension_requested(r: CaseRecord, e: ev.ExtensionRequested) -> None:
    r.pending_extension = e


def _resource_requested(r: CaseRecord, e: ev.ResourceRequested) -> None:
    r.pending_resource = e


def _paused(r: CaseRecord, e: ev.CasePaused) -> None:
    r.paused_at = e.at


def _ruling_overdue(r: CaseRecord, e: ev.RulingOverdue) -> None:
    r.ruling_overdue = True
    _join(r, e.supervisor, Role.SUPERVISE, "ruling", e.at)


def _merged(r: CaseRecord, e: ev.CaseMerged) -> None:
    r.state, r.merged_into = CaseState.MERGED, e.into


def _absorbed(r: CaseRecord, e: ev.DuplicateAbsorbed) -> None:
    r.duplicates = (*r.duplicates, e.duplicate)


def _urged(r: CaseRecord, e: ev.CaseUrged) -> None:
    r.urged = r.urged | {e.kind}


APPLY: dict[type[ev.Event], Callable[[CaseRecord, Any], None]] = {
    ev.CaseReported: _reported,
    ev.PublicationAgreed: _set("public_consent", True),
    ev.PublicationWithheld: _set("public_withheld", True),
    ev.PublicationRestored: _set("public_withheld", False),
    ev.ContactEmailGiven: lambda r, e: setattr(r, "reporter_email", e.reporter_email),
    ev.CaseRouted: _routed,
    ev.CaseDispatched: _dispatched,
    ev.CaseAcknowledged: _acknowledged,
    ev.HandlingStarted: _set("state", CaseState.IN_PROGRESS),
    ev.CaseReturned: _returned,
    ev.ReturnDecided: _return_decided,
    ev.CaseRedispatched: _redispatched,
    ev.MemberJoined: _member,
    ev.LeadChanged: _lead_changed,
    ev.ExtensionRequested: _extension_requested,
    ev.ExtensionDecided: _extension_decided,
    ev.ResourceRequested: _resource_requested,
    ev.ResourceDecided: _set("pending_resource", None),
    ev.CaseEscalated: _escalated,
    ev.CaseShelved: _shelved,
    ev.CaseResumed: _resumed,
    ev.CasePaused: _paused,
    ev.CaseUnpaused: _unpaused,
    ev.SummonsIssued: _summons,
    ev.SummonsAnswered: _answered,
    ev.SummonedRated: _rated,
    ev.AssistReported: _assist,
    ev.CaseResolved: _resolved,
    ev.CaseFollowedUp: _followed,
    ev.FollowUpAttempted: _attempted,
    ev.MessagePosted: lambda r, e: None,
    ev.FollowUpVerified: _verified,
    ev.CaseReopened: _reopened,
    ev.CaseClosed: _set("state", CaseState.CLOSED),
    ev.CaseMerged: _merged,
    ev.DuplicateAbsorbed: _absorbed,
    ev.ScopeWidened: _widened,
    ev.HeatChanged: _heat,
    ev.ReportSupported: lambda r, e: setattr(r, "supporters", e.supporters),
    ev.MatterCorrected: _corrected,
    ev.ReminderSent: _set("reminded", True),
    ev.CaseUrged: _urged,
    ev.SupervisionStarted: _supervision,
    ev.CriticismRecorded: _set("criticised", True),
    ev.EscalationHeld: _held,
    ev.RulingOverdue: _ruling_overdue,
    **APPLY_ADJUDICATION,
}


def apply(record: CaseRecord, event: ev.Event) -> None:
    APPLY[type(event)](record, event)
    record.version += 1

