"""Commands: the intent of an actor, frozen. Each names the case version it saw (optimistic lock).

Every command is declared once here (``declare``): its slug, who may issue it, the behaviour of the
case that decides it, and what a person is asked for each field. The REST routes, the case page's
forms, the CLI and the permission check are derived from these declarations; a command left
undeclared fails at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from liandong.domain.cases.command_base import ADMINISTRATOR as ADMINISTRATOR
from liandong.domain.cases.command_base import COMMANDS as COMMANDS
from liandong.domain.cases.command_base import DISPATCHER as DISPATCHER
from liandong.domain.cases.command_base import HANDLER as HANDLER
from liandong.domain.cases.command_base import LEADER as LEADER
from liandong.domain.cases.command_base import REASON as REASON
from liandong.domain.cases.command_base import CaseCommand as CaseCommand
from liandong.domain.declare import (
    CHECKBOX,
    CHECKBOXES,
    DATETIME,
    LIST,
    MATTER,
    NUMBER,
    PHONE,
    SELECT,
    TEXTAREA,
    check_declared,
    optional,
    param,
)
from liandong.domain.declare import Command as Command  # every aggregate's commands' base, known here too

DISPATCH_CASE, HANDLE_CASE = "dispatch_case", "handle_case"
"""The governance actions (``organisation.Action``) a case's powers need (``liandong.domain.powers``)."""
YES_NO = (("yes", ("同意", "Approve")), ("no", ("不同意", "Refuse")))
RETURN_CATEGORIES = (("not_our_duty", ("不属于本单位职责", "Not this department's duty")),
                     ("wrong_area", ("管辖区域有误", "Wrong jurisdiction")),
                     ("unclear_request", ("诉求不明确", "Request unclear")),
                     ("beyond_government", ("超出政府职能", "Beyond government's remit")))
"""退单理由类别: the codes of ``rules.RETURN_CATEGORIES`` in words (a test keeps them equal)."""
RATINGS = (("satisfied", ("满意", "Satisfied")), ("basically_satisfied", ("基本满意", "Basically satisfied")),
           ("unsatisfied", ("不满意", "Unsatisfied")), ("none", ("未评价", "No rating")))


@COMMANDS.declare(slug="report", name=("受理", "Report"), roles=set(), behaviour="report",
         summary="受理：登记一件诉求 / take in a report")
@dataclass(frozen=True, slots=True, kw_only=True)
class ReportCase(Command):
    """受理."""

    matter: str = param(("事项类型", "Matter type"), kind=MATTER, min_length=1, max_length=64)
    severity: str = optional("routine", ("事件等级", "Severity"), max_length=8)
    affected: tuple[str, ...] = param(("所涉区划", "Places"), kind=LIST, min_length=1, max_length=20, items=12)
    description: str = param(("诉求内容", "What happened"), kind=TEXTAREA, min_length=1, max_length=4000)
    source: str = optional("citizen", ("来源", "Source"), max_length=16)
    reporter_name: str = optional("", ("姓名", "Name"), max_length=64)
    reporter_phone: str = optional("", ("联系电话", "Phone"), kind=PHONE, max_length=32)
    idempotency_key: str = optional("", ("幂等键", "Idempotency key"), max_length=128, web=False, edge=True)
    reporter_account: str = optional("", ("诉求人账号", "Reporter's account"), web=False, edge=True)
    address: str = optional("", ("详细地址", "Address"), max_length=300, edge=True)
    coordinates: str = optional("", ("坐标", "Coordinates"), max_length=64, web=False, edge=True)
    tracking_hash: str = optional("", ("查询码摘要", "Tracking code digest"), web=False, edge=True)
    dispatch_by: str = optional("", ("派单中心", "Dispatched by"), web=False, edge=True,
                                help="a channel whose reports the 12345 centre dispatches at once (Open311)")
    reporter_email: str = optional("", ("电子邮箱", "E-mail"), max_length=254, web=False, edge=True)
    publish: bool = optional(False, ("同意公开描述（去除个人信息后）", "Publish the description, personal "
                                     "data removed"), kind=CHECKBOX)


