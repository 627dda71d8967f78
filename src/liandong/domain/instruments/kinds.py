"""The kinds of linkage instrument: who may issue each (a governance action of the issuer's level),
in which direction it goes, and which steps its workflow has."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from liandong.domain.organisation import Action


class Kind(StrEnum):
    PILOT = "pilot"  # 政策试点
    PROJECT = "project"  # 项目发包
    DIRECTIVE = "directive"  # 指示批示
    COMMENDATION = "commendation"  # 点名表扬
    CRITICISM = "criticism"  # 通报批评
    INSPECTION = "inspection"  # 督导巡察
    ASSESSMENT = "assessment"  # 考核验收
    BRIEFING = "briefing"  # 简报报送
    EXPERIENCE = "experience"  # 经验交流
    SYMPOSIUM = "symposium"  # 座谈会
    TRAINING = "training"  # 进修培训
    MEETING = "meeting"  # 会议
    RESOURCE = "resource"  # 资源申请（资源池）


class Step(StrEnum):
    READ = "read"  # 已阅 (a read receipt)
    REPORT = "report"  # 报送 data, progress or findings
    RESPOND = "respond"  # 答复 a directive
    ASSIGN = "assign"  # 交办 a task (rectification, milestone, follow-up action)
    COMPLETE = "complete"  # the owner reports a task done
    VERIFY = "verify"  # the issuer verifies a task (accepts or sends it back)
    ATTEND = "attend"  # attendance at a symposium, training or meeting
    MINUTES = "minutes"  # 纪要
    DECIDE = "decide"  # the issuer's decision (scale up, extend, stop; accept; allocate …)
    PROMOTE = "promote"  # a higher level promotes an experience to its scope
    ADOPT = "adopt"  # a department adopts a promoted experience
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class KindSpec:
    issue: Action  # the governance action the issuer's level must hold
    direction: str  # down: addressees inside the issuer's jurisdiction; up: above it; any
    steps: frozenset[Step]
    decisions: tuple[str, ...] = ()  # the decisions that conclude it (DECIDE)
    decide_action: Action | None = None  # a further action the decider must hold
    needs_due: bool = False  # a deadline is required when issued
    needs_evidence: bool = False


_ALWAYS = frozenset({Step.READ, Step.WITHDRAW})
SPECS: dict[Kind, KindSpec] = {
    Kind.PILOT: KindSpec(Action.ISSUE_PILOT, "down", _ALWAYS | {Step.REPORT, Step.DECIDE},
                         ("scale_up", "extend", "stop"), Action.EVALUATE_PILOT),
    Kind.PROJECT: KindSpec(Action.CONTRACT_PROJECT, "down",
                           _ALWAYS | {Step.REPORT, Step.ASSIGN, Step.COMPLETE, Step.VERIFY, Step.DECIDE},
                           ("accepted", "rejected"), needs_due=True),
    Kind.DIRECTIVE: KindSpec(Action.ISSUE_DIRECTIVE, "down", _ALWAYS | {Step.RESPOND}, needs_due=True),
    Kind.COMMENDATION: KindSpec(Action.COMMEND, "down", _ALWAYS, needs_evidence=True),
    Kind.CRITICISM: KindSpec(Action.CRITICISE, "down", _ALWAYS, needs_evidence=True),
    Kind.INSPECTION: KindSpec(Action.INSPECT, "down",
                              _ALWAYS | {Step.REPORT, Step.ASSIGN, Step.COMPLETE, Step.VERIFY, Step.DECIDE},
                              ("closed",), needs_due=True),
    Kind.ASSESSMENT: KindSpec(Action.ASSESS, "down",
                              _ALWAYS | {Step.REPORT, Step.ASSIGN, Step.COMPLETE, Step.VERIFY, Step.DECIDE},
                              ("published",)),
    Kind.BRIEFING: KindSpec(Action.BRIEF, "up", _ALWAYS, needs_due=True),
    Kind.EXPERIENCE: KindSpec(Action.SHARE_EXPERIENCE, "up", _ALWAYS | {Step.PROMOTE, Step.ADOPT}),
    Kind.SYMPOSIUM: KindSpec(Action.CONVENE_SYMPOSIUM, "any",
                             _ALWAYS | {Step.ATTEND, Step.MINUTES, Step.ASSIGN, Step.COMPLETE, Step.VERIFY},
                             needs_due=True),
    Kind.TRAINING: KindSpec(Action.CONVENE_TRAINING, "any",
                            _ALWAYS | {Step.ATTEND, Step.MINUTES, Step.ASSIGN, Step.COMPLETE, Step.VERIFY},
                            needs_due=True),
    Kind.MEETING: KindSpec(Action.CONVENE_MEETING, "any",
                           _ALWAYS | {Step.ATTEND, Step.MINUTES, Step.ASSIGN, Step.COMPLETE, Step.VERIFY},
                           needs_due=True),
    Kind.RESOURCE: KindSpec(Action.REQUEST_RESOURCES, "up", _ALWAYS | {Step.DECIDE, Step.REPORT},
                            ("allocated", "refused"), Action.ALLOCATE_RESOURCES, needs_due=True),
}

READ_BY_LIMIT = frozenset({Kind.BRIEFING, Kind.EXPERIENCE, Kind.COMMENDATION, Kind.CRITICISM})
"""Kinds whose addressees must read them within the issuer's limit (简报 up the chain; 经验交流 to
the level above; 通报 to those praised or criticised, who must pass it on): unread is a signal."""
