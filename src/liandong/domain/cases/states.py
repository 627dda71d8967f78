"""The lifecycle of a case as one pure transition table (names as in 12345 practice)."""

from __future__ import annotations

from enum import StrEnum

from liandong.domain.errors import DomainError


class CaseState(StrEnum):
    RECEIVED = "received"  # 受理
    DISPATCHED = "dispatched"  # 派单
    ACKNOWLEDGED = "acknowledged"  # 签收
    IN_PROGRESS = "in_progress"  # 处置
    RESOLVED = "resolved"  # 办结
    FOLLOWED_UP = "followed_up"  # 回访
    CLOSED = "closed"  # 归档
    RETURNED = "returned"  # 退单
    SHELVED = "shelved"  # 挂账
    MERGED = "merged"  # 合并

    @property
    def is_open(self) -> bool:
        return self not in (CaseState.CLOSED, CaseState.MERGED)


class CaseAction(StrEnum):
    DISPATCH = "dispatch"  # 派单
    ACKNOWLEDGE = "acknowledge"  # 签收
    START = "start"  # 开始处置
    RETURN = "return"  # 退单
    DECIDE_RETURN = "decide_return"  # 上级裁定退单
    REDISPATCH = "redispatch"  # 改派
    REQUEST_EXTENSION = "request_extension"  # 申请延期
    DECIDE_EXTENSION = "decide_extension"  # 审批延期
    REQUEST_RESOURCE = "request_resource"  # 申请上级资源支持（人、财、物、协调）
    DECIDE_RESOURCE = "decide_resource"  # 上级资源决定
    ESCALATE = "escalate"  # 提级
    SHELVE = "shelve"  # 挂账
    RESUME = "resume"  # 恢复处置
    PAUSE = "pause"  # 等待诉求人（暂停计时）
    UNPAUSE = "unpause"
    SUMMON = "summon"  # 吹哨
    ANSWER_SUMMONS = "answer_summons"  # 报到
    RATE_SUMMONED = "rate_summoned"  # 评价报到部门
    REPORT_ASSIST = "report_assist"  # 协办反馈
    RESOLVE = "resolve"  # 办结
    FOLLOW_UP = "follow_up"  # 回访评价
    VERIFY_FOLLOW_UP = "verify_follow_up"  # 回访核实（第二次独立回访）
    MESSAGE = "message"  # 留言：团队成员之间的消息
    CLOSE = "close"  # 归档
    REOPEN = "reopen"  # 重办
    MERGE = "merge"  # 合并（重复件）
    ABSORB = "absorb"  # 接收被合并的重复件
    WIDEN = "widen"  # 影响范围扩大
    HEAT = "heat"  # 舆情热度
    SUPPORT = "support"  # 附议：附近的群众反映同一问题（"我也遇到"）
    RECLASSIFY = "reclassify"  # 改类：纠正事项类型
    TICK = "tick"  # 时限检查：提醒、催办、督办、提级、通报
    MODERATE = "moderate"  # 公开审核：把报告撤下公开栏目或恢复
    ADJUDICATE = "adjudicate"  # 不合理诉求认定（中心）
    APPEAL_ADJUDICATION = "appeal_adjudication"  # 对认定申诉
    RULE_APPEAL = "rule_appeal"  # 申诉裁定


_HANDLING = frozenset({CaseAction.SUMMON, CaseAction.ANSWER_SUMMONS, CaseAction.RATE_SUMMONED,
                       CaseAction.REPORT_ASSIST, CaseAction.REQUEST_EXTENSION,
                       CaseAction.DECIDE_EXTENSION, CaseAction.REQUEST_RESOURCE,
                       CaseAction.DECIDE_RESOURCE, CaseAction.PAUSE, CaseAction.UNPAUSE,
                       CaseAction.WIDEN, CaseAction.HEAT, CaseAction.TICK, CaseAction.ABSORB,
                       CaseAction.SUPPORT})

