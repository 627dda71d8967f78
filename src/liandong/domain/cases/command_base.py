"""What every case command is declared with: the registry, the base class, the roles and the
reason's label — apart from ``commands`` so that a command declared in another module of the case
(``adjudication``) is registered when ``commands`` loads, without an import cycle."""

from __future__ import annotations

from dataclasses import dataclass

from liandong.domain.declare import Command, Registry
from liandong.domain.roles import StaffRole

COMMANDS = Registry("case")
"""The case commands by slug (the permission key, the API path, the CLI command)."""

DISPATCHER, HANDLER, LEADER = StaffRole.DISPATCHER, StaffRole.HANDLER, StaffRole.LEADER
ADMINISTRATOR = StaffRole.ADMINISTRATOR
REASON = ("理由", "Reason")


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseCommand(Command):
    case_id: str
    expected_version: int | None = None
