"""The words of 待办 (what waits on whom) and of a case's state, shared by the web, the API's
labels and the CLI: a person reads these, never the codes."""

from __future__ import annotations

from liandong.domain.cases.states import CaseState
from liandong.domain.duties import DutyKind
from liandong.i18n import pick, words
from liandong.services.work import WorkItem

DUTY_NAMES: dict[DutyKind, tuple[str, str]] = {
    DutyKind.ACKNOWLEDGE: ("待签收", "Sign for it"),
    DutyKind.HANDLE: ("主办办理", "Handle as lead"),
    DutyKind.RESUME: ("挂账到期，恢复办理", "Shelved: resume when due"),
    DutyKind.ASSIST: ("协办反馈", "Report your assisting part"),
    DutyKind.ANSWER_SUMMONS: ("吹哨报到", "Answer the summons"),
    DutyKind.RATE_SUMMONS: ("评价报到部门", "Rate the summoned department"),
    DutyKind.DECIDE_RETURN: ("裁定退单", "Decide the return"),
    DutyKind.ARBITRATE_RETURN: ("仲裁职责争议（二次退单，裁定具约束力）",
                                "Arbitrate the disputed duty (a second return; the ruling binds)"),
    DutyKind.DECIDE_EXTENSION: ("审批延期申请", "Decide the extension request"),
    DutyKind.DECIDE_RESOURCE: ("审批资源申请", "Decide the resource request"),
    DutyKind.FOLLOW_UP: ("回访诉求人", "Follow up with the reporter"),
    DutyKind.VERIFY_FOLLOW_UP: ("回访核实（第二次独立回访）", "Verify the follow-up (a second, independent call)"),
    DutyKind.RULE_APPEAL: ("裁定对不合理诉求认定的申诉", "Rule on the appeal against the finding on the request"),
    DutyKind.RESPOND: ("答复指示批示", "Respond to the directive"),
    DutyKind.READ: ("限时阅知", "Read within the limit"),
    DutyKind.REPORT: ("报送进展", "Report progress"),
    DutyKind.ATTEND: ("参会报到", "Confirm attendance"),
    DutyKind.COMPLETE_TASK: ("完成交办任务", "Complete the assigned task"),
    DutyKind.VERIFY_TASK: ("验收任务", "Verify the completed task"),
    DutyKind.DECIDE: ("审批资源申请", "Decide the resource request"),
}
"""The action each duty expects, in words."""

STATE_NAMES: dict[str, tuple[str, str]] = {
    CaseState.RECEIVED.value: ("已受理", "Received"),
    CaseState.DISPATCHED.value: ("已派单", "Dispatched"),
    CaseState.ACKNOWLEDGED.value: ("已签收", "Signed for"),
    CaseState.IN_PROGRESS.value: ("处置中", "In progress"),
    CaseState.RESOLVED.value: ("已办结", "Resolved"),
    CaseState.FOLLOWED_UP.value: ("已回访", "Followed up"),
    CaseState.CLOSED.value: ("已归档", "Closed"),
    CaseState.RETURNED.value: ("已退单", "Returned"),
    CaseState.SHELVED.value: ("挂账", "Shelved"),
    CaseState.MERGED.value: ("已合并", "Merged"),
    "open": ("进行中", "Open"),
    "concluded": ("已办结", "Concluded"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
"""A case's (or an instrument's) state, in words."""

WORK_LIST_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "tab_duties": "待办", "tab_cases": "本单位案件", "tab_area": "辖区案件",
        "expected": "需办理", "subject": "事项", "since": "等待自", "no_deadline": "无时限",
        "waited": "已等待 {hours:.1f} 小时", "overdue_hours": "超期 {late:.1f} 小时",
        "hours_left": "剩 {left:.1f} 小时", "working_hours_left": "剩 {left:.1f} 个工作小时",
        "urgency_calm": "正常", "urgency_amber": "临近时限", "urgency_red": "已超期",
        "instrument": "联动工具", "case": "案件", "empty_duties": "没有等待本单位办理的事项",
        "empty_area": "辖区内没有进行中的案件", "of_total": "共 {total} 项", "told": "最新通知（留言、吹哨）",
        "cli_title": "{department} 的待办（共 {total} 项）", "col_subject": "事项", "col_action": "需办理",
        "col_state": "状态", "col_due": "时限（北京时间）", "col_countdown": "倒计时",
    },
    "en": {
        "tab_duties": "Waiting on us", "tab_cases": "Our cases", "tab_area": "Cases in our area",
        "expected": "Action", "subject": "Subject", "since": "Waiting since", "no_deadline": "no deadline",
        "waited": "waited {hours:.1f} h", "overdue_hours": "{late:.1f} h overdue",
        "hours_left": "{left:.1f} h left", "working_hours_left": "{left:.1f} working h left",
        "urgency_calm": "on track", "urgency_amber": "deadline near", "urgency_red": "overdue",
        "instrument": "Instrument", "case": "Case", "empty_duties": "Nothing waits on your department",
        "empty_area": "No open cases in your area", "of_total": "{total} in all", "told": "Latest notices (messages, summons)",
        "cli_title": "Waiting on {department} ({total} in all)", "col_subject": "Subject",
        "col_action": "Action", "col_state": "State", "col_due": "Due (Beijing time)",
        "col_countdown": "Countdown",
    },
}