# state → action → next state (None: the state stays; the action still records an event).
TRANSITIONS: dict[CaseState, dict[CaseAction, CaseState | None]] = {
    CaseState.RECEIVED: {
        CaseAction.DISPATCH: CaseState.DISPATCHED, CaseAction.MERGE: CaseState.MERGED,
        CaseAction.WIDEN: None, CaseAction.HEAT: None, CaseAction.ABSORB: None, CaseAction.RECLASSIFY: None,
        CaseAction.SUPPORT: None,
    },
    CaseState.DISPATCHED: {
        CaseAction.ACKNOWLEDGE: CaseState.ACKNOWLEDGED, CaseAction.RETURN: CaseState.RETURNED,
        CaseAction.REDISPATCH: CaseState.DISPATCHED, CaseAction.ESCALATE: CaseState.DISPATCHED,
        CaseAction.MERGE: CaseState.MERGED, CaseAction.WIDEN: None, CaseAction.HEAT: None,
        CaseAction.TICK: None, CaseAction.ABSORB: None, CaseAction.SUMMON: None,
        CaseAction.ANSWER_SUMMONS: None, CaseAction.RECLASSIFY: None, CaseAction.SUPPORT: None,
    },
    CaseState.RETURNED: {
        CaseAction.DECIDE_RETURN: CaseState.DISPATCHED, CaseAction.REDISPATCH: CaseState.DISPATCHED,
        CaseAction.ESCALATE: CaseState.DISPATCHED, CaseAction.MERGE: CaseState.MERGED,
        CaseAction.HEAT: None, CaseAction.TICK: None, CaseAction.ABSORB: None, CaseAction.RECLASSIFY: None,
        CaseAction.SUPPORT: None,
    },
    CaseState.ACKNOWLEDGED: {
        CaseAction.START: CaseState.IN_PROGRESS, CaseAction.RETURN: CaseState.RETURNED,
        CaseAction.RESOLVE: CaseState.RESOLVED, CaseAction.ESCALATE: CaseState.DISPATCHED,
        CaseAction.SHELVE: CaseState.SHELVED, CaseAction.MERGE: CaseState.MERGED,
        **dict.fromkeys(_HANDLING),
    },
    CaseState.IN_PROGRESS: {
        CaseAction.RESOLVE: CaseState.RESOLVED, CaseAction.ESCALATE: CaseState.DISPATCHED,
        CaseAction.SHELVE: CaseState.SHELVED, CaseAction.MERGE: CaseState.MERGED,
        **dict.fromkeys(_HANDLING),
    },
    CaseState.SHELVED: {
        CaseAction.RESUME: CaseState.IN_PROGRESS, CaseAction.RESOLVE: CaseState.RESOLVED,
        CaseAction.ESCALATE: CaseState.DISPATCHED,
        **dict.fromkeys(_HANDLING),
    },
    CaseState.RESOLVED: {
        CaseAction.FOLLOW_UP: CaseState.FOLLOWED_UP, CaseAction.ABSORB: None,
        CaseAction.RATE_SUMMONED: None,
    },
    CaseState.FOLLOWED_UP: {
        CaseAction.CLOSE: CaseState.CLOSED, CaseAction.REOPEN: CaseState.IN_PROGRESS,
        CaseAction.RATE_SUMMONED: None, CaseAction.VERIFY_FOLLOW_UP: None,
    },
    CaseState.CLOSED: {CaseAction.VERIFY_FOLLOW_UP: None},
    CaseState.MERGED: {},
}


for _state, _moves in TRANSITIONS.items():  # 留言 while the case lives: it changes no state
    if _state not in (CaseState.CLOSED, CaseState.MERGED):
        _moves[CaseAction.MESSAGE] = None
    _moves[CaseAction.MODERATE] = None  # 公开审核 whatever the state: an archived report stays public
    if _state is not CaseState.MERGED:  # 不合理诉求认定 and its appeal, until assessed: no state change
        _moves.update(dict.fromkeys((CaseAction.ADJUDICATE, CaseAction.APPEAL_ADJUDICATION,
                                     CaseAction.RULE_APPEAL)))


def allowed_actions(state: CaseState) -> list[CaseAction]:
    return list(TRANSITIONS[state])


def next_state(state: CaseState, action: CaseAction) -> CaseState:
    """The state after ``action``; a refusal that names the state and what is allowed."""
    table = TRANSITIONS[state]
    if action not in table:
        raise DomainError("case.illegal_transition", state=state.value, action=action.value,
                          allowed=", ".join(a.value for a in table) or "—")
    target = table[action]
    return state if target is None else target
