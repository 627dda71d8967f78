"""Summons (吹哨报到) and the time-based escalation chain (提醒 → 催办 → 督办 → 提级 → 通报批评)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from liandong.domain.cases import events as ev
from liandong.domain.cases.case import PLATFORM, Case
from liandong.domain.cases.disputes import ruling_tick
from liandong.domain.cases.rules import Rules
from liandong.domain.cases.states import TRANSITIONS, CaseAction, CaseState
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level

SUMMONS_MODES = ("on_site", "online")


def summon(case: Case, *, by: str, departments: Sequence[str], reason: str, now: datetime,
           rules: Rules) -> None:
    """吹哨: a township or street office summons departments of its county to report in time."""
    case._check(CaseAction.SUMMON)
    r = case.record
    h = rules.router.hierarchy
    unit_code = by.rsplit("-", 1)[0]
    unit = h.get(unit_code)
    on_team = by in r.team
    in_place = any(h.is_ancestor(unit_code, a) for a in r.affected)
    if unit.level is not Level.TOWNSHIP or not (on_team or in_place):
        raise DomainError("case.summoner_not_township", actor=by)
    county = h.parent(unit_code)
    assert county is not None
    if not departments:
        raise DomainError("case.summons_empty")
    for dep in departments:
        rules.router.check_department(dep)
        if dep.rsplit("-", 1)[0] != county.code:
            raise DomainError("case.summons_outside_county", department=dep, county=county.name)
        if dep in r.summons and r.summons[dep].answered_at is None:
            raise DomainError("case.summons_pending", department=dep)
    due = now + timedelta(minutes=rules.policy.summons_minutes)
    case._emit(ev.SummonsIssued(case_id=case.id, at=now, actor=by, departments=tuple(departments),
                                due=due, reason=reason.strip()))


def answer_summons(case: Case, *, by: str, mode: str, now: datetime) -> None:
    """报到: the summoned department joins (on site or online) and stays until resolution."""
    case._check(CaseAction.ANSWER_SUMMONS)
    s = case.record.summons.get(by)
    if s is None:
        raise DomainError("case.not_summoned", department=by)
    if s.answered_at is not None:
        raise DomainError("case.summons_already_answered", department=by)
    if mode not in SUMMONS_MODES:
        raise DomainError("case.bad_mode", value=mode, allowed=", ".join(SUMMONS_MODES))
    case._emit(ev.SummonsAnswered(case_id=case.id, at=now, actor=by, department=by, mode=mode,
                                  on_time=now <= s.due))


def rate_summoned(case: Case, *, by: str, department: str, score: int, now: datetime) -> None:
    """The summoning township rates each summoned department (1–5); ratings feed assessment."""
    case._check(CaseAction.RATE_SUMMONED)
    s = case.record.summons.get(department)
    if s is None or s.answered_at is None:
        raise DomainError("case.not_summoned", department=department)
    if by != s.summoner:
        raise DomainError("case.not_allowed_actor", actor=by, who="summoner", allowed=s.summoner)
    if not 1 <= score <= 5:
        raise DomainError("case.bad_score", value=score, allowed="1–5")
    case._emit(ev.SummonedRated(case_id=case.id, at=now, actor=by, department=department, score=score))


def tick(case: Case, *, now: datetime, rules: Rules) -> list[ev.Event]:
    """Check the deadlines at ``now`` and fire the next steps of the chain that are due."""
    r = case.record
    before = len(case.pending)
    if CaseAction.TICK not in TRANSITIONS[r.state]:
        return []
    ruling_tick(case, now=now, rules=rules)  # a return not ruled on in time: 督办 of the decider
    if r.paused_at is not None or r.due is None or r.dispatched_at is None:
        return []
    if r.state is CaseState.DISPATCHED and r.ack_due is not None and now >= r.ack_due \
            and "acknowledge" not in r.urged:
        case._emit(ev.CaseUrged(case_id=case.id, at=now, actor=PLATFORM, kind="acknowledge",
                                due=r.ack_due))
    chain = rules.policy.chain(r.matter, r.severity)
    span = max(r.due - r.dispatched_at, timedelta(hours=1))
    if not r.reminded and now >= r.due - span * chain.remind_before / 100 and now < r.due:
        case._emit(ev.ReminderSent(case_id=case.id, at=now, actor=PLATFORM, kind="handle", due=r.due))
    if now >= r.due and "handle" not in r.urged:
        case._emit(ev.CaseUrged(case_id=case.id, at=now, actor=PLATFORM, kind="handle", due=r.due))
    if now >= r.due + span * chain.supervise_after / 100 and not r.supervised and r.lead:
        case._emit(ev.SupervisionStarted(case_id=case.id, at=now, actor=PLATFORM,
                                         supervisor=rules.router.supervisor_of(r.lead), trigger="breach"))
    escalating = (now >= r.due + span * chain.escalate_after / 100 and r.owner_level > Level.CENTRAL
                  and r.state is not CaseState.SHELVED and not r.held)
    if escalating and rules.above_ceiling(r):
        hold(case, now=now, rules=rules)  # 总揽不包办: the level above supervises, it does not take over
    elif escalating:
        lead = r.lead
        case._reroute(by=PLATFORM, now=now, rules=rules, trigger="breach", reason="超期未办结",
                      floor=Level(r.owner_level - 1))
        if not r.criticised:
            case._emit(ev.CriticismRecorded(case_id=case.id, at=now, actor=PLATFORM, party=lead,
                                            reason="超期未办结，提级办理"))
    return case.pending[before:]


def hold(case: Case, *, now: datetime, rules: Rules) -> None:
    """A breach above the ceiling (提级上限): the owner keeps the case; the department above it
    supervises (督办) and the lead that let it lapse is criticised (通报批评), recorded as such."""
    r = case.record
    lead = r.lead
    case._emit(ev.EscalationHeld(case_id=case.id, at=now, actor=PLATFORM, ceiling=int(rules.ceiling(r)),
                                 supervisor=rules.router.supervisor_of(lead)))
    case._emit(ev.CriticismRecorded(case_id=case.id, at=now, actor=PLATFORM, party=lead,  # once: held
                                    reason="超期未办结，已达提级上限，由上级督办"))