@COMMANDS.declare(slug="dispatch", name=("派单", "Dispatch"), roles={DISPATCHER}, behaviour="dispatch",
         action="dispatch", who="dispatcher", power=DISPATCH_CASE, summary="派单：按路由规则交给主办单位 / dispatch by the routing rule")
@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchCase(CaseCommand):
    """派单: to the lead the routing names, or to another department within the dispatcher's reach
    (the console asks for it by name, never by code: ``web=False``)."""

    lead: str = optional("", ("改由承办单位（代码）", "Another lead (department code)"), max_length=48, web=False,
                         help="a department within reach instead of the routing's lead")


@COMMANDS.declare(slug="acknowledge", name=("签收", "Acknowledge"), roles={HANDLER}, behaviour="acknowledge",
         action="acknowledge", who="lead", summary="签收 / acknowledge")
@dataclass(frozen=True, slots=True, kw_only=True)
class AcknowledgeCase(CaseCommand):
    """签收."""


@COMMANDS.declare(slug="start", name=("开始处置", "Start handling"), roles={HANDLER}, behaviour="start",
         action="start", who="lead", summary="开始处置 / start handling")
@dataclass(frozen=True, slots=True, kw_only=True)
class StartHandling(CaseCommand):
    """处置."""


@COMMANDS.declare(slug="return", name=("退单", "Return"), roles={HANDLER}, behaviour="return_case",
         action="return", who="lead", summary="退单：不属于本单位职责 / return")
@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnCase(CaseCommand):
    """退单."""

    category: str = param(("退单理由类别", "Reason category"), kind=SELECT, choices=RETURN_CATEGORIES)
    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)
    disputed: bool = optional(False, ("有争议，请上级裁定", "Disputed: the level above decides"), kind=CHECKBOX)


@COMMANDS.declare(slug="return-decision", name=("裁定退单", "Decide the return"), roles={LEADER, DISPATCHER},
         behaviour="decide_return", action="decide_return", who="decider",
         summary="裁定退单：维持或改由其他单位 / decide a return")
@dataclass(frozen=True, slots=True, kw_only=True)
class DecideReturn(CaseCommand):
    """裁定退单."""

    decision: str = param(("裁定", "Decision"), kind=SELECT, choices=(
        ("uphold", ("维持原承办单位", "Uphold the lead")), ("reassign", ("改由其他单位", "Reassign"))))
    lead: str | None = optional(None, ("新承办单位代码", "New lead department code"), max_length=48)
    ruling: str = optional("", ("裁定意见（仲裁时必填，具有约束力）", "Ruling (required in an arbitration, binding)"),
                           kind=TEXTAREA, max_length=2000)


@COMMANDS.declare(slug="redispatch", name=("改派", "Re-dispatch"), roles={DISPATCHER}, behaviour="redispatch",
         power=DISPATCH_CASE, summary="改派：交给另一承办单位 / re-dispatch")
@dataclass(frozen=True, slots=True, kw_only=True)
class RedispatchCase(CaseCommand):
    """改派."""

    lead: str = param(("新承办单位代码", "New lead department code"), min_length=3, max_length=48)
    reason: str = optional("", REASON, kind=TEXTAREA, max_length=2000)


@COMMANDS.declare(slug="extension", name=("申请延期", "Request an extension"), roles={HANDLER},
         behaviour="request_extension", action="request_extension", who="lead",
         summary="申请延期 / request extension")
@dataclass(frozen=True, slots=True, kw_only=True)
class RequestExtension(CaseCommand):
    """延期申请."""

    until: datetime = param(("延至", "Until"), kind=DATETIME)
    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)


@COMMANDS.declare(slug="extension-decision", name=("审批延期", "Decide the extension"), roles={LEADER, DISPATCHER},
         behaviour="decide_extension", action="decide_extension", who="approver",
         summary="审批延期 / decide extension")
@dataclass(frozen=True, slots=True, kw_only=True)
class DecideExtension(CaseCommand):
    """审批延期."""

    approve: bool = param(("决定", "Decision"), kind=SELECT, choices=YES_NO)
    reason: str = optional("", ("意见", "Comment"), kind=TEXTAREA, max_length=2000)


