"""REST endpoints of the linkage instruments: issue, read one, list a department's, and every step
of their workflows — each step's route and body derived from its declaration
(``domain/instruments/commands.py``, ``api/bodies.body_of``). The acting department is the signed-in
user's; the instrument then checks its place in the workflow and the governance elements of its
level."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from liandong.api.bodies import body_of, command_of
from liandong.api.fields import LocalTime
from liandong.bootstrap import Platform
from liandong.domain.access import OVERSIGHT, Principal, can_see_instrument, check_instrument_step
from liandong.domain.declare import declaration
from liandong.domain.errors import DomainError
from liandong.domain.instruments.events import to_payload
from liandong.domain.instruments.record import InstrumentRecord
from liandong.http.deps import CurrentUser, PlatformDep
from liandong.services import instruments as i

router = APIRouter(prefix="/api", tags=["instruments"])
MAX_QUANTITY = i.MAX_QUANTITY
DEPT = Field(min_length=3, max_length=48)
ItemName = Annotated[str, Field(min_length=1, max_length=64)]
KW = inspect.Parameter.KEYWORD_ONLY


class Done(BaseModel):
    instrument_id: str
    version: int
    events: list[str]


class IssueIn(BaseModel):
    kind: str = Field(max_length=16, description="pilot, project, directive, commendation, criticism, "
                      "inspection, assessment, briefing, experience, symposium, training, meeting, resource")
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=8000)
    scope: str = Field(min_length=2, max_length=12)
    addressees: list[Annotated[str, DEPT]] = Field(min_length=1, max_length=200)
    due: LocalTime | None = None
    cadence_days: int = Field(default=0, ge=0, le=366)
    indicators: list[tuple[str, str, str]] = Field(default_factory=list, max_length=50)
    subject: str = Field(default="", max_length=64)
    budget_fen: int = Field(default=0, ge=0, le=10**15, description="预算（分） budget in fen")
    evidence: list[str] = Field(default_factory=list, max_length=100, description=(
        "commendation, criticism: case ids, case numbers (320200-20261206-0123) or instrument ids, "
        "inside the issuer's jurisdiction"))
    read_limit_hours: int = Field(default=0, ge=0, le=24 * 90)
    items: list[tuple[ItemName, Annotated[int, Field(gt=0, le=MAX_QUANTITY)]]] = Field(
        default_factory=list, max_length=50, description="resource requests: (item, quantity) pairs")


class StockIn(BaseModel):
    item: str = Field(min_length=1, max_length=64)
    unit: str = Field(min_length=1, max_length=16)
    quantity: int = Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY,
                          description="added to the pool; negative to take out")


def _run(platform: Platform, command: i.InstrumentCommand) -> Done:
    result = platform.writer().handle(command)
    return Done(instrument_id=result.instrument_id, version=result.version,
                events=[type(e).__name__ for e in result.events])


def _visible(platform: Platform, user: Principal, instrument_id: str) -> InstrumentRecord:
    """The instrument, if the user may see it; the same refusal whether it exists or not."""
    found = platform.instrument_queries().get(instrument_id)
    if found is None or not can_see_instrument(user, found.record, platform.hierarchy):
        raise DomainError("instrument.not_found", id=instrument_id[:40])
    return found.record


@router.post("/instruments", response_model=Done, status_code=201, summary="发布联动事项 issue an instrument")
def issue(body: IssueIn, platform: PlatformDep, user: CurrentUser) -> Done:
    by = check_instrument_step(user, "issue")
    return _run(platform, command_of(i.Issue, body, by=by))


@router.get("/instruments/{instrument_id}", summary="联动事项详情与全过程记录 an instrument and its events")
def show(instrument_id: str, platform: PlatformDep, user: CurrentUser) -> dict[str, Any]:
    r = _visible(platform, user, instrument_id)
    _, events = platform.instrument_queries().with_events(instrument_id)
    return {"instrument_id": r.id, "version": r.version, "kind": r.kind.value, "issuer": r.issuer,
            "title": r.title, "body": r.body, "scope": r.scope, "addressees": list(r.addressees),
            "state": r.state, "due": r.due, "issued_at": r.issued_at,
            "reads": r.reads, "responses": {d: e.text for d, e in r.responses.items()},
            "tasks": [{"task": t.id, "owner": t.owner, "title": t.title, "due": t.due, "done_at": t.done_at,
                       "on_time": t.on_time, "verified": t.verified} for t in r.tasks.values()],
            "decision": None if r.decision is None else {"decision": r.decision.decision,
                                                         "reason": r.decision.reason,
                                                         "scope": r.decision.scope,
                                                         "justification": r.decision.justification,
                                                         "shortfall": [list(g) for g in
                                                                       r.decision.shortfall]},
            "overdue": sorted([list(x) for x in r.overdue]),
            "events": [to_payload(e) for e in events]}


def _oversees(platform: Platform, user: Principal, department: str, what: str) -> None:
    """One's own department, or one below for those who oversee (leaders, inspectors …)."""
    h = platform.hierarchy
    unit = department.rpartition("-")[0]
    mine = user.jurisdiction
    allowed = user.department == department or (
        mine is not None and mine in h and unit in h and h.is_ancestor(mine, unit)
        and bool(user.roles & OVERSIGHT))
    if not allowed:
        raise DomainError("access.role_required", command=f"{what} of another department",
                          allowed="leader, inspector, assessor, dispatcher, administrator")


