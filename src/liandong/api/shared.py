"""Shared cases over REST (issue 27, decision 0056): a case handed over to this node and held at another
(its home) — read as this node's copy of its status, and acted on by a command that is forwarded to the
home and answered there (``federation.shared_inbox``). The acting department is the signed-in user's,
on the case's team, once the user holds a role for the command."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from liandong.domain.access import Principal, check_command
from liandong.domain.errors import DomainError
from liandong.federation import joint, shared_inbox
from liandong.federation.shared_inbox import SharedCase
from liandong.http.deps import CurrentUser, FederationDep, LangDep, PlatformDep
from liandong.i18n.work_items import duty_name, state_name

router = APIRouter(prefix="/api", tags=["federation"])


class SharedDuty(BaseModel):
    department: str
    action: str
    action_label: str
    due: datetime | None


class ForwardedRead(BaseModel):
    id: str
    command: str
    by: str
    outcome: str = Field(description="pending, done or refused (by the home)")
    reason_code: str | None
    reason: str | None = Field(description="why the home refused it, Chinese / English")


class SharedRead(BaseModel):
    case_id: str
    number: str
    home: str = Field(description="the node holding the case, where its commands run")
    state: str
    state_label: str
    matter: str
    severity: str
    lead: str
    lead_node: str
    members: list[list[str]] = Field(description="[department, role] of the active members")
    ack_due: datetime | None
    due: datetime | None
    version: int = Field(description="the case's version at its home")
    duties: list[SharedDuty]
    offered: list[str] = Field(description="the commands offered to the reader's department")
    commands: list[ForwardedRead] = Field(description="the commands forwarded from this node, with outcomes")


class SharedCommandIn(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict, description="the command's fields (a summary …)")
    key: str = Field(default="", max_length=64, description="the same key forwards once")


class Forwarded(BaseModel):
    command_id: str
    home: str


def _member(platform: Any, user: Principal, case_id: str) -> SharedCase:
    shared = shared_inbox.held_elsewhere(platform, case_id)
    if shared is None:
        raise DomainError("case.unknown", case_id=case_id)
    department = user.department or ""
    if department not in {m for m, _ in shared.members} | {d.department for d in shared.duties}:
        raise DomainError("federation.not_a_member", case_id=case_id, department=department or "—")
    return shared


@router.get("/shared/{case_id}", response_model=SharedRead)
def shared_case(case_id: str, platform: PlatformDep, node: FederationDep, user: CurrentUser,
                lang: LangDep) -> SharedRead:
    """This node's copy of a shared case held at another node, for a department on its team."""
    s = _member(platform, user, case_id)
    forwarded = joint.commands(node, case_id) if node is not None else []
    return SharedRead(
        case_id=s.case_id, number=s.number, home=s.home, state=s.state, state_label=state_name(s.state, lang),
        matter=s.matter, severity=s.severity, lead=s.lead, lead_node=s.lead_node,
        members=[list(m) for m in s.members], ack_due=s.ack_due, due=s.due, version=s.version,
        duties=[SharedDuty(department=d.department, action=d.kind.value, action_label=duty_name(d.kind, lang),
                           due=d.due) for d in s.duties],
        offered=shared_inbox.offered(s, user.department or ""),
        commands=[ForwardedRead(id=r.command_id, command=r.command, by=r.actor, outcome=r.outcome,
                                reason_code=r.reason_code, reason=r.reason)
                  for r in forwarded if r.direction == "out"])


@router.post("/shared/{case_id}/{command}", response_model=Forwarded, status_code=202)
def act(case_id: str, command: str, body: SharedCommandIn, platform: PlatformDep, node: FederationDep,
        user: CurrentUser) -> Forwarded:
    """A command on a shared case, forwarded to its home: accepted here, run there; its outcome shows
    in ``GET /api/shared/{case_id}`` once the home answered."""
    department = check_command(user, command)
    _member(platform, user, case_id)
    params, key = dict(body.params), body.key
    command_id = platform.writer().run(
        lambda: shared_inbox.act(node, department, case_id, command, params, key)).result(timeout=30)
    shared = shared_inbox.held_elsewhere(platform, case_id)
    return Forwarded(command_id=command_id, home=shared.home if shared else "")
