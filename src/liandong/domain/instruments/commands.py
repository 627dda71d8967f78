"""Commands on linkage instruments (政策试点, 督导巡察, 简报 …), each declared once like the case
commands: its step (the permission key), who may take it, the instrument's behaviour that decides
it, its URL below the instrument's when that is not the step (``route``), and what a person is asked
for each field. The bus binds each to its behaviour at import (``liandong.services.commands.bind``);
the REST routes and bodies (``api/instruments.py``) and the instrument page's forms
(``web/instruments_page.py``) are derived from these declarations."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from liandong.domain.declare import (
    DATETIME,
    LIST,
    NUMBER,
    SELECT,
    TEXTAREA,
    Command,
    Registry,
    declaration,
    optional,
    param,
    param_of,
    subclasses,
)
from liandong.domain.roles import StaffRole

COMMANDS = Registry("instrument")
"""The instrument commands by step."""

HANDLER, DISPATCHER, LEADER = StaffRole.HANDLER, StaffRole.DISPATCHER, StaffRole.LEADER
INSPECTOR, ASSESSOR, ADMINISTRATOR = StaffRole.INSPECTOR, StaffRole.ASSESSOR, StaffRole.ADMINISTRATOR
STAFF = frozenset(r for r in StaffRole if r is not StaffRole.CITIZEN)
OVERSEERS = {LEADER, INSPECTOR, ASSESSOR}
REASON = ("理由", "Reason")
NOTE = ("说明", "Note")
SCOPE = ("推广范围（区划代码）", "Scope to promote to (code)")
VERDICTS = (("yes", ("通过", "accept")), ("no", ("退回", "send back")))
PRESENCE = (("yes", ("出席", "present")), ("no", ("缺席", "absent")))


@dataclass(frozen=True, kw_only=True)
class InstrumentCommand(Command):
    instrument_id: str = ""
    expected_version: int | None = None


@COMMANDS.declare(slug="issue", name=("发布", "Issue"), roles={LEADER, INSPECTOR, ASSESSOR, DISPATCHER},
                  behaviour="issue", summary="发布联动事项 issue an instrument")
@dataclass(frozen=True, kw_only=True)
class Issue(InstrumentCommand):
    kind: str = param(("类型", "Kind"), kind=SELECT, max_length=16)
    title: str = param(("标题", "Title"), min_length=1, max_length=200)
    body: str = optional("", ("正文", "Text"), kind=TEXTAREA, max_length=8000)
    scope: str = param(("范围", "Scope"), min_length=2, max_length=12)
    addressees: tuple[str, ...] = param(("对象部门", "Addressees"), kind=LIST, min_length=1, max_length=200,
                                        items=48)
    due: datetime | None = optional(None, ("期限", "Due"), kind=DATETIME)
    cadence_days: int = optional(0, ("报送周期（天）", "Reporting cadence (days)"), kind=NUMBER, minimum=0,
                                 maximum=366)
    indicators: tuple[tuple[str, str, str], ...] = optional((), ("指标", "Indicators"), kind=LIST, web=False)
    subject: str = optional("", ("对象", "Subject"), max_length=64)
    budget_fen: int = optional(0, ("预算（分）", "Budget (fen)"), kind=NUMBER, minimum=0, maximum=10**15)
    evidence: tuple[str, ...] = optional((), ("依据", "Evidence"), kind=LIST, max_length=100, web=False)
    read_limit_hours: int = optional(0, ("阅知时限（小时）", "Read within (hours)"), kind=NUMBER, minimum=0,
                                     maximum=24 * 90)
    items: tuple[tuple[str, int], ...] = optional((), ("申请物资", "Items requested"), kind=LIST, web=False)


@COMMANDS.declare(slug="read", name=("已阅", "Read"), roles=STAFF, behaviour="read",
                  summary="已阅 read receipt")
@dataclass(frozen=True, kw_only=True)
class MarkRead(InstrumentCommand):
    """已阅."""


@COMMANDS.declare(slug="report", name=("报送", "Report"), roles={HANDLER, *OVERSEERS}, behaviour="report",
                  summary="报送 data, progress or findings")
@dataclass(frozen=True, kw_only=True)
class Report(InstrumentCommand):
    text: str = param(("内容", "Text"), kind=TEXTAREA, min_length=1, max_length=8000)
    figures: tuple[tuple[str, str], ...] = optional(
        (), ("数据（每行 指标=数值）", "Figures (one per line: indicator=value)"), kind=LIST, max_length=50,
        separator="=")


@COMMANDS.declare(slug="respond", name=("答复", "Respond"), roles={HANDLER, LEADER}, behaviour="respond",
                  summary="答复 respond")
@dataclass(frozen=True, kw_only=True)
class Respond(InstrumentCommand):
    text: str = param(("答复", "Response"), kind=TEXTAREA, min_length=1, max_length=8000)


@COMMANDS.declare(slug="assign", name=("交办", "Assign a task"), roles={LEADER, INSPECTOR, ASSESSOR, DISPATCHER},
                  behaviour="assign", summary="交办 assign a task", route="tasks")
@dataclass(frozen=True, kw_only=True)
class AssignTask(InstrumentCommand):
    task: str = param(("任务编号", "Task id"), min_length=1, max_length=32)
    owner: str = param(("承办部门代码", "Owner department code"), min_length=3, max_length=48)
    title: str = param(("任务内容", "Task"), min_length=1, max_length=200)
    due: datetime = param(("完成时限", "Due"), kind=DATETIME)


@COMMANDS.declare(slug="complete", name=("报完成", "Report done"), roles={HANDLER, LEADER}, behaviour="complete",
                  summary="报完成 report a task done", route="tasks/{task}/complete")
@dataclass(frozen=True, kw_only=True)
class CompleteTask(InstrumentCommand):
    task: str = param(("任务编号", "Task id"), kind=SELECT, min_length=1, max_length=32)  # the page: my open tasks
    note: str = optional("", NOTE, kind=TEXTAREA, max_length=4000)


@COMMANDS.declare(slug="verify", name=("核验", "Verify"), roles=OVERSEERS, behaviour="verify",
                  summary="核验 verify a task", route="tasks/{task}/verify")
@dataclass(frozen=True, kw_only=True)
class VerifyTask(InstrumentCommand):
    task: str = param(("任务编号", "Task id"), kind=SELECT, min_length=1, max_length=32)  # the page: tasks done
    accepted: bool = param(("核验结论", "Verdict"), kind=SELECT, choices=VERDICTS)
    note: str = optional("", NOTE, kind=TEXTAREA, max_length=4000)


@COMMANDS.declare(slug="attend", name=("出席", "Attend"), roles={HANDLER, LEADER, DISPATCHER}, behaviour="attend",
                  summary="出席 attendance")
@dataclass(frozen=True, kw_only=True)
class Attend(InstrumentCommand):
    present: bool = optional(True, ("出席情况", "Attendance"), kind=SELECT, choices=PRESENCE)


@COMMANDS.declare(slug="minutes", name=("纪要", "Minutes"), roles={LEADER, DISPATCHER, HANDLER},
                  behaviour="record_minutes", summary="纪要 minutes")
@dataclass(frozen=True, kw_only=True)
class RecordMinutes(InstrumentCommand):
    text: str = param(("纪要", "Minutes"), kind=TEXTAREA, min_length=1, max_length=8000)


@COMMANDS.declare(slug="decide", name=("决定", "Decide"), roles=OVERSEERS, behaviour="decide",
                  summary="决定 decide")
@dataclass(frozen=True, kw_only=True)
class Decide(InstrumentCommand):
    decision: str = param(("决定", "Decision"), kind=SELECT, max_length=16)  # the page: the kind's decisions
    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=4000)
    scope: str = optional("", SCOPE, max_length=12)  # a pilot scaled up
    until: datetime | None = optional(None, ("延长至", "Extend until"), kind=DATETIME)  # a pilot extended
    justification: str = optional("", ("例外说明（督查未交办整改任务即结束、试点未达标仍推广时必填）", "Justification (required to close an inspection with no rectification task, or to scale up a pilot below target)"), kind=TEXTAREA, max_length=4000)


@COMMANDS.declare(slug="promote", name=("推广", "Promote"), roles={LEADER}, behaviour="promote",
                  summary="推广 promote")
@dataclass(frozen=True, kw_only=True)
class Promote(InstrumentCommand):
    scope: str = param(SCOPE, min_length=2, max_length=12)


@COMMANDS.declare(slug="adopt", name=("采纳", "Adopt"), roles={LEADER, HANDLER}, behaviour="adopt",
                  summary="采纳 adopt")
@dataclass(frozen=True, kw_only=True)
class Adopt(InstrumentCommand):
    """采纳 a promoted experience."""


@COMMANDS.declare(slug="withdraw", name=("撤回", "Withdraw"), roles=OVERSEERS, behaviour="withdraw",
                  summary="撤回 withdraw")
@dataclass(frozen=True, kw_only=True)
class Withdraw(InstrumentCommand):
    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=4000)


@COMMANDS.declare(slug="check", name=("时限检查", "Check the deadlines"), roles={DISPATCHER, ADMINISTRATOR},
                  behaviour="check", summary="时限检查 flag what is late", route="check-deadlines")
@dataclass(frozen=True, kw_only=True)
class CheckDeadlines(InstrumentCommand):
    """时限检查."""


def _check_declared() -> None:
    """Every instrument command is declared, and every field of it (else the import fails)."""
    for cls in subclasses(InstrumentCommand):
        declaration(cls)
        for f in fields(cls):
            if f.name not in ("by", "instrument_id", "expected_version"):
                param_of(f)


_check_declared()
