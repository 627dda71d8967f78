"""What a case waits for, and from whom (待办 of cases): lead and assist work, summons to answer,
decisions to take, ratings to give, 回访 due and the 回访核实 sample — a pure function of the record."""

from __future__ import annotations

import hashlib
from datetime import datetime

from liandong.domain.cases import events as ev
from liandong.domain.cases.record import CaseRecord
from liandong.domain.cases.routing import Role
from liandong.domain.cases.states import CaseState
from liandong.domain.duty_model import CASE, Duty, DutyKind, once

VERIFY_SHARE = 0.10
"""The share of followed-up cases sampled for 回访核实 (one in ten), drawn from the case id."""


def sampled_for_verification(case_id: str, share: float = VERIFY_SHARE) -> bool:
    """Whether a case is in the verification sample: a fixed draw from its id (the same on every
    node and every replay; nobody chooses which cases are checked)."""
    draw = int.from_bytes(hashlib.sha256(case_id.encode()).digest()[:4], "big") / 2**32
    return draw < share


_HANDLING = (CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS, CaseState.SHELVED)


def _appeal(r: CaseRecord) -> list[Duty]:
    """申诉裁定: an appeal against the centre's finding on the request waits on the centre's supervisor."""
    a = r.adjudication
    if a is None or not a.appeal_pending or a.appealed_at is None:
        return []
    return [Duty(CASE, r.id, a.decider, DutyKind.RULE_APPEAL, a.appealed_at, None)]


def case_duties(r: CaseRecord) -> list[Duty]:
    """What a case waits for, and from whom: once followed up (or archived) only the 回访核实 of a
    sampled case (and an appeal to rule on); nothing once merged."""
    received = r.received_at
    if received is None or r.state is CaseState.MERGED:
        return []
    if r.state in (CaseState.FOLLOWED_UP, CaseState.CLOSED):
        sampled = r.dispatcher and r.rating and not r.verified_rating and sampled_for_verification(r.id)
        if not sampled:
            return _appeal(r)
        return [Duty(CASE, r.id, r.dispatcher, DutyKind.VERIFY_FOLLOW_UP, r.followed_up_at or received,
                     r.verify_due), *_appeal(r)]
    found: list[Duty] = _appeal(r)

    def add(department: str, kind: DutyKind, since: datetime | None, due: datetime | None,
            ref: str = "") -> None:
        if department:
            found.append(Duty(CASE, r.id, department, kind, since or received, due, ref))

    started = r.dispatched_at or r.received_at
    lead = r.lead
    if r.state is CaseState.DISPATCHED:
        add(lead, DutyKind.ACKNOWLEDGE, started, r.ack_due)
    elif r.state in (CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS):
        add(lead, DutyKind.HANDLE, started, r.due)
    elif r.state is CaseState.SHELVED:
        add(lead, DutyKind.RESUME, started, r.shelved_until or r.due)
    elif r.state is CaseState.RETURNED and r.pending_return is not None:
        p = r.pending_return
        add(p.decider, DutyKind.ARBITRATE_RETURN if p.arbitration else DutyKind.DECIDE_RETURN, p.at,
            p.decide_by)
    elif r.state is CaseState.RESOLVED:
        add(r.dispatcher, DutyKind.FOLLOW_UP, r.last_attempt_at or r.resolved_at, r.follow_up_due)
    if r.state in _HANDLING:
        for code, member in r.team.items():
            if member.role is Role.ASSIST and member.active and member.reported_at is None:
                add(code, DutyKind.ASSIST, member.joined_at, r.due)
        if r.pending_extension is not None:
            add(r.pending_extension.approver, DutyKind.DECIDE_EXTENSION, r.pending_extension.at, r.due)
        if r.pending_resource is not None:
            add(r.pending_resource.approver, DutyKind.DECIDE_RESOURCE, r.pending_resource.at, r.due)
    if r.state.is_open:
        for s in r.summons.values():
            if s.answered_at is None:
                add(s.department, DutyKind.ANSWER_SUMMONS, s.issued_at, s.due)
            elif s.score is None:
                add(s.summoner, DutyKind.RATE_SUMMONS, s.answered_at, None)
    return once(found)


def waits_on(department: str | None, r: CaseRecord) -> bool:
    """Whether something of the case waits on ``department`` (who must decide may open what it
    decides, although it is not on the team)."""
    return bool(department) and any(d.department == department for d in case_duties(r))


NOTIFIED: tuple[type[ev.Event], ...] = (ev.MessagePosted, ev.SummonsIssued)
"""The events of a case that its parties are notified of (``told_of``)."""


def told_of(r: CaseRecord, e: ev.Event) -> list[str]:
    """Who is notified of an event of the case (通知, through the outbox; never the department that
    acted): a 留言 goes to every active member of the team and the dispatching centre, a summons to
    each department summoned (its half-hour runs from now)."""
    if isinstance(e, ev.MessagePosted):
        found = [code for code, member in r.team.items() if member.active]
        found += [r.dispatcher] if r.dispatcher else []
    elif isinstance(e, ev.SummonsIssued):
        found = list(e.departments)
    else:
        return []
    return [d for d in dict.fromkeys(found) if d and d != e.actor]