def countdown(item: WorkItem, lang: str) -> str:
    """A row's countdown in words: hours left (working hours unless its limit runs on the clock),
    hours overdue, or — with no deadline — how long it has waited."""
    w = words(WORK_LIST_TEXT, lang)
    if item.hours_left is None:
        return w["no_deadline"]
    if item.hours_left < 0:
        return w["overdue_hours"].format(late=-item.hours_left)
    return w["hours_left" if item.clock_hours else "working_hours_left"].format(left=item.hours_left)


def duty_name(kind: DutyKind, lang: str) -> str:
    return pick(DUTY_NAMES[kind], lang)


def state_name(state: str, lang: str) -> str:
    found = STATE_NAMES.get(state)
    return pick(found, lang) if found is not None else state


FOLLOW_UP_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "回访", "tab_calls": "待回访", "tab_verify": "回访核实", "case": "案件", "matter": "事项",
        "lead": "承办单位", "reporter": "诉求人", "phone": "联系电话", "waited": "等待",
        "attempts": "已拨打 {n} 次（最多 {max} 次）", "outcome": "回访结果", "at_fault": "因承办单位原因不满意（重办）",
        "record": "记录", "done": "已记录案件 {case} 的回访结果。", "empty_calls": "没有待回访的案件",
        "empty_verify": "没有待核实的抽样案件", "of_total": "共 {total} 件",
        "verify_note": "回访核实是对抽中案件（约十分之一）的第二次独立回访：此处不显示第一次回访的评价，请如实记录诉求人此次的回答。",
        "denied_title": "无权使用回访台", "denied": "回访台仅供 12345 派单中心的工作人员使用。",
        "outcome_satisfied": "满意", "outcome_basically_satisfied": "基本满意", "outcome_unsatisfied": "不满意",
        "outcome_unreached": "未联系上",
    },
    "en": {
        "title": "Follow-up", "tab_calls": "Calls due", "tab_verify": "Verification", "case": "Case",
        "matter": "Matter", "lead": "Lead", "reporter": "Reporter", "phone": "Phone", "waited": "Waiting",
        "attempts": "{n} call(s) made (at most {max})", "outcome": "Outcome",
        "at_fault": "Unsatisfied for the handler's fault (redo)", "record": "Record",
        "done": "The follow-up of case {case} is recorded.", "empty_calls": "No cases waiting for a call",
        "empty_verify": "No sampled cases to verify", "of_total": "{total} in all",
        "verify_note": "Verification is a second, independent call to sampled cases (about one in ten): the first rating is not shown here; record what the reporter says now.",
        "denied_title": "No access to follow-up", "denied": "The follow-up queue is for the staff of the 12345 centre.",
        "outcome_satisfied": "Satisfied", "outcome_basically_satisfied": "Basically satisfied",
        "outcome_unsatisfied": "Unsatisfied", "outcome_unreached": "Not reached",
    },
}