@COMMANDS.declare(slug="escalate", name=("提级", "Escalate"), roles={HANDLER, LEADER}, behaviour="escalate",
         action="escalate", who="lead", summary="提级：请求上一级主办 / escalate")
@dataclass(frozen=True, slots=True, kw_only=True)
class EscalateCase(CaseCommand):
    """提级 at the handler's request."""

    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)


@COMMANDS.declare(slug="shelve", name=("挂账", "Shelve"), roles={HANDLER}, behaviour="shelve",
         summary="挂账：长期工程，约定完成时间 / shelve")
@dataclass(frozen=True, slots=True, kw_only=True)
class ShelveCase(CaseCommand):
    """挂账."""

    until: datetime = param(("约定完成时间", "Until"), kind=DATETIME)
    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)


@COMMANDS.declare(slug="resource", name=("申请资源支持", "Ask for a resource"), roles={HANDLER},
         behaviour="request_resource", action="request_resource", who="lead",
         summary="资源申请 ask a level above for a resource decision")
@dataclass(frozen=True, slots=True, kw_only=True)
class RequestResource(CaseCommand):
    """资源申请 to a level above."""

    resource: str = param(("所需资源", "Resource needed"), min_length=1, max_length=200,
                          help="所需资源 the resource asked for")
    reason: str = optional("", REASON, kind=TEXTAREA, max_length=2000)
    approver: str = optional("", ("决定部门", "Deciding department"), max_length=48, web=False,
                             help="决定部门 (默认上一级同系统部门) the deciding department above")


@COMMANDS.declare(slug="resource-decision", name=("决定资源申请", "Decide the resource request"),
         roles={LEADER, DISPATCHER}, behaviour="decide_resource", action="decide_resource",
         who="resource_approver", summary="资源决定 decide a resource request")
@dataclass(frozen=True, slots=True, kw_only=True)
class DecideResource(CaseCommand):
    """资源决定."""

    approve: bool = param(("决定", "Decision"), kind=SELECT, choices=YES_NO)
    reason: str = optional("", ("意见", "Comment"), kind=TEXTAREA, max_length=2000)


@COMMANDS.declare(slug="resume", name=("恢复处置", "Resume"), roles={HANDLER}, behaviour="resume",
         summary="恢复处置 resume a shelved case")
@dataclass(frozen=True, slots=True, kw_only=True)
class ResumeCase(CaseCommand):
    """恢复处置."""


@COMMANDS.declare(slug="pause", name=("暂停计时", "Pause the clock"), roles={HANDLER}, behaviour="pause",
         summary="暂停计时：等待诉求人 / pause the clock")
@dataclass(frozen=True, slots=True, kw_only=True)
class PauseCase(CaseCommand):
    """暂停计时."""

    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)


@COMMANDS.declare(slug="unpause", name=("恢复计时", "Restart the clock"), roles={HANDLER}, behaviour="unpause",
         summary="恢复计时 restart the clock")
@dataclass(frozen=True, slots=True, kw_only=True)
class UnpauseCase(CaseCommand):
    """恢复计时."""


@COMMANDS.declare(slug="summons", name=("吹哨", "Summon departments"), roles={HANDLER, LEADER}, behaviour="summon",
         action="summon", who="summoner", summary="吹哨 summon county departments")
@dataclass(frozen=True, slots=True, kw_only=True)
class SummonDepartments(CaseCommand):
    """吹哨."""

    departments: tuple[str, ...] = param(("报到部门", "Departments to summon"), kind=CHECKBOXES,
                                         min_length=1, max_length=20, items=48)
    reason: str = optional("", ("事由", "Why"), kind=TEXTAREA, max_length=2000)


@COMMANDS.declare(slug="summons-answer", name=("报到", "Report in"), roles={HANDLER}, behaviour="answer_summons",
         action="answer_summons", who="summoned", summary="报到 answer a summons")
@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerSummons(CaseCommand):
    """报到."""

    mode: str = optional("on_site", ("方式", "How"), kind=SELECT, choices=(
        ("on_site", ("到场", "On site")), ("online", ("线上", "Online"))))


@COMMANDS.declare(slug="summons-rating", name=("评价报到部门", "Rate a summoned department"),
         roles={HANDLER, LEADER}, behaviour="rate_summoned", summary="评价报到部门 rate a summoned department")
