"""共享案件进待办 (shared cases reach people, decision 0056): a case handed over to this node and held at
another (its home) shows in the 待办 of each department of this node that owes it something — its
duties as the home computes them (``domain.duties.case_duties``) travel with its status
(``joint.status_of``) — with its state and deadline, ordered and coloured as the node's own duties;
a department acts on it by a command forwarded to the home (``joint.forward``).

Reading needs no fabric (the copies are in the node's database); acting needs the node, which a server
started with a federation file holds (``liandong serve --federation``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from liandong.adapters.sql.federation_joint import SharedCase, SqlJointStore
from liandong.domain.duty_model import DutyKind
from liandong.domain.errors import DomainError
from liandong.federation import joint
from liandong.services.ports.duties import WaitingRow
from liandong.services.work import WorkItem

if TYPE_CHECKING:
    from liandong.bootstrap import Platform

__all__ = ["OFFERED", "SharedCase", "act", "held_elsewhere", "offered", "waiting"]

OFFERED: dict[DutyKind, tuple[str, ...]] = {
    DutyKind.ACKNOWLEDGE: ("acknowledge",),
    DutyKind.HANDLE: ("start", "resolve"),
    DutyKind.ASSIST: ("assist-report",),
}
"""The commands a department is offered for a duty of a shared case (the home decides whether it fits)."""

SUMMARY = frozenset({"resolve", "assist-report"})
"""The offered commands that take a summary."""


def waiting(platform: Platform, department: str, now: datetime) -> list[tuple[WorkItem, str]]:
    """What the shared cases held at other nodes wait for from ``department``, nearest deadline first,
    with the countdown at ``now``, each with the node holding it (none on a store without SQL: no
    federation there)."""
    if platform.engine is None:
        return []
    with platform.uow() as uow:
        found = SqlJointStore(uow.connection).waiting_on(department)  # type: ignore[attr-defined]
    work = platform.work()
    return [(work.item(WaitingRow(duty, shared.state, shared.matter, shared.severity, "", "", None,
                                  shared.number), now), shared.home) for shared, duty in found]


def held_elsewhere(platform: Platform, case_id: str) -> SharedCase | None:
    """The copy of ``case_id`` when it is a shared case held at another node; else None."""
    if platform.engine is None:
        return None
    with platform.uow() as uow:
        if uow.cases.get(case_id) is not None:
            return None
        return SqlJointStore(uow.connection).get(case_id)  # type: ignore[attr-defined]


def offered(shared: SharedCase, department: str) -> list[str]:
    """The commands offered to ``department`` on ``shared`` (by the duties it owes there)."""
    slugs: list[str] = []
    for duty in shared.duties:
        if duty.department != department:
            continue
        for slug in OFFERED.get(duty.kind, ()):
            if duty.kind is DutyKind.HANDLE and (slug == "start") != (shared.state == "acknowledged"):
                continue
            if slug not in slugs:
                slugs.append(slug)
    return slugs


def act(node: joint.FederationNode | None, department: str, case_id: str, command: str,
        params: Mapping[str, Any], key: str = "") -> str:
    """Forward ``command`` on the shared ``case_id`` for ``department`` (one of this node's, a member of
    the case) to the case's home; the command id. Refused when this server is not a federation node, the
    case is not shared here, or the department is not on its team."""
    if node is None:
        raise DomainError("federation.not_a_node")
    shared = held_elsewhere(node.platform, case_id)
    if shared is None:
        raise DomainError("federation.case_not_shared", case_id=case_id, node=node.me)
    if department not in {m for m, _ in shared.members} | {d.department for d in shared.duties}:
        raise DomainError("federation.not_a_member", case_id=case_id, department=department)
    built = joint.build_command(command, {**params, "case_id": case_id, "by": department})
    return joint.forward(node, built, key)
