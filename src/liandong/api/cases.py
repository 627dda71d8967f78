"""REST for the case closed loop: every engine command and the queries a workbench needs.

The acting department is the signed-in user's; the user's roles decide which commands they may
issue; a case outside what the user may see answers 404, exactly as a case that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from liandong.api import track
from liandong.api.deps import (
    CurrentUser,
    LangDep,
    PlatformDep,
    _bearer,
    case_actor,
    check_visible,
    get_platform,
    optional_user,
    scoped_key,
)
from liandong.api.fields import LocalTime
from liandong.api.schemas import ReporterPhone
from liandong.domain.access import (
    OVERSIGHT,
    Principal,
    can_see,
    mask_name,
    mask_phone,
    sees_reporter,
)
from liandong.domain.cases import commands as c
from liandong.domain.cases.events import to_payload
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.messages import EVENT_LABELS, ROLE_NAMES, reason_text
from liandong.services.accounts import token_digest
from liandong.services.writer import unwrap

router = APIRouter(prefix="/api", tags=["cases"])

IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


class Accepted(BaseModel):
    case_id: str
    version: int
    events: list[str]
    duplicate: bool = False
    tracking_code: str | None = None  # given once, to the reporter: follow the case without an account


class ReportIn(BaseModel):
    matter: str = Field(min_length=1, max_length=64)
    severity: str = Field(default="routine", max_length=8)
    affected: list[str] = Field(min_length=1, max_length=20)
    description: str = Field(min_length=1, max_length=4000)
    source: str = Field(default="citizen", max_length=16)
    reporter_name: str = Field(default="", max_length=64)
    reporter_phone: ReporterPhone = ""
    publish: bool = Field(default=False, description="同意公开描述（去除个人信息后） the reporter agrees "
                          "that the description, personal data removed, may be shown publicly")


class Versioned(BaseModel):
    expected_version: int | None = Field(default=None, ge=0)


class ReasonIn(Versioned):
    reason: str = Field(min_length=1, max_length=2000)


class ReturnIn(ReasonIn):
    disputed: bool = False


class DecideReturnIn(Versioned):
    decision: str = Field(pattern="^(uphold|reassign)$")
    lead: str | None = Field(default=None, max_length=48)


class RedispatchIn(Versioned):
    lead: str = Field(min_length=3, max_length=48)
    reason: str = Field(default="", max_length=2000)


class ExtensionIn(ReasonIn):
    until: LocalTime


class DecisionIn(Versioned):
    approve: bool
    reason: str = Field(default="", max_length=2000)


class ResourceIn(Versioned):
    resource: str = Field(min_length=1, max_length=200, description="所需资源 the resource asked for")
    reason: str = Field(default="", max_length=2000)
    approver: str = Field(default="", max_length=48,
                          description="决定部门 (默认上一级同系统部门) the deciding department above")


class ShelveIn(ReasonIn):
    until: LocalTime


class SummonIn(Versioned):
    departments: list[str] = Field(min_length=1, max_length=20)
    reason: str = Field(default="", max_length=2000)


class AnswerIn(Versioned):
    mode: str = Field(default="on_site", pattern="^(on_site|online)$")


class RateSummonedIn(Versioned):
    department: str = Field(min_length=3, max_length=48)
    score: int = Field(ge=1, le=5)


class SummaryIn(Versioned):
    summary: str = Field(min_length=1, max_length=4000)


class ResolveIn(SummaryIn):
    public_note: str = Field(default="", max_length=2000)


class FollowUpIn(Versioned):
    contacted: bool = True
    solved: bool = True
    rating: str = Field(default="satisfied", pattern="^(satisfied|basically_satisfied|unsatisfied|none)$")
    handler_at_fault: bool = False


class MergeIn(Versioned):
    into: str = Field(min_length=1, max_length=40)


class WidenIn(Versioned):
    added: list[str] = Field(min_length=1, max_length=20)


class HeatIn(Versioned):
    heat: int = Field(ge=0, le=100)


class ReclassifyIn(Versioned):
    matter: str = Field(min_length=1, max_length=64, description="matter type code (responsibility list)")
    reason: str = Field(default="", max_length=2000)


def _accepted(platform: Any, command: c.Command) -> Accepted:
    result = platform.writer().handle(command)
    return Accepted(case_id=result.case_id, version=result.version,
                    events=[type(e).__name__ for e in result.events], duplicate=result.duplicate)


@router.post("/cases", response_model=Accepted, status_code=201)
async def report(body: ReportIn, request: Request, key: IdemKey = None) -> Response:
    """受理: take in a report (signed in or not); a repeated Idempotency-Key returns the first case.

    Asynchronous: the report joins the next group commit without holding a worker thread. The
    answer is written directly in ``Accepted``'s shape (documented by ``response_model``): the
    busiest endpoint skips validating what it has just built."""
    platform = get_platform(request)
    user = None
    if "authorization" in request.headers:  # then it must be a valid token (never anonymous again)
        credentials = await _bearer(request)
        if credentials is None:
            raise DomainError("account.bad_token")
        user = await run_in_threadpool(optional_user, platform, credentials)
    by = user.department if user is not None and user.department else "reporter"
    account = user.account_id if user is not None and user.is_citizen else ""
    code = track.new_tracking_code()
    if key:  # the caller's own key: another caller's use of it finds nothing of theirs
        owner = (f"account:{user.account_id}" if user is not None
                 else f"anonymous:{request.client.host if request.client else ''}")
        key = scoped_key(owner, key)
    command = c.ReportCase(by=by, idempotency_key=key or "", reporter_account=account,
                           tracking_hash=token_digest(code),
                           **body.model_dump(exclude={"affected"}), affected=tuple(body.affected))
    result = unwrap(await platform.writer().submit_async(command))
    return JSONResponse(
        {"case_id": result.case_id, "version": result.version,
         "events": [type(e).__name__ for e in result.events], "duplicate": result.duplicate,
         "tracking_code": None if result.duplicate else code},
        status_code=200 if result.duplicate else 201)


def _command(path: str, model: type[BaseModel] | None, build: Any, summary: str,
             others: Any = None) -> None:
    """Register ``POST /api/cases/{case_id}/<path>`` turning the body into one command; ``others``
    names the other cases the body refers to, which the user must be able to see as well."""
    if model is None:
        def endpoint(case_id: str, platform: PlatformDep, user: CurrentUser,
                     expected_version: Annotated[int | None, Query(ge=0)] = None) -> Accepted:
            by = case_actor(platform, user, case_id, path)
            return _accepted(platform, build(case_id, by, expected_version, None))
    else:
        def endpoint(case_id: str, platform: PlatformDep, user: CurrentUser,  # type: ignore[misc]
                     body: Any) -> Accepted:
            by = case_actor(platform, user, case_id, path)
            for other in others(body) if others else ():
                check_visible(platform, user, other)
            return _accepted(platform, build(case_id, by, body.expected_version, body))

        endpoint.__annotations__["body"] = model  # the body's schema, resolved here, not by name

    endpoint.__name__ = path.replace("-", "_")
    router.post(f"/cases/{{case_id}}/{path}", response_model=Accepted, summary=summary)(endpoint)


def _simple(cls: type[c.CaseCommand]) -> Any:
    return lambda cid, by, v, _: cls(by=by, case_id=cid, expected_version=v)


_command("dispatch", None, _simple(c.DispatchCase), "派单 dispatch by the routing rule")
_command("acknowledge", None, _simple(c.AcknowledgeCase), "签收 acknowledge")
_command("start", None, _simple(c.StartHandling), "开始处置 start handling")
_command("resume", None, _simple(c.ResumeCase), "恢复处置 resume a shelved case")
_command("unpause", None, _simple(c.UnpauseCase), "恢复计时 restart the clock")
_command("close", None, _simple(c.CloseCase), "归档 archive")
_command("check-deadlines", None, _simple(c.CheckDeadlines), "时限检查 run the escalation chain")
_command("return", ReturnIn, lambda cid, by, v, b: c.ReturnCase(
    by=by, case_id=cid, expected_version=v, reason=b.reason, disputed=b.disputed), "退单 return")
_command("return-decision", DecideReturnIn, lambda cid, by, v, b: c.DecideReturn(
    by=by, case_id=cid, expected_version=v, decision=b.decision, lead=b.lead), "裁定退单 decide a return")
_command("redispatch", RedispatchIn, lambda cid, by, v, b: c.RedispatchCase(
    by=by, case_id=cid, expected_version=v, lead=b.lead, reason=b.reason), "改派 re-dispatch")
_command("extension", ExtensionIn, lambda cid, by, v, b: c.RequestExtension(
    by=by, case_id=cid, expected_version=v, until=b.until, reason=b.reason), "申请延期 request extension")
_command("extension-decision", DecisionIn, lambda cid, by, v, b: c.DecideExtension(
    by=by, case_id=cid, expected_version=v, approve=b.approve, reason=b.reason), "审批延期 decide extension")
_command("resource", ResourceIn, lambda cid, by, v, b: c.RequestResource(
    by=by, case_id=cid, expected_version=v, resource=b.resource, reason=b.reason, approver=b.approver),
    "资源申请 ask a level above for a resource decision")
_command("resource-decision", DecisionIn, lambda cid, by, v, b: c.DecideResource(
    by=by, case_id=cid, expected_version=v, approve=b.approve, note=b.reason),
    "资源决定 decide a resource request")
_command("escalate", ReasonIn, lambda cid, by, v, b: c.EscalateCase(
    by=by, case_id=cid, expected_version=v, reason=b.reason), "提级 escalate")
_command("shelve", ShelveIn, lambda cid, by, v, b: c.ShelveCase(
    by=by, case_id=cid, expected_version=v, until=b.until, reason=b.reason), "挂账 shelve")
_command("pause", ReasonIn, lambda cid, by, v, b: c.PauseCase(
    by=by, case_id=cid, expected_version=v, reason=b.reason), "暂停计时 pause the clock")
_command("summons", SummonIn, lambda cid, by, v, b: c.SummonDepartments(
    by=by, case_id=cid, expected_version=v, departments=tuple(b.departments), reason=b.reason),
    "吹哨 summon county departments")
_command("summons-answer", AnswerIn, lambda cid, by, v, b: c.AnswerSummons(
    by=by, case_id=cid, expected_version=v, mode=b.mode), "报到 answer a summons")
_command("summons-rating", RateSummonedIn, lambda cid, by, v, b: c.RateSummoned(
    by=by, case_id=cid, expected_version=v, department=b.department, score=b.score),
    "评价报到部门 rate a summoned department")
_command("assist-report", SummaryIn, lambda cid, by, v, b: c.ReportAssist(
    by=by, case_id=cid, expected_version=v, summary=b.summary), "协办反馈 an assist reports")
_command("resolve", ResolveIn, lambda cid, by, v, b: c.ResolveCase(
    by=by, case_id=cid, expected_version=v, summary=b.summary, public_note=b.public_note), "办结 resolve")
_command("follow-up", FollowUpIn, lambda cid, by, v, b: c.FollowUpCase(
    by=by, case_id=cid, expected_version=v, contacted=b.contacted, solved=b.solved, rating=b.rating,
    handler_at_fault=b.handler_at_fault), "回访评价 follow-up and rating")
_command("merge", MergeIn, lambda cid, by, v, b: c.MergeCase(
    by=by, case_id=cid, expected_version=v, into=b.into), "合并重复件 merge into another case",
    others=lambda b: [b.into])
_command("scope", WidenIn, lambda cid, by, v, b: c.WidenScope(
    by=by, case_id=cid, expected_version=v, added=tuple(b.added)), "扩大影响范围 add affected places")
_command("heat", HeatIn, lambda cid, by, v, b: c.SetHeat(
    by=by, case_id=cid, expected_version=v, heat=b.heat), "舆情热度 public-opinion heat")
_command("reclassify", ReclassifyIn, lambda cid, by, v, b: c.ReclassifyCase(
    by=by, case_id=cid, expected_version=v, matter=b.matter, reason=b.reason), "改类 correct the matter type")


# -- queries ------------------------------------------------------------------------------------
class MemberRead(BaseModel):
    department: str
    name: str
    level: str
    role: str
    role_label: str
    reason: str


class CaseRead(BaseModel):
    id: str
    reporter_name: str
    reporter_phone: str
    version: int
    state: str
    matter: str
    severity: str
    affected: list[str]
    description: str
    owner: str
    lead: str
    gap: bool
    reasons: list[str]
    received_at: datetime | None
    dispatched_at: datetime | None
    ack_due: datetime | None
    due: datetime | None
    team: list[MemberRead]


class EventRead(BaseModel):
    seq: int
    type: str
    label: str
    at: str
    actor: str
    data: dict[str, Any]


def _load(platform: Any, case_id: str, user: Principal) -> tuple[CaseRecord, list[Any]]:
    with platform.uow() as uow:
        case = uow.cases.get(case_id)
        if case is None or not can_see(user, case.record, platform.hierarchy):
            raise DomainError("case.unknown", case_id=case_id)
        return case.record, uow.cases.events(case_id)


@router.get("/cases/{case_id}", response_model=CaseRead)
def read_case(case_id: str, platform: PlatformDep, lang: LangDep, user: CurrentUser) -> CaseRead:
    r, _ = _load(platform, case_id, user)
    shown = sees_reporter(user, r)
    router_ = platform.rules().router
    team = [MemberRead(department=code, name=router_.department_name(code),
                       level=platform.hierarchy.get(code.rpartition("-")[0]).level.key,
                       role=m.role.value, role_label=ROLE_NAMES[m.role][lang], reason=m.reason)
            for code, m in r.team.items() if m.active]
    return CaseRead(id=r.id, reporter_name=r.reporter_name if shown else mask_name(r.reporter_name),
                    reporter_phone=r.reporter_phone if shown else mask_phone(r.reporter_phone),
                    version=r.version, state=r.state.value, matter=r.matter,
                    severity=r.severity, affected=list(r.affected), description=r.description,
                    owner=r.owner, lead=r.lead, gap=r.gap,
                    reasons=[reason_text(x, lang, platform.catalogue) for x in r.reasons],
                    received_at=r.received_at, dispatched_at=r.dispatched_at, ack_due=r.ack_due,
                    due=r.due, team=team)


@router.get("/cases/{case_id}/timeline", response_model=list[EventRead])
def timeline(case_id: str, platform: PlatformDep, lang: LangDep, user: CurrentUser) -> list[EventRead]:
    """The shared record of one case, in order (reporters' identities left out)."""
    _, events = _load(platform, case_id, user)
    out = []
    for n, e in enumerate(events, start=1):
        payload = to_payload(e)
        kind = payload.pop("type")
        for hidden in ("case_id", "reporter_name", "reporter_phone"):
            payload.pop(hidden, None)
        out.append(EventRead(seq=n, type=kind, label=EVENT_LABELS[kind][lang], at=payload.pop("at"),
                             actor=payload.pop("actor"), data=payload))
    return out


class InboxRow(BaseModel):
    case_id: str
    version: int
    state: str
    matter: str
    severity: str
    role: str
    received_at: datetime
    due: datetime | None
    overdue: bool
    source: str = Field(default="", description="来源: citizen, ngo, grid, department, hotline, online")


@router.get("/inbox/{department}", response_model=list[InboxRow])
def inbox(department: str, platform: PlatformDep, user: CurrentUser,
          limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[InboxRow]:
    """A department's open cases, the nearest deadline first (its own staff, or oversight above)."""
    platform.rules().router.check_department(department)
    mine = user.department == department
    above = (bool(user.roles & OVERSIGHT) and user.jurisdiction is not None
             and platform.hierarchy.is_ancestor(user.jurisdiction, department.rpartition("-")[0]))
    if not (mine or above):
        raise DomainError("access.not_your_department", department=department)
    now = platform.bus().clock.now()
    with platform.uow() as uow:
        rows = uow.cases.inbox(department, limit=limit)
    return [InboxRow(case_id=s.case_id, version=s.version, state=s.state, matter=s.matter,
                     severity=s.severity, role=s.role, received_at=s.received_at, due=s.due,
                     overdue=s.due is not None and s.due < now, source=s.source) for s in rows]


@router.get("/cases/{case_id}/receipt")
def receipt(case_id: str, platform: PlatformDep, user: CurrentUser) -> Response:
    """A receipt anyone can verify offline (``liandong ledger check-receipt``)."""
    _load(platform, case_id, user)
    with platform.uow() as uow:
        data = platform.ledger.receipt(uow, case_id)
    return Response(content=data, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="receipt-{case_id}.json"'})