@dataclass(frozen=True, slots=True, kw_only=True)
class RateSummoned(CaseCommand):
    """评价报到部门."""

    department: str = param(("报到部门", "Department"), min_length=3, max_length=48)
    score: int = param(("评分", "Score"), kind=NUMBER, minimum=1, maximum=5)


@COMMANDS.declare(slug="assist-report", name=("协办反馈", "Report my part"), roles={HANDLER},
         behaviour="report_assist", action="report_assist", who="assist", summary="协办反馈 an assist reports")
@dataclass(frozen=True, slots=True, kw_only=True)
class ReportAssist(CaseCommand):
    """协办反馈."""

    summary: str = param(("办理情况", "What was done"), kind=TEXTAREA, min_length=1, max_length=4000)
    photos: tuple[str, ...] = optional((), ("现场照片", "Photos"), web=False, edge=True, items=64)
    documents: tuple[str, ...] = optional((), ("附件（PDF）", "Documents (PDF)"), web=False, edge=True, items=64)


@COMMANDS.declare(slug="resolve", name=("办结", "Resolve"), roles={HANDLER, LEADER}, behaviour="resolve",
         action="resolve", who="lead", summary="办结 resolve")
@dataclass(frozen=True, slots=True, kw_only=True)
class ResolveCase(CaseCommand):
    """办结."""

    summary: str = param(("办理情况", "What was done"), kind=TEXTAREA, min_length=1, max_length=4000)
    public_note: str = optional("", ("公开答复", "Public reply"), kind=TEXTAREA, max_length=2000)
    photos: tuple[str, ...] = optional((), ("现场照片", "Photos"), web=False, edge=True, items=64)
    documents: tuple[str, ...] = optional((), ("附件（PDF）", "Documents (PDF)"), web=False, edge=True, items=64)


@COMMANDS.declare(slug="follow-up", name=("回访", "Follow up"), roles={DISPATCHER}, behaviour="follow_up",
         action="follow_up", who="dispatcher", summary="回访评价 follow-up and rating")
@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUpCase(CaseCommand):
    """回访评价."""

    contacted: bool = optional(True, ("已联系诉求人", "Reporter contacted"), kind=CHECKBOX, web=False)
    solved: bool = optional(True, ("问题已解决", "Solved"), kind=CHECKBOX, web=False)
    rating: str = optional("satisfied", ("诉求人评价", "The reporter's rating"), kind=SELECT, choices=RATINGS)
    handler_at_fault: bool = optional(False, ("因承办单位原因不满意（重办）",
                                              "Unsatisfied for the handler's fault (redo)"), kind=CHECKBOX)


@COMMANDS.declare(slug="message", name=("留言", "Message the team"), roles={HANDLER, LEADER, DISPATCHER},
         behaviour="post_message", action="message", who="member",
         summary="留言 a message to every member of the team, in the shared record")
@dataclass(frozen=True, slots=True, kw_only=True)
class PostMessage(CaseCommand):
    """留言."""

    text: str = param(("留言内容", "Message"), kind=TEXTAREA, min_length=1, max_length=2000)


@COMMANDS.declare(slug="verify-follow-up", name=("回访核实", "Verify a follow-up"), roles={DISPATCHER},
         behaviour="verify_follow_up", summary="回访核实 a second, independent call to a sampled reporter")
@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyFollowUp(CaseCommand):
    """回访核实."""

    contacted: bool = optional(True, ("已联系诉求人", "Reporter contacted"), kind=CHECKBOX, web=False)
    rating: str = optional("satisfied", ("诉求人评价（核实）", "The reporter's rating (second call)"),
                           kind=SELECT, choices=RATINGS)


@COMMANDS.declare(slug="close", name=("归档", "Archive"), roles={DISPATCHER}, behaviour="close", action="close",
         who="dispatcher", summary="归档 archive")
@dataclass(frozen=True, slots=True, kw_only=True)
class CloseCase(CaseCommand):
    """归档."""


