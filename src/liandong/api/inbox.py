"""待办 over REST: what waits on a department (its duties over cases and instruments, each with the
action expected, its countdown and its colour), the department's own cases, and a street's or
township's every live case in its area. Its own staff read them, or oversight roles above it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from liandong.bootstrap import Platform
from liandong.domain.access import OVERSIGHT, Principal
from liandong.domain.errors import DomainError
from liandong.federation import shared_inbox
from liandong.http.deps import CurrentUser, LangDep, PlatformDep
from liandong.i18n.work_items import countdown, duty_name, state_name
from liandong.services.ports import CaseSummary

router = APIRouter(prefix="/api", tags=["inbox"])


class WorkRow(BaseModel):
    subject: str = Field(description="case or instrument")
    subject_id: str
    number: str = Field(default="", description="a case's readable number (案件编号): 320200-20261206-0123")
    action: str = Field(description="the duty: acknowledge, handle, assist, answer_summons, decide_return …")
    action_label: str = Field(description="the duty in the reader's language (待签收, 裁定退单 …)")
    ref: str = Field(default="", description="what inside the subject (a task's id)")
    since: datetime = Field(description="when it began to wait on the department")
    due: datetime | None
    hours_left: float | None = Field(description="working hours left (clock hours for clock limits); "
                                     "negative: hours overdue; null: no deadline")
    countdown: str = Field(description="the countdown in words")
    urgency: str = Field(description="calm; amber: less than the amber share of its span left; red: overdue")
    state: str
    state_label: str
    matter: str = Field(description="a case's matter code; an instrument's kind")
    severity: str = ""
    title: str = ""
    source: str = ""
    received_at: datetime | None = None
    home: str = Field(default="", description="a shared case held at another node (issue 27): that node; "
                      "act on it through POST /api/shared/{case_id}/{command}")


class WorkListOut(BaseModel):
    department: str
    total: int
    items: list[WorkRow]


class CaseRow(BaseModel):
    case_id: str
    number: str = Field(default="", description="the case's readable number (案件编号)")
    version: int
    state: str
    state_label: str
    matter: str
    severity: str
    role: str = Field(description="lead, assist, supervise, observe, summoned; '' in an area's list")
    received_at: datetime
    due: datetime | None
    overdue: bool
    source: str = Field(default="", description="来源: citizen, ngo, grid, department, hotline, online")


def _case_rows(rows: list[CaseSummary], now: datetime, lang: str) -> list[CaseRow]:
    """Cases as rows; a case its lead has resolved is never overdue (it waits on the 回访)."""
    return [CaseRow(case_id=s.case_id, number=s.number, version=s.version, state=s.state,
                    state_label=state_name(s.state, lang), matter=s.matter, severity=s.severity,
                    role=s.role, received_at=s.received_at, due=s.due,
                    overdue=s.due is not None and s.due < now and s.state not in ("resolved", "followed_up"),
                    source=s.source) for s in rows]


def _readable(platform: Platform, user: Principal, unit_or_department: str) -> None:
    """Its own staff, or an oversight role above it; else refused."""
    unit = unit_or_department.rpartition("-")[0] or unit_or_department
    mine = user.department == unit_or_department or (
        user.department is not None and user.department.rpartition("-")[0] == unit_or_department)
    above = (bool(user.roles & OVERSIGHT) and user.jurisdiction is not None
             and platform.hierarchy.is_ancestor(user.jurisdiction, unit))
    if not (mine or above):
        raise DomainError("access.not_your_department", department=unit_or_department)


@router.get("/inbox/{department}", response_model=WorkListOut)
def inbox(department: str, platform: PlatformDep, user: CurrentUser, lang: LangDep,
          limit: Annotated[int, Query(ge=1, le=500)] = 100,
          offset: Annotated[int, Query(ge=0)] = 0) -> WorkListOut:
    """What waits on a department: nearest deadline first, then what has waited longest."""
    platform.rules().router.check_department(department)
    _readable(platform, user, department)
    now = platform.clock.now()
    work = platform.work().waiting(department, now, limit=limit, offset=offset)
    shared = shared_inbox.waiting(platform, department, now)  # the cases held at other nodes, first page
    homes = {i.duty.subject_id: home for i, home in shared}
    items = sorted([*work.items, *(i for i, _ in shared)], key=lambda i: i.duty.order) if not offset \
        else work.items
    return WorkListOut(department=department, total=work.total + len(shared), items=[WorkRow(
        subject=i.duty.subject, subject_id=i.duty.subject_id, number=i.number, action=i.duty.kind.value,
        action_label=duty_name(i.duty.kind, lang), ref=i.duty.ref, since=i.duty.since, due=i.duty.due,
        hours_left=None if i.hours_left is None else round(i.hours_left, 2),
        countdown=countdown(i, lang), urgency=i.urgency.value, state=i.state,
        state_label=state_name(i.state, lang), matter=i.matter, severity=i.severity, title=i.title,
        source=i.source, received_at=i.received_at,
        home=homes.get(i.duty.subject_id, "")) for i in items[:limit]])


@router.get("/inbox/{department}/cases", response_model=list[CaseRow])
def department_cases(department: str, platform: PlatformDep, user: CurrentUser, lang: LangDep,
                     limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[CaseRow]:
    """A department's open cases (every role it holds on them), the nearest deadline first."""
    platform.rules().router.check_department(department)
    _readable(platform, user, department)
    now = platform.clock.now()
    return _case_rows(platform.queries().inbox(department, limit=limit), now, lang)


@router.get("/area/{unit}/cases", response_model=list[CaseRow])
def area_cases(unit: str, platform: PlatformDep, user: CurrentUser, lang: LangDep,
               limit: Annotated[int, Query(ge=1, le=500)] = 200) -> list[CaseRow]:
    """Every live case with a place in a jurisdiction (a street's or township's area)."""
    platform.hierarchy.get(unit)  # an unknown code is refused with the nearest ones
    _readable(platform, user, unit)
    now = platform.clock.now()
    return _case_rows(platform.work().in_area(unit, limit=limit), now, lang)
