"""回访 and 回访核实, and 留言 between the members of a team. The centre calls the reporter of a
resolved case — a call that does not reach
them (未联系上) is tried again up to the policy's number of attempts — and a sample of followed-up
cases is called a second time, independently, to check the rating the first call recorded."""

from __future__ import annotations

from datetime import datetime

from liandong.domain.cases import events as ev
from liandong.domain.cases.case import REPORTER, Case
from liandong.domain.cases.rules import RATINGS, Rules
from liandong.domain.cases.states import CaseAction, CaseState
from liandong.domain.cases.waiting import sampled_for_verification, waits_on
from liandong.domain.errors import DomainError


def follow_up(case: Case, *, by: str, contacted: bool, solved: bool, rating: str,
              handler_at_fault: bool, now: datetime, rules: Rules) -> None:
    """回访 by the centre that dispatched the case (or the reporter, rating it themself); an
    unsatisfied rating for a cause of the handler reopens the case (重办). A call that does not
    reach the reporter is an attempt: the case waits for the next call, until the last attempt
    ends the follow-up as not contacted (with what the caller recorded; the page records none)."""
    case._check(CaseAction.FOLLOW_UP)
    r = case.record
    if r.dispatcher:
        case._party(by, [r.dispatcher, REPORTER], "dispatcher")
    if rating not in RATINGS:
        raise DomainError("case.bad_rating", value=rating, allowed=", ".join(RATINGS))
    if not contacted and r.follow_up_attempts + 1 < rules.policy.follow_up_attempts:
        case._emit(ev.FollowUpAttempted(case_id=case.id, at=now, actor=by, attempt=r.follow_up_attempts + 1))
        return
    if not contacted:  # the last try: no one reached, so no one to reopen the case for
        handler_at_fault = False
    verify_by = (rules.calendar.deadline(now, rules.policy.verify_working_days, "wd")
                 if r.dispatcher and sampled_for_verification(r.id) else None)
    case._emit(ev.CaseFollowedUp(case_id=case.id, at=now, actor=by, contacted=contacted,
                                 solved=solved, rating=rating, handler_at_fault=handler_at_fault,
                                 verify_by=verify_by))
    if rating == "unsatisfied" and handler_at_fault:
        _, due, _ = case._clocks(now, rules)
        case._emit(ev.CaseReopened(case_id=case.id, at=now, actor=by,
                                   supervisor=rules.router.supervisor_of(r.lead), due=due))


def verify_follow_up(case: Case, *, by: str, contacted: bool, rating: str, now: datetime) -> None:
    """回访核实: the second call, by the centre, to a case of the sample, once; whether its rating
    agrees with the first call's is recorded (a reporter not reached agrees with nothing)."""
    case._check(CaseAction.VERIFY_FOLLOW_UP)
    r = case.record
    if r.dispatcher:
        case._party(by, [r.dispatcher], "dispatcher")
    if rating not in RATINGS:
        raise DomainError("case.bad_rating", value=rating, allowed=", ".join(RATINGS))
    if not sampled_for_verification(r.id):
        raise DomainError("case.not_sampled", case_id=r.id)
    if r.verified_rating:
        raise DomainError("case.already_verified", case_id=r.id)
    if r.state is CaseState.FOLLOWED_UP and not r.rating:
        raise DomainError("case.not_followed_up", case_id=r.id)
    agrees = contacted and rating == r.rating
    case._emit(ev.FollowUpVerified(case_id=case.id, at=now, actor=by, contacted=contacted,
                                   rating=rating if contacted else "none", agrees=agrees))


def post_message(case: Case, *, by: str, text: str, now: datetime) -> None:
    """留言: a member of the team (or the case's centre, or a department something of the case waits
    on) writes to all members; the message is part of the shared record."""
    case._check(CaseAction.MESSAGE)
    r = case.record
    member = by in r.team and r.team[by].active
    if not (member or by == r.dispatcher or waits_on(by, r)):
        raise DomainError("case.not_member", department=by)
    if not text.strip():
        raise DomainError("case.message_empty")
    case._emit(ev.MessagePosted(case_id=case.id, at=now, actor=by, department=by, text=text.strip()))
