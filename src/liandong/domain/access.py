"""Who may see and do what (DESIGN §11): roles × the department's jurisdiction subtree × case
membership. Pure rules; the edges turn a refusal into 403, or into 404 when even the existence of
the case must not leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from liandong.domain.cases import commands as c
from liandong.domain.cases.record import CaseRecord
from liandong.domain.declare import declaration
from liandong.domain.duties import waits_on
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.instruments import commands as ic
from liandong.domain.instruments.kinds import Kind
from liandong.domain.instruments.record import InstrumentRecord
from liandong.domain.roles import StaffRole as StaffRole  # re-exported: where it was first defined

COMMAND_ROLES: dict[str, frozenset[StaffRole]] = {
    slug: declaration(cls).roles for slug, cls in c.COMMANDS.items() if issubclass(cls, c.CaseCommand)
}
"""Which roles may issue each case command, by its slug, as each command declares it (the engine
then checks the case's own rules, e.g. that the acting department is the lead)."""

# Roles that see every case touching their jurisdiction's subtree, not only their team's.
OVERSIGHT = frozenset({StaffRole.DISPATCHER, StaffRole.LEADER, StaffRole.INSPECTOR,
                       StaffRole.ASSESSOR, StaffRole.ANALYST, StaffRole.ADMINISTRATOR})


@dataclass(frozen=True)
class Principal:
    """A signed-in account: staff of one department, or a citizen/NGO (no department)."""

    account_id: str
    username: str
    roles: frozenset[StaffRole]
    department: str | None = None

    @property
    def jurisdiction(self) -> str | None:
        return None if self.department is None else self.department.rpartition("-")[0]

    @property
    def is_citizen(self) -> bool:
        return self.department is None

    @property
    def oversees(self) -> bool:
        """Whether the account holds a role that sees every case of its jurisdiction (``OVERSIGHT``)."""
        return bool(self.roles & OVERSIGHT)


def can_see(principal: Principal, case: CaseRecord, hierarchy: HierarchyIndex) -> bool:
    """Team members see their cases, and so does whoever something of the case waits on (an approver,
    a decider, a summoned department: who must decide may open what it decides); oversight roles see
    cases in their subtree; citizens their own."""
    if principal.is_citizen:
        return bool(case.reporter_account) and case.reporter_account == principal.account_id
    if principal.department in case.team or principal.department == case.dispatcher:
        return True
    if waits_on(principal.department, case):
        return True
    if principal.roles & OVERSIGHT and principal.jurisdiction is not None:
        places: Iterable[str] = (*case.affected, case.owner) if case.owner else case.affected
        return any(hierarchy.is_ancestor(principal.jurisdiction, code) for code in places)
    return False


INSTRUMENT_ROLES: dict[str, frozenset[StaffRole]] = {
    **{step: declaration(cls).roles for step, cls in ic.COMMANDS.items()},
    "stock": frozenset({StaffRole.LEADER}),  # what the department's pool holds (入库/出库)
}
"""Which roles may take each step of a linkage instrument, as each command declares it (the
instrument then checks the department's place in it and the governance elements of its level)."""


def check_instrument_step(principal: Principal, step: str) -> str:
    """The acting department for a step of an instrument, or a refusal naming the roles."""
    allowed = INSTRUMENT_ROLES.get(step, frozenset())
    if principal.department is None or not (principal.roles & (allowed | {StaffRole.ADMINISTRATOR})):
        raise DomainError("access.role_required", command=f"instrument {step}",
                          allowed=", ".join(sorted(r.value for r in allowed)) or "—")
    return principal.department


def can_see_instrument(principal: Principal, record: InstrumentRecord, hierarchy: HierarchyIndex) -> bool:
    """Its issuer and addressees see an instrument; oversight roles see those issued or addressed
    inside their subtree; commendations and criticism are visible to the whole scope of the
    issuer; a promoted experience to the scope it was promoted to."""
    if principal.is_citizen or principal.department is None or principal.jurisdiction is None:
        return False
    if principal.department == record.issuer or principal.department in record.addressees:
        return True
    mine = principal.jurisdiction
    if mine not in hierarchy:
        return False
    units = [code.rpartition("-")[0] for code in (record.issuer, *record.addressees)]
    if principal.roles & OVERSIGHT and any(u in hierarchy and hierarchy.is_ancestor(mine, u) for u in units):
        return True
    issuer_unit = record.issuer.rpartition("-")[0]
    if record.kind in (Kind.COMMENDATION, Kind.CRITICISM) and issuer_unit in hierarchy:
        return hierarchy.is_ancestor(issuer_unit, mine)
    return any(scope in hierarchy and hierarchy.is_ancestor(scope, mine) for scope in record.promoted_to)


def sees_reporter(principal: Principal, case: CaseRecord) -> bool:
    """A reporter's identity is visible to intake (the dispatcher) and the lead only."""
    if principal.is_citizen:
        return case.reporter_account == principal.account_id
    intake = StaffRole.DISPATCHER in principal.roles and (
        principal.department == case.dispatcher or not case.dispatcher)
    handling = bool(principal.roles & {StaffRole.HANDLER, StaffRole.LEADER}) and (
        principal.department == case.lead)
    return intake or handling


def check_command(principal: Principal, command: str) -> str:
    """The acting department for ``command``, or a refusal naming the roles that may issue it."""
    allowed = COMMAND_ROLES.get(command, frozenset())
    if principal.department is None or not (principal.roles & (allowed | {StaffRole.ADMINISTRATOR})):
        raise DomainError("access.role_required", command=command,
                          allowed=", ".join(sorted(r.value for r in allowed)) or "—")
    return principal.department


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