@COMMANDS.declare(slug="merge", name=("合并重复件", "Merge a duplicate"), roles={DISPATCHER}, behaviour="merge_into",
         refers=("into",), power=DISPATCH_CASE, summary="合并重复件 merge into another case")
@dataclass(frozen=True, slots=True, kw_only=True)
class MergeCase(CaseCommand):
    """合并: a duplicate into the case that carries on."""

    into: str = param(("并入案件", "Merge into case"), min_length=1, max_length=40)


@COMMANDS.declare(slug="scope", name=("扩大影响范围", "Add affected places"), roles={DISPATCHER, HANDLER},
         behaviour="widen", power=DISPATCH_CASE, lead_power=HANDLE_CASE, summary="扩大影响范围 add affected places")
@dataclass(frozen=True, slots=True, kw_only=True)
class WidenScope(CaseCommand):
    """扩大影响范围."""

    added: tuple[str, ...] = param(("新增区划", "Places added"), kind=LIST, min_length=1, max_length=20,
                                   items=12)


@COMMANDS.declare(slug="reclassify", name=("改类", "Correct the matter type"), roles={DISPATCHER},
         behaviour="reclassify", action="reclassify", who="dispatcher", summary="改类 correct the matter type")
@dataclass(frozen=True, slots=True, kw_only=True)
class ReclassifyCase(CaseCommand):
    """改类."""

    matter: str = param(("事项类型", "Matter type"), kind=MATTER, min_length=1, max_length=64,
                        help="matter type code (responsibility list)")
    reason: str = optional("", ("理由", "Reason"), kind=TEXTAREA, max_length=2000)


@COMMANDS.declare(slug="heat", name=("舆情热度", "Public-opinion heat"), roles={DISPATCHER, LEADER},
         behaviour="set_heat", summary="舆情热度 public-opinion heat")
@dataclass(frozen=True, slots=True, kw_only=True)
class SetHeat(CaseCommand):
    """舆情热度 (0–100)."""

    heat: int = param(("热度", "Heat"), kind=NUMBER, minimum=0, maximum=100)


@COMMANDS.declare(slug="support", name=("附议", "Me too"), roles={DISPATCHER}, behaviour="support",
         summary="附议：群众反映同一问题（我也遇到）/ a citizen's \"me too\" on an open report")
@dataclass(frozen=True, slots=True, kw_only=True)
class SupportCase(CaseCommand):
    """附议: a citizen's "me too" from the portal's "already reported?" list (by ``reporter``), or
    taken by the 12345 centre on the phone."""

    reporter_phone: str = optional("", ("联系电话", "Phone"), kind=PHONE, max_length=32)


@COMMANDS.declare(slug="moderate", name=("公开审核", "Moderate the public feed"), roles={DISPATCHER}, behaviour="moderate",
         action="moderate", who="dispatcher", power=DISPATCH_CASE, summary="公开审核：撤下或恢复公开 / take a report off the public feed, or put it back")
@dataclass(frozen=True, slots=True, kw_only=True)
class ModerateCase(CaseCommand):
    """公开审核: the centre takes a report off the public feed (its list, map, feeds, Open311) or puts it back, saying why."""

    shown: str = param(("公开栏目", "Public feed"), kind=SELECT, choices=(("no", ("撤下", "Take off")), ("yes", ("恢复公开", "Put back"))))
    reason: str = param(REASON, kind=TEXTAREA, min_length=1, max_length=2000)


@COMMANDS.declare(slug="check-deadlines", name=("时限检查", "Check the deadlines"), roles={DISPATCHER, ADMINISTRATOR},
         behaviour="tick", summary="时限检查 run the escalation chain")
@dataclass(frozen=True, slots=True, kw_only=True)
class CheckDeadlines(CaseCommand):
    """时限检查: the escalation chain (提醒, 催办, 督办, 提级, 通报)."""


# 不合理诉求认定 (issue 25), declared in its own module and registered with the rest here
from liandong.domain.cases.adjudication import AdjudicateRequest as AdjudicateRequest  # noqa: E402
from liandong.domain.cases.adjudication import AppealAdjudication as AppealAdjudication  # noqa: E402
from liandong.domain.cases.adjudication import RuleAppeal as RuleAppeal  # noqa: E402

check_declared(CaseCommand)