@router.get("/departments/{department}/pool", summary="资源池 what a department holds")
def pool(department: str, platform: PlatformDep, user: CurrentUser) -> list[dict[str, Any]]:
    _oversees(platform, user, department, "resource pool")
    return [{"item": item, "quantity": q, "unit": unit}
            for item, (q, unit) in platform.instruments().holdings(department).items()]


@router.post("/departments/{department}/pool", summary="入库/出库 stock a department's pool in or out")
def stock(department: str, body: StockIn, platform: PlatformDep, user: CurrentUser) -> dict[str, Any]:
    by = check_instrument_step(user, "stock")
    if by != department:
        raise DomainError("access.role_required", command="stock of another department",
                          allowed=f"leader of {department}")
    held = platform.instruments().stock(by=by, item=body.item, unit=body.unit, quantity=body.quantity)
    return {"item": body.item.strip(), "quantity": held, "unit": body.unit.strip()}


@router.get("/departments/{department}/instruments", summary="部门的联动事项 a department's instruments")
def of_department(department: str, platform: PlatformDep, user: CurrentUser,
                  open_only: Annotated[bool, Query()] = False) -> list[dict[str, Any]]:
    _oversees(platform, user, department, "instruments")
    rows = platform.instrument_queries().of_department(department, open_only=open_only)
    return [{"instrument_id": s.instrument_id, "version": s.version, "kind": s.kind, "title": s.title,
             "issuer": s.issuer, "state": s.state, "role": s.role, "issued_at": s.issued_at, "due": s.due}
            for s in rows]


def _route(cls: type[i.InstrumentCommand], on: APIRouter = router) -> None:
    """``POST /api/instruments/{instrument_id}/<path>``, the path its declaration gives (the step, or its
    ``route`` with the fields it carries: ``tasks/{task}/complete``); the body (if the command has
    fields of its own) becomes the command. The acting department is the signed-in user's, once the
    user may take the step and see the instrument. A step without a body takes no version."""
    declared = declaration(cls)
    step, model, carried = declared.slug, body_of(cls), declared.path_fields

    def endpoint(*, instrument_id: str, platform: Platform, user: Principal, body: Any = None,
                 **in_path: str) -> Done:
        by = check_instrument_step(user, step)
        _visible(platform, user, instrument_id)
        version = {} if body is None else {"expected_version": body.expected_version}
        return _run(platform, command_of(cls, body, by=by, instrument_id=instrument_id, **version, **in_path))

    asked = [inspect.Parameter("instrument_id", KW, annotation=str),
             *(inspect.Parameter(name, KW, annotation=str) for name in carried),
             inspect.Parameter("platform", KW, annotation=PlatformDep),
             inspect.Parameter("user", KW, annotation=CurrentUser)]
    if model is not None:
        asked.append(inspect.Parameter("body", KW, annotation=model))
    endpoint.__signature__ = inspect.Signature(asked, return_annotation=Done)  # type: ignore[attr-defined]
    endpoint.__name__ = "instrument_" + step
    on.post(f"/instruments/{{instrument_id}}/{declared.path}", response_model=Done,
            summary=declared.summary)(endpoint)


for _cls in i.COMMANDS.values():
    if _cls is not i.Issue:  # issued at POST /api/instruments, with its nested bounds (IssueIn)
        _route(_cls)
