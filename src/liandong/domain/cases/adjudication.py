"""不合理诉求认定 (issue 25 point 5): the centre that dispatched a case rules, with its reasons,
whether the request is unreasonable or outside government's remit; the lead may appeal within
``APPEAL_WORKING_DAYS`` working days; the level above the centre (its supervisor, ``supervisor_of``)
rules on the appeal, finally. A case whose finding in force excludes it leaves the assessment's
rates when the rules ask (``[exclusions]``) and is listed, with its rulings, in the exports.

The commands are declared here, in the case registry, so that the REST routes, the case page's
forms and the CLI reach them like every other case command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from liandong.domain.cases import events as ev
from liandong.domain.cases.case import Case
from liandong.domain.cases.command_base import COMMANDS, DISPATCHER, HANDLER, LEADER, REASON, CaseCommand
from liandong.domain.cases.events.adjudication import FINDINGS
from liandong.domain.cases.rules import Rules
from liandong.domain.cases.states import CaseAction
from liandong.domain.declare import SELECT, TEXTAREA, optional, param
from liandong.domain.errors import DomainError

APPEAL_WORKING_DAYS = 5
"""申诉时限: the lead may appeal the centre's finding within this many working days of it."""
FINDING_CHOICES = (("unreasonable", ("不合理诉求", "Unreasonable request")),
                   ("out_of_remit", ("超出政府职能", "Outside government's remit")),
                   ("reasonable", ("合理诉求（纳入考核）", "Reasonable (assessed)")))


@COMMANDS.declare(slug="adjudicate", name=("不合理诉求认定", "Adjudicate the request"), roles={DISPATCHER},
                  behaviour="adjudicate_request", action="adjudicate", who="dispatcher",
                  summary="不合理诉求认定：中心认定诉求不合理或超出政府职能，说明理由 / adjudicate a request")
@dataclass(frozen=True, slots=True, kw_only=True)
class AdjudicateRequest(CaseCommand):
    """不合理诉求认定."""

    finding: str = param(("认定", "Finding"), kind=SELECT, choices=FINDING_CHOICES)
    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)


@COMMANDS.declare(slug="adjudication-appeal", name=("对认定申诉", "Appeal the finding"),
                  roles={HANDLER, LEADER}, behaviour="appeal_adjudication", action="appeal_adjudication",
                  who="lead", summary="对不合理诉求认定申诉，由中心的上级裁定 / appeal a finding")
@dataclass(frozen=True, slots=True, kw_only=True)
class AppealAdjudication(CaseCommand):
    """申诉."""

    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)


@COMMANDS.declare(slug="appeal-ruling", name=("申诉裁定", "Rule on the appeal"), roles={LEADER, DISPATCHER},
                  behaviour="rule_appeal", action="rule_appeal", who="appeal_decider",
                  summary="申诉裁定：维持或改变中心的认定（终局） / rule on an appeal")
@dataclass(frozen=True, slots=True, kw_only=True)
class RuleAppeal(CaseCommand):
    """申诉裁定."""

    decision: str = param(("裁定", "Decision"), kind=SELECT, choices=(
        ("uphold", ("维持中心认定", "Uphold the finding")), ("overturn", ("改变认定", "Overturn"))))
    finding: str = optional("", ("改定为（改变认定时）", "New finding (when overturned)"), kind=SELECT,
                            choices=FINDING_CHOICES)
    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)


def adjudicate_request(case: Case, *, by: str, finding: str, reason: str, now: datetime,
                       rules: Rules) -> None:
    """The centre that dispatched the case rules on the request, once, with its reasons."""
    case._check(CaseAction.ADJUDICATE)
    r = case.record
    if not r.dispatcher:
        raise DomainError("case.not_dispatched", case_id=r.id)
    case._party(by, [r.dispatcher], "dispatcher")
    if finding not in FINDINGS:
        raise DomainError("case.bad_finding", value=finding, allowed=", ".join(FINDINGS))
    if not reason.strip():
        raise DomainError("case.reason_required", action="adjudicate")
    if r.adjudication is not None:
        raise DomainError("case.already_adjudicated", case_id=r.id)
    appeal_by = rules.calendar.deadline(now, APPEAL_WORKING_DAYS, "wd")
    case._emit(ev.RequestAdjudicated(case_id=case.id, at=now, actor=by, finding=finding,
                                     reason=reason.strip(), appeal_by=appeal_by))


def appeal_adjudication(case: Case, *, by: str, reason: str, now: datetime, rules: Rules) -> None:
    """The lead appeals the centre's finding within the limit, once; the centre's supervisor rules."""
    case._check(CaseAction.APPEAL_ADJUDICATION)
    r = case.record
    a = r.adjudication
    if a is None:
        raise DomainError("case.not_adjudicated", case_id=r.id)
    case._party(by, [r.lead], "lead")
    if not reason.strip():
        raise DomainError("case.reason_required", action="appeal_adjudication")
    if a.appealed_at is not None:
        raise DomainError("case.already_appealed", case_id=r.id)
    if now > a.appeal_by:
        raise DomainError("case.appeal_too_late", deadline=a.appeal_by.isoformat())
    case._emit(ev.AdjudicationAppealed(case_id=case.id, at=now, actor=by, reason=reason.strip(),
                                       decider=rules.router.supervisor_of(a.by)))


def rule_appeal(case: Case, *, by: str, decision: str, finding: str, reason: str, now: datetime) -> None:
    """The level above the centre upholds its finding or replaces it; the ruling is final."""
    case._check(CaseAction.RULE_APPEAL)
    r = case.record
    a = r.adjudication
    if a is None or not a.appeal_pending:
        raise DomainError("case.no_appeal_pending", case_id=r.id)
    case._party(by, [a.decider], "appeal_decider")
    if not reason.strip():
        raise DomainError("case.reason_required", action="rule_appeal")
    if decision == "uphold":
        new = a.finding
    elif decision == "overturn" and finding in FINDINGS and finding != a.finding:
        new = finding
    else:
        allowed = ", ".join(f for f in FINDINGS if f != a.finding)
        raise DomainError("case.bad_appeal_ruling", value=f"{decision} {finding}".strip(),
                          allowed=f"uphold; overturn with {allowed}")
    case._emit(ev.AppealRuled(case_id=case.id, at=now, actor=by, upheld=decision == "uphold", finding=new,
                              reason=reason.strip()))
