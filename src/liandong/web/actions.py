"""The actions a case page offers: which one a user may take right now, its form and its command.

Offering is a courtesy (state × role × place on the team); the engine still decides, and a
refusal is shown next to the action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from liandong.domain.access import COMMAND_ROLES, Principal
from liandong.domain.cases import commands as c
from liandong.domain.cases.record import CaseRecord
from liandong.domain.cases.routing import Role
from liandong.domain.cases.states import TRANSITIONS, CaseAction
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.worktime import SHANGHAI

Form = Mapping[str, Any]


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text, textarea, select, checkboxes, datetime, number
    label: tuple[str, str]  # zh, en
    required: bool = True
    options: tuple[tuple[str, tuple[str, str]], ...] = ()


@dataclass(frozen=True)
class Action:
    key: str  # the command's name in COMMAND_ROLES (and the API path)
    engine: CaseAction
    label: tuple[str, str]
    build: Callable[[str, str, int, Form], c.Command]
    fields: tuple[Field, ...] = ()
    who: str = "lead"  # lead | dispatcher | assist | summoned | summoner | decider | approver |
    #                   resource_approver | any


def _text(form: Form, name: str) -> str:
    value = form.get(name, "")
    return str(value).strip() if not isinstance(value, list) else ""


def _many(form: Form, name: str) -> tuple[str, ...]:
    value = form.get(name, ())
    return tuple(value) if isinstance(value, list) else ((str(value),) if value else ())


def _moment(form: Form, name: str) -> datetime:
    raw = _text(form, name)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise DomainError("web.bad_datetime", value=raw) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


REASON = Field("reason", "textarea", ("理由", "Reason"))
SUMMARY = Field("summary", "textarea", ("办理情况", "What was done"))
AT_FAULT = ("因承办单位原因不满意（重办）", "Unsatisfied for the handler's fault (redo)")
RATINGS = (("satisfied", ("满意", "Satisfied")), ("basically_satisfied", ("基本满意", "Basically satisfied")),
           ("unsatisfied", ("不满意", "Unsatisfied")), ("none", ("未评价", "No rating")))

ACTIONS: tuple[Action, ...] = (
    Action("dispatch", CaseAction.DISPATCH, ("派单", "Dispatch"),
           lambda cid, by, v, f: c.DispatchCase(by=by, case_id=cid, expected_version=v), who="dispatcher"),
    Action("acknowledge", CaseAction.ACKNOWLEDGE, ("签收", "Acknowledge"),
           lambda cid, by, v, f: c.AcknowledgeCase(by=by, case_id=cid, expected_version=v)),
    Action("start", CaseAction.START, ("开始处置", "Start handling"),
           lambda cid, by, v, f: c.StartHandling(by=by, case_id=cid, expected_version=v)),
    Action("summons", CaseAction.SUMMON, ("吹哨", "Summon departments"),
           lambda cid, by, v, f: c.SummonDepartments(by=by, case_id=cid, expected_version=v,
                                                     departments=_many(f, "departments"),
                                                     reason=_text(f, "reason")),
           (Field("departments", "checkboxes", ("报到部门", "Departments to summon")),
            Field("reason", "textarea", ("事由", "Why"), required=False)), who="summoner"),
    Action("summons-answer", CaseAction.ANSWER_SUMMONS, ("报到", "Report in"),
           lambda cid, by, v, f: c.AnswerSummons(by=by, case_id=cid, expected_version=v,
                                                 mode=_text(f, "mode") or "on_site"),
           (Field("mode", "select", ("方式", "How"), options=(
               ("on_site", ("到场", "On site")), ("online", ("线上", "Online")))),), who="summoned"),
    Action("assist-report", CaseAction.REPORT_ASSIST, ("协办反馈", "Report my part"),
           lambda cid, by, v, f: c.ReportAssist(by=by, case_id=cid, expected_version=v,
                                                summary=_text(f, "summary")), (SUMMARY,), who="assist"),
    Action("resolve", CaseAction.RESOLVE, ("办结", "Resolve"),
           lambda cid, by, v, f: c.ResolveCase(by=by, case_id=cid, expected_version=v,
                                               summary=_text(f, "summary"),
                                               public_note=_text(f, "public_note")),
           (SUMMARY, Field("public_note", "textarea", ("公开答复", "Public reply"), required=False))),
    Action("return", CaseAction.RETURN, ("退单", "Return"),
           lambda cid, by, v, f: c.ReturnCase(by=by, case_id=cid, expected_version=v,
                                              reason=_text(f, "reason"),
                                              disputed=bool(_text(f, "disputed"))),
           (REASON, Field("disputed", "checkbox", ("有争议，请上级裁定", "Disputed: the level above decides"),
                          required=False))),
    Action("resource", CaseAction.REQUEST_RESOURCE, ("申请资源支持", "Ask for a resource"),
           lambda cid, by, v, f: c.RequestResource(by=by, case_id=cid, expected_version=v,
                                                   resource=_text(f, "resource"), reason=_text(f, "reason")),
           (Field("resource", "text", ("所需资源", "Resource needed")), REASON)),
    Action("resource-decision", CaseAction.DECIDE_RESOURCE, ("决定资源申请", "Decide the resource request"),
           lambda cid, by, v, f: c.DecideResource(by=by, case_id=cid, expected_version=v,
                                                  approve=_text(f, "approve") == "yes",
                                                  note=_text(f, "reason")),
           (Field("approve", "select", ("决定", "Decision"), options=(
               ("yes", ("同意", "Approve")), ("no", ("不同意", "Refuse")))),
            Field("reason", "textarea", ("意见", "Comment"), required=False)), who="resource_approver"),
    Action("escalate", CaseAction.ESCALATE, ("提级", "Escalate"),
           lambda cid, by, v, f: c.EscalateCase(by=by, case_id=cid, expected_version=v,
                                                reason=_text(f, "reason")), (REASON,)),
    Action("extension", CaseAction.REQUEST_EXTENSION, ("申请延期", "Request an extension"),
           lambda cid, by, v, f: c.RequestExtension(by=by, case_id=cid, expected_version=v,
                                                    until=_moment(f, "until"), reason=_text(f, "reason")),
           (Field("until", "datetime", ("延至", "Until")), REASON)),
    Action("extension-decision", CaseAction.DECIDE_EXTENSION, ("审批延期", "Decide the extension"),
           lambda cid, by, v, f: c.DecideExtension(by=by, case_id=cid, expected_version=v,
                                                   approve=_text(f, "approve") == "yes",
                                                   reason=_text(f, "reason")),
           (Field("approve", "select", ("决定", "Decision"), options=(
               ("yes", ("同意", "Approve")), ("no", ("不同意", "Refuse")))),
            Field("reason", "textarea", ("意见", "Comment"), required=False)), who="approver"),
    Action("return-decision", CaseAction.DECIDE_RETURN, ("裁定退单", "Decide the return"),
           lambda cid, by, v, f: c.DecideReturn(by=by, case_id=cid, expected_version=v,
                                                decision=_text(f, "decision"), lead=_text(f, "lead") or None),
           (Field("decision", "select", ("裁定", "Decision"), options=(
               ("uphold", ("维持原承办单位", "Uphold the lead")),
               ("reassign", ("改由其他单位", "Reassign")))),
            Field("lead", "text", ("新承办单位代码", "New lead department code"), required=False)),
           who="decider"),
    Action("follow-up", CaseAction.FOLLOW_UP, ("回访", "Follow up"),
           lambda cid, by, v, f: c.FollowUpCase(by=by, case_id=cid, expected_version=v, contacted=True,
                                                solved=_text(f, "rating") != "unsatisfied",
                                                rating=_text(f, "rating") or "none",
                                                handler_at_fault=bool(_text(f, "at_fault"))),
           (Field("rating", "select", ("诉求人评价", "The reporter's rating"), options=RATINGS),
            Field("at_fault", "checkbox", AT_FAULT, required=False)), who="dispatcher"),
    Action("reclassify", CaseAction.RECLASSIFY, ("改类", "Correct the matter type"),
           lambda cid, by, v, f: c.ReclassifyCase(by=by, case_id=cid, expected_version=v,
                                                  matter=_text(f, "matter"), reason=_text(f, "reason")),
           (Field("matter", "matter", ("事项类型", "Matter type")),
            Field("reason", "textarea", ("理由", "Reason"), required=False)), who="dispatcher"),
    Action("close", CaseAction.CLOSE, ("归档", "Archive"),
           lambda cid, by, v, f: c.CloseCase(by=by, case_id=cid, expected_version=v), who="dispatcher"),
)
BY_KEY = {a.key: a for a in ACTIONS}


def offered(user: Principal, r: CaseRecord, hierarchy: HierarchyIndex) -> list[Action]:
    """The actions this user may take on this case now."""
    dept = user.department
    if dept is None:
        return []
    allowed = TRANSITIONS[r.state]
    out = []
    for action in ACTIONS:
        if action.engine not in allowed or not (user.roles & COMMAND_ROLES[action.key]):
            continue
        if _actor_fits(action.who, dept, r, hierarchy):
            out.append(action)
    return out


def _actor_fits(who: str, dept: str, r: CaseRecord, hierarchy: HierarchyIndex) -> bool:
    unit = dept.rpartition("-")[0]
    if who == "lead":
        return dept == r.lead
    if who == "dispatcher":
        return dept == r.dispatcher or (not r.dispatcher and any(
            hierarchy.is_ancestor(unit, a) for a in r.affected) and dept.endswith("-gov"))
    if who == "assist":
        member = r.team.get(dept)
        return (member is not None and member.role is Role.ASSIST and member.active
                and member.reported_at is None)
    if who == "summoned":
        s = r.summons.get(dept)
        return s is not None and s.answered_at is None
    if who == "summoner":
        return (hierarchy.get(unit).level is Level.TOWNSHIP
                and (dept in r.team or any(hierarchy.is_ancestor(unit, a) for a in r.affected)))
    if who == "decider":
        return r.pending_return is not None and r.pending_return.decider == dept
    if who == "approver":
        return r.pending_extension is not None and r.pending_extension.approver == dept
    if who == "resource_approver":
        return r.pending_resource is not None and r.pending_resource.approver == dept
    return True


def summonable(dept: str, hierarchy: HierarchyIndex, departments: list[str]) -> list[str]:
    """The county departments a township office may summon (its own county's)."""
    county = hierarchy.parent(dept.rpartition("-")[0])
    return [d for d in departments if county is not None and d.rpartition("-")[0] == county.code]
