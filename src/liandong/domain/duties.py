"""待办: what waits on whom. Every pending duty of a case or an instrument — lead and assist work,
summons to answer, decisions to take, ratings to give, 回访 due, responses to instruments — as a
pure function of the record, so the same rows feed the web, the API and the CLI, and the stores
keep them as an index (one row per duty, ordered by deadline) in the transaction of the events.

A duty names the department that must act, the action expected of it, when it began to wait and
its deadline (None: no deadline, ordered by how long it has waited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from liandong.domain.cases.follow_up import sampled_for_verification
from liandong.domain.cases.record import CaseRecord
from liandong.domain.cases.routing import Role
from liandong.domain.cases.states import CaseState
from liandong.domain.instruments.kinds import READ_BY_LIMIT, Kind, Step
from liandong.domain.instruments.record import InstrumentRecord


class DutyKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"  # 签收 (the lead)
    HANDLE = "handle"  # 办理 (the lead, once signed for)
    RESUME = "resume"  # 挂账 until a date: resume then (the lead)
    ASSIST = "assist"  # 协办反馈 (an assisting department)
    ANSWER_SUMMONS = "answer_summons"  # 吹哨报到 (a summoned department)
    RATE_SUMMONS = "rate_summons"  # 评价报到部门 (the summoner)
    DECIDE_RETURN = "decide_return"  # 退单裁定 (the dispatcher, or the level above when disputed)
    DECIDE_EXTENSION = "decide_extension"  # 延期审批
    DECIDE_RESOURCE = "decide_resource"  # 资源审批
    FOLLOW_UP = "follow_up"  # 回访 (the centre that dispatched it)
    VERIFY_FOLLOW_UP = "verify_follow_up"  # 回访核实 (a sampled case, called a second time)
    RESPOND = "respond"  # 答复指示批示
    READ = "read"  # 阅知 (within the issuer's limit)
    REPORT = "report"  # 报送进展
    ATTEND = "attend"  # 参会报到
    COMPLETE_TASK = "complete_task"  # 完成交办任务
    VERIFY_TASK = "verify_task"  # 验收任务
    DECIDE = "decide"  # 审批资源申请


CASE, INSTRUMENT = "case", "instrument"


@dataclass(frozen=True, slots=True)
class Duty:
    subject: str  # "case" or "instrument"
    subject_id: str
    department: str
    kind: DutyKind
    since: datetime  # when it began to wait on the department
    due: datetime | None
    ref: str = ""  # what inside the subject (a task's id), when one department may owe several

    @property
    def order(self) -> datetime:
        """The inbox's order: the deadline, or for what has none, when it began to wait."""
        return self.due if self.due is not None else self.since


_HANDLING = (CaseState.DISPATCHED, CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS, CaseState.SHELVED)


def case_duties(r: CaseRecord) -> list[Duty]:
    """What a case waits for, and from whom (nothing once it is followed up, closed or merged)."""
    received = r.received_at
    if received is None or r.state is CaseState.MERGED:
        return []
    if r.state in (CaseState.FOLLOWED_UP, CaseState.CLOSED):
        sampled = r.dispatcher and r.rating and not r.verified_rating and sampled_for_verification(r.id)
        since = r.followed_up_at or received
        return [Duty(CASE, r.id, r.dispatcher, DutyKind.VERIFY_FOLLOW_UP, since, None)] if sampled else []
    found: list[Duty] = []

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
        add(r.pending_return.decider, DutyKind.DECIDE_RETURN, r.pending_return.at, None)
    elif r.state is CaseState.RESOLVED:
        add(r.dispatcher, DutyKind.FOLLOW_UP, r.last_attempt_at or r.resolved_at, None)
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
    return _once(found)


def instrument_duties(r: InstrumentRecord) -> list[Duty]:
    """What an open instrument waits for: responses, reads within a limit, progress reports,
    attendance, tasks to complete and to verify, and the decision on a resource request."""
    if not r.is_open or r.issued_at is None:
        return []
    found: list[Duty] = []
    steps, issued = r.spec.steps, r.issued_at

    def add(department: str, kind: DutyKind, since: datetime, due: datetime | None, ref: str = "") -> None:
        if department:
            found.append(Duty(INSTRUMENT, r.id, department, kind, since, due, ref))

    for code in r.addressees:
        if r.kind is Kind.DIRECTIVE and code not in r.responses:
            add(code, DutyKind.RESPOND, issued, r.due)
        if r.kind in READ_BY_LIMIT and r.read_limit_hours and code not in r.reads:
            add(code, DutyKind.READ, issued, issued + timedelta(hours=r.read_limit_hours))
        if Step.ATTEND in steps and code not in r.attendance:
            add(code, DutyKind.ATTEND, issued, r.due)
        if r.kind in (Kind.PILOT, Kind.PROJECT) and not any(e.department == code for e in r.reports):
            add(code, DutyKind.REPORT, issued, r.due)
        if r.kind is Kind.RESOURCE and r.decision is None:
            add(code, DutyKind.DECIDE, issued, r.due)
    for task in r.tasks.values():
        if task.done_at is None:
            add(task.owner, DutyKind.COMPLETE_TASK, issued, task.due, task.id)
        elif task.verified is None:
            add(r.issuer, DutyKind.VERIFY_TASK, task.done_at, None, task.id)
    return _once(found)


def _once(duties: list[Duty]) -> list[Duty]:
    """One duty per (department, kind, ref): the earliest deadline wins."""
    kept: dict[tuple[str, DutyKind, str], Duty] = {}
    for d in duties:
        key = (d.department, d.kind, d.ref)
        if key not in kept or d.order < kept[key].order:
            kept[key] = d
    return list(kept.values())


def waits_on(department: str | None, r: CaseRecord) -> bool:
    """Whether something of the case waits on ``department`` (who must decide may open what it
    decides, although it is not on the team)."""
    return bool(department) and any(d.department == department for d in case_duties(r))
