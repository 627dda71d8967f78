"""Disputes settled on a timer (退单裁定): a return names its category and is ruled on within the
policy's limit — by the dispatcher, or the level above when disputed; a ruling not given in time is
supervised (督办) by the deadline sweep; a second return of the same case goes to arbitration by the
territorial government (its staffing office, 编办), whose ruling binds the lead it names and becomes
a proposed change of the dispatch catalogue (``catalogue_proposal``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from liandong.domain.cases import events as ev
from liandong.domain.cases.case import PLATFORM, Case
from liandong.domain.cases.record import CaseRecord
from liandong.domain.cases.rules import RETURN_CATEGORIES, Rules
from liandong.domain.cases.states import CaseAction, CaseState
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.organisation import GOVERNMENT

DECISIONS = ("uphold", "reassign")


def arbiter_of(r: CaseRecord, rules: Rules) -> str:
    """编办仲裁: the government of the case's territory — the owner's own government from the county
    up (it set its departments' duties, 三定), a township's county — acting through its leaders."""
    h = rules.router.hierarchy
    unit = h.get(r.owner)
    while unit.level > Level.COUNTY:
        parent = h.parent(unit.code)
        assert parent is not None
        unit = parent
    return f"{unit.code}-{GOVERNMENT}"


def return_case(case: Case, *, by: str, reason: str, category: str, disputed: bool, now: datetime,
                rules: Rules) -> None:
    """退单 within the return window, with its category; a disputed one is decided by the level
    above, a second one by arbitration; a lead an arbitration bound may not return it again."""
    case._check(CaseAction.RETURN)
    r = case.record
    case._party(by, [r.lead], "lead")
    if category not in RETURN_CATEGORIES:
        raise DomainError("case.bad_return_category", value=category, allowed=", ".join(RETURN_CATEGORIES))
    if not reason.strip():
        raise DomainError("case.reason_required", action="return")
    if r.bound_lead and by == r.bound_lead:
        raise DomainError("case.ruling_binds", lead=by)
    assert r.dispatched_at is not None
    window = rules.calendar.deadline(r.dispatched_at, rules.policy.return_working_days, "wd")
    if now > window:
        raise DomainError("case.return_too_late", deadline=window.isoformat())
    arbitration = r.returns >= 1
    decider = r.dispatcher
    if arbitration:
        decider = arbiter_of(r, rules)
    elif disputed:
        parent = rules.router.hierarchy.parent(r.owner)
        decider = f"{(parent or rules.router.hierarchy.root).code}-{GOVERNMENT}"
    decide_by = rules.calendar.deadline(now, rules.policy.ruling_working_days, "wd")
    case._emit(ev.CaseReturned(case_id=case.id, at=now, actor=by, reason=reason.strip(),
                               disputed=disputed or arbitration, decider=decider, category=category,
                               decide_by=decide_by, arbitration=arbitration or None))


def decide_return(case: Case, *, by: str, decision: str, lead: str | None, ruling: str = "",
                  now: datetime, rules: Rules) -> None:
    """The decider upholds the lead (back to it) or reassigns the case, recording its ruling; an
    arbitration's ruling (required in words) binds the lead it names."""
    case._check(CaseAction.DECIDE_RETURN)
    r = case.record
    pending = r.pending_return
    assert pending is not None
    case._party(by, [pending.decider], "decider")
    if decision == "uphold":
        target = r.lead
    elif decision == "reassign" and lead:
        rules.router.check_reach(by, lead, r.affected)
        target = lead
    else:
        raise DomainError("case.bad_decision", value=decision, allowed="uphold, reassign (with lead)")
    binding = bool(pending.arbitration)
    if binding and not ruling.strip():
        raise DomainError("case.ruling_required")
    ack_due, due, _ = case._clocks(now, rules)
    case._emit(ev.ReturnDecided(case_id=case.id, at=now, actor=by, decision=decision, lead=target,
                                ack_due=ack_due, due=due, ruling=ruling.strip() or None,
                                binding=binding or None))


def ruling_tick(case: Case, *, now: datetime, rules: Rules) -> None:
    """A return not ruled on by its limit: the department above the decider supervises (督办), once."""
    r = case.record
    pending = r.pending_return
    if r.state is not CaseState.RETURNED or pending is None or pending.decide_by is None:
        return
    if now < pending.decide_by or r.ruling_overdue:
        return
    case._emit(ev.RulingOverdue(case_id=case.id, at=now, actor=PLATFORM, decider=pending.decider,
                                supervisor=rules.router.supervisor_of(pending.decider),
                                due=pending.decide_by))


@dataclass(frozen=True)
class CatalogueProposal:
    """提请修订派单目录: a binding ruling on whose matter this is at a place, as a proposed change."""

    case_id: str
    matter: str
    places: tuple[str, ...]
    proposed_lead: str
    returned_by: str
    arbiter: str
    ruling: str
    category: str
    at: datetime


def catalogue_proposals(case_id: str, events: list[ev.Event]) -> list[CatalogueProposal]:
    """The proposals of one case's events: each binding ruling, with the matter and places then."""
    matter, places, found = "", tuple[str, ...](), []
    last_return: ev.CaseReturned | None = None
    for e in events:
        if isinstance(e, ev.CaseReported):
            matter, places = e.matter, e.affected
        elif isinstance(e, ev.MatterCorrected):
            matter = e.matter
        elif isinstance(e, ev.ScopeWidened):
            places = (*places, *e.added)
        elif isinstance(e, ev.CaseReturned):
            last_return = e
        elif isinstance(e, ev.ReturnDecided) and e.binding and last_return is not None:
            found.append(CatalogueProposal(case_id, matter, tuple(places), e.lead, last_return.actor,
                                           e.actor, e.ruling or "", last_return.category or "", e.at))
    return found
