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

from liandong.api.bodies import body_of, command_of
from liandong.domain.access import (
    Principal,
    mask_name,
    mask_phone,
    sees_reporter,
)
from liandong.domain.cases import commands as c
from liandong.domain.cases.events import to_payload
from liandong.domain.cases.record import CaseRecord
from liandong.domain.declare import declaration
from liandong.domain.errors import DomainError
from liandong.http.deps import (
    CurrentUser,
    LangDep,
    PlatformDep,
    _bearer,
    case_actor,
    check_visible,
    get_platform,
    optional_user,
    read_marked,
)
from liandong.i18n.messages import EVENT_LABELS, ROLE_NAMES, reason_text

router = APIRouter(prefix="/api", tags=["cases"])

IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


class Accepted(BaseModel):
    case_id: str
    version: int
    events: list[str]
    duplicate: bool = False
    tracking_code: str | None = None  # given once, to the reporter: follow the case without an account


ReportIn = body_of(c.ReportCase)
assert ReportIn is not None


def _accepted(platform: Any, command: c.Command) -> Accepted:
    result = platform.writer().handle(command)
    return Accepted(case_id=result.case_id, version=result.version,
                    events=[type(e).__name__ for e in result.events], duplicate=result.duplicate)


@router.post("/cases", response_model=Accepted, status_code=201)
async def report(body: ReportIn, request: Request, key: IdemKey = None) -> Response:  # type: ignore[valid-type]
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
    owner = (f"account:{user.account_id}" if user is not None
             else f"anonymous:{request.client.host if request.client else ''}")
    sent = body.model_dump(exclude={"expected_version"})  # type: ignore[attr-defined]
    taken = await platform.intake().take_async(by=by, owner=owner, key=key or "", reporter_account=account,
                                               **sent)
    result = taken.result
    return JSONResponse(
        {"case_id": result.case_id, "version": result.version,
         "events": [type(e).__name__ for e in result.events], "duplicate": result.duplicate,
         "tracking_code": taken.tracking_code},
        status_code=200 if result.duplicate else 201)


def _route(cls: type[c.CaseCommand]) -> None:
    """``POST /api/cases/{case_id}/<slug>``: the body (if the command has fields) becomes the
    command; the acting department is the signed-in user's, once the user may issue the command
    and see the case (and every other case it names)."""
    declared = declaration(cls)
    slug, model = declared.slug, body_of(cls)
    if model is None:
        def endpoint(case_id: str, platform: PlatformDep, user: CurrentUser,
                     expected_version: Annotated[int | None, Query(ge=0)] = None) -> Accepted:
            by = case_actor(platform, user, case_id, slug)
            return _accepted(platform, cls(by=by, case_id=case_id, expected_version=expected_version))
    elif all(not f.is_required() for f in model.model_fields.values()):  # a body may be left out
        def endpoint(case_id: str, platform: PlatformDep, user: CurrentUser,  # type: ignore[misc]
                     body: Any = None,
                     expected_version: Annotated[int | None, Query(ge=0)] = None) -> Accepted:
            given = body if body is not None else model()
            seen = given.expected_version if given.expected_version is not None else expected_version
            return _decided(platform, user, cls, case_id, given, seen)

        endpoint.__annotations__["body"] = model | None  # the body's schema, resolved here, not by name
    else:
        def endpoint(case_id: str, platform: PlatformDep, user: CurrentUser,  # type: ignore[misc]
                     body: Any) -> Accepted:
            return _decided(platform, user, cls, case_id, body, body.expected_version)

        endpoint.__annotations__["body"] = model  # the body's schema, resolved here, not by name
    endpoint.__name__ = slug.replace("-", "_")
    router.post(f"/cases/{{case_id}}/{slug}", response_model=Accepted, summary=declared.summary)(endpoint)


def _decided(platform: Any, user: Any, cls: type[c.CaseCommand], case_id: str, body: Any,
             expected_version: int | None) -> Accepted:
    """A command from its body, once the user may issue it on this case and see every case it names."""
    declared = declaration(cls)
    by = case_actor(platform, user, case_id, declared.slug)
    for name in declared.refers:
        check_visible(platform, user, getattr(body, name))
    command = command_of(cls, body, by=by, case_id=case_id, expected_version=expected_version)
    return _accepted(platform, command)


for _cls in c.COMMANDS.values():
    if issubclass(_cls, c.CaseCommand):
        _route(_cls)


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
    number: str = Field(default="", description="the readable number (案件编号), accepted as an id")
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
    read = platform.queries().read(user, case_id)
    return read.record, read.events


@router.get("/cases/{case_id}", response_model=CaseRead)
def read_case(case_id: str, platform: PlatformDep, lang: LangDep, user: CurrentUser) -> CaseRead:
    """The case; a member of its team (or its centre) reading it is recorded as having read it (已读)."""
    r = read_marked(platform, user, case_id).record
    shown = sees_reporter(user, r)
    router_ = platform.rules().router
    team = [MemberRead(department=code, name=router_.department_name(code),
                       level=platform.hierarchy.get(code.rpartition("-")[0]).level.key,
                       role=m.role.value, role_label=ROLE_NAMES[m.role][lang], reason=m.reason)
            for code, m in r.team.items() if m.active]
    number = platform.queries().number_of(r.id)
    return CaseRead(id=r.id, number=number,
                    reporter_name=r.reporter_name if shown else mask_name(r.reporter_name),
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


@router.get("/cases/{case_id}/receipt")
def receipt(case_id: str, platform: PlatformDep, user: CurrentUser) -> Response:
    """A receipt anyone can verify offline (``liandong ledger check-receipt``)."""
    _load(platform, case_id, user)
    data = platform.record().receipt(case_id)
    return Response(content=data, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="receipt-{case_id}.json"'})
