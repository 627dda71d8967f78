"""The shape of 待办 (what waits on whom), shared by cases and instruments: a duty names the
department that must act, the action expected of it, when it began to wait and its deadline
(None: no deadline, ordered by how long it has waited). ``domain.duties`` says which duties each
record owes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DutyKind(StrEnum):
    ACKNOWLEDGE = "acknowledge"  # 签收 (the lead)
    HANDLE = "handle"  # 办理 (the lead, once signed for)
    RESUME = "resume"  # 挂账 until a date: resume then (the lead)
    ASSIST = "assist"  # 协办反馈 (an assisting department)
    ANSWER_SUMMONS = "answer_summons"  # 吹哨报到 (a summoned department)
    RATE_SUMMONS = "rate_summons"  # 评价报到部门 (the summoner)
    DECIDE_RETURN = "decide_return"  # 退单裁定 (the dispatcher, or the level above when disputed)
    ARBITRATE_RETURN = "arbitrate_return"  # 职责争议仲裁 (a second return: the territory's government, 编办)
    DECIDE_EXTENSION = "decide_extension"  # 延期审批
    DECIDE_RESOURCE = "decide_resource"  # 资源审批
    FOLLOW_UP = "follow_up"  # 回访 (the centre that dispatched it)
    VERIFY_FOLLOW_UP = "verify_follow_up"  # 回访核实 (a sampled case, called a second time)
    RULE_APPEAL = "rule_appeal"  # 申诉裁定 (不合理诉求认定 appealed: the centre's supervisor)
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


def once(duties: list[Duty]) -> list[Duty]:
    """One duty per (department, kind, ref): the earliest deadline wins."""
    kept: dict[tuple[str, DutyKind, str], Duty] = {}
    for d in duties:
        key = (d.department, d.kind, d.ref)
        if key not in kept or d.order < kept[key].order:
            kept[key] = d
    return list(kept.values())
