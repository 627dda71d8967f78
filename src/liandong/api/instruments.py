"""REST endpoints of the linkage instruments: issue, read one, list a department's, and every step
of their workflows. The acting department is the signed-in user's; the instrument then checks its
place in the workflow and the governance elements of its level."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from liandong.api.fields import LocalTime
from liandong.bootstrap import Platform
from liandong.domain.access import OVERSIGHT, Principal, can_see_instrument, check_instrument_step
from liandong.domain.errors import DomainError
from liandong.domain.instruments.events import to_payload
from liandong.domain.instruments.record import InstrumentRecord
from liandong.http.deps import CurrentUser, PlatformDep
from liandong.services import instruments as i

router = APIRouter(prefix="/api", tags=["instruments"])
MAX_QUANTITY = i.MAX_QUANTITY
DEPT = Field(min_length=3, max_length=48)
ItemName = Annotated[str, Field(min_length=1, max_length=64)]


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
    evidence: list[str] = Field(default_factory=list, max_length=100)
    read_limit_hours: int = Field(default=0, ge=0, le=24 * 90)
    items: list[tuple[ItemName, Annotated[int, Field(gt=0, le=MAX_QUANTITY)]]] = Field(
        default_factory=list, max_length=50, description="resource requests: (item, quantity) pairs")


class StockIn(BaseModel):
    item: str = Field(min_length=1, max_length=64)
    unit: str = Field(min_length=1, max_length=16)
    quantity: int = Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY,
                          description="added to the pool; negative to take out")


class Versioned(BaseModel):
    expected_version: int | None = Field(default=None, ge=0)


class TextIn(Versioned):
    text: str = Field(min_length=1, max_length=8000)


class ReportIn(TextIn):
    figures: list[tuple[str, str]] = Field(default_factory=list, max_length=50)


class TaskIn(Versioned):
    task: str = Field(min_length=1, max_length=32)
    owner: str = DEPT
    title: str = Field(min_length=1, max_length=200)
    due: LocalTime


class NoteIn(Versioned):
    note: str = Field(default="", max_length=4000)


class VerifyIn(NoteIn):
    accepted: bool


class AttendIn(Versioned):
    present: bool = True


class DecideIn(Versioned):
    decision: str = Field(max_length=16)
    reason: str = Field(min_length=1, max_length=4000)
    scope: str = Field(default="", max_length=12)
    until: LocalTime | None = None


class ScopeIn(Versioned):
    scope: str = Field(min_length=2, max_length=12)


class ReasonIn(Versioned):
    reason: str = Field(min_length=1, max_length=4000)


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
    return _run(platform, i.Issue(by=by, kind=body.kind, title=body.title, body=body.body, scope=body.scope,
                                  addressees=tuple(body.addressees), due=body.due,
                                  cadence_days=body.cadence_days, indicators=tuple(body.indicators),
                                  subject=body.subject, budget_fen=body.budget_fen,
                                  evidence=tuple(body.evidence), read_limit_hours=body.read_limit_hours,
                                  items=tuple(body.items)))


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
                                                         "scope": r.decision.scope},
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


def _step(path: str, step: str, model: type[BaseModel] | None, build: Any, summary: str) -> None:
    if model is None:
        def endpoint(instrument_id: str, platform: PlatformDep, user: CurrentUser) -> Done:
            by = check_instrument_step(user, step)
            _visible(platform, user, instrument_id)
            return _run(platform, build(instrument_id, by, None))
    else:
        def endpoint(instrument_id: str, platform: PlatformDep, user: CurrentUser,  # type: ignore[misc]
                     body: Any) -> Done:
            by = check_instrument_step(user, step)
            _visible(platform, user, instrument_id)
            return _run(platform, build(instrument_id, by, body))

        endpoint.__annotations__["body"] = model
    endpoint.__name__ = "instrument_" + path.replace("-", "_")
    router.post(f"/instruments/{{instrument_id}}/{path}", response_model=Done, summary=summary)(endpoint)


_step("read", "read", None, lambda iid, by, _: i.MarkRead(by=by, instrument_id=iid), "已阅 read receipt")
_step("report", "report", ReportIn, lambda iid, by, b: i.Report(
    by=by, instrument_id=iid, expected_version=b.expected_version, text=b.text, figures=tuple(b.figures)),
    "报送 data, progress or findings")
_step("respond", "respond", TextIn, lambda iid, by, b: i.Respond(
    by=by, instrument_id=iid, expected_version=b.expected_version, text=b.text), "答复 respond")
_step("tasks", "assign", TaskIn, lambda iid, by, b: i.AssignTask(
    by=by, instrument_id=iid, expected_version=b.expected_version, task=b.task, owner=b.owner, title=b.title,
    due=b.due), "交办 assign a task")
_step("attend", "attend", AttendIn, lambda iid, by, b: i.Attend(
    by=by, instrument_id=iid, expected_version=b.expected_version, present=b.present), "出席 attendance")
_step("minutes", "minutes", TextIn, lambda iid, by, b: i.RecordMinutes(
    by=by, instrument_id=iid, expected_version=b.expected_version, text=b.text), "纪要 minutes")
_step("decide", "decide", DecideIn, lambda iid, by, b: i.Decide(
    by=by, instrument_id=iid, expected_version=b.expected_version, decision=b.decision, reason=b.reason,
    scope=b.scope, until=b.until), "决定 decide")
_step("promote", "promote", ScopeIn, lambda iid, by, b: i.Promote(
    by=by, instrument_id=iid, expected_version=b.expected_version, scope=b.scope), "推广 promote")
_step("adopt", "adopt", None, lambda iid, by, _: i.Adopt(by=by, instrument_id=iid), "采纳 adopt")
_step("withdraw", "withdraw", ReasonIn, lambda iid, by, b: i.Withdraw(
    by=by, instrument_id=iid, expected_version=b.expected_version, reason=b.reason), "撤回 withdraw")
_step("check-deadlines", "check", None, lambda iid, by, _: i.CheckDeadlines(by=by, instrument_id=iid),
      "时限检查 flag what is late")


@router.post("/instruments/{instrument_id}/tasks/{task}/complete", response_model=Done,
             summary="报完成 report a task done")
def complete_task(instrument_id: str, task: str, body: NoteIn, platform: PlatformDep,
                  user: CurrentUser) -> Done:
    by = check_instrument_step(user, "complete")
    _visible(platform, user, instrument_id)
    return _run(platform, i.CompleteTask(by=by, instrument_id=instrument_id,
                                         expected_version=body.expected_version, task=task, note=body.note))


@router.post("/instruments/{instrument_id}/tasks/{task}/verify", response_model=Done,
             summary="核验 verify a task")
def verify_task(instrument_id: str, task: str, body: VerifyIn, platform: PlatformDep,
                user: CurrentUser) -> Done:
    by = check_instrument_step(user, "verify")
    _visible(platform, user, instrument_id)
    return _run(platform, i.VerifyTask(by=by, instrument_id=instrument_id,
                                       expected_version=body.expected_version, task=task,
                                       accepted=body.accepted, note=body.note))
