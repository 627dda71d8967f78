"""Case powers (案件权限): who may dispatch (派单), re-dispatch (改派), merge (并单) and widen the places
of a case (扩大影响范围), and up to which level an escalation is taken over (承接提级).

As with the instruments (DESIGN §6), the governance elements of the acting department's level decide:
a level whose elements grant no ``dispatch_case`` (the centre: 政策制定, 统筹规划, 指导督促 …) does not
dispatch; where they grant it, the territorial government (块: 人民政府, 街道办事处, with the 12345
centre it runs) takes the action, not a functional department (条), as ``governance.toml`` says
(``government_only``). A command declares the action it needs (``Declaration.power``); the bus checks
it for every command whatever edge it came from (web, API, CLI, the demo's replay), here, once.
Escalation is taken over up to the matter's ceiling (``MatterType.ceiling``); above it the chain
supervises the owner instead (``cases.chain.tick``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.catalogue import Catalogue
from liandong.domain.declare import Declaration, declaration
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Jurisdiction, Level
from liandong.domain.instruments.kinds import SPECS
from liandong.domain.organisation import (
    GOVERNMENT,
    Action,
    GovernanceElement,
    GovernanceElements,
    government_name,
)
from liandong.domain.responsibility import ResponsibilityList, Severity


@dataclass(frozen=True)
class Grant:
    """Whether a department may take ``action``, and why: the elements of its level that grant it,
    and whether the action is the territorial government's alone."""

    action: Action
    level: Level
    government: bool  # the department is its jurisdiction's territorial government (块)
    elements: tuple[GovernanceElement, ...]  # the elements of its level that grant the action
    government_only: bool  # the action is the territorial government's alone

    @property
    def allowed(self) -> bool:
        return bool(self.elements) and (self.government or not self.government_only)


def grant(governance: GovernanceElements, level: Level, government: bool, action: Action) -> Grant:
    return Grant(action, level, government, tuple(governance.granting(level, action)),
                 action in governance.government_only)


CASE_POWERS: dict[str, Declaration] = {
    slug: declaration(cls) for slug, cls in c.COMMANDS.items() if declaration(cls).power is not None}
"""The case commands that need a governance action of the acting level, by slug."""

for _declared in CASE_POWERS.values():  # a declared action that is not one fails at import
    for _action in (_declared.power, _declared.lead_power):
        if _action is not None:
            Action(_action)


def _needed(slug: str, by: str, lead: str) -> tuple[Declaration, Action, bool] | None:
    """The declaration of ``slug``, the action ``by`` needs for it, and whether ``by`` acts as the
    case's own lead (its ``lead_power``); None when the command needs no power."""
    declared = CASE_POWERS.get(slug)
    if declared is None or declared.power is None:
        return None
    own_lead = bool(lead) and by == lead and declared.lead_power is not None
    action = Action(declared.lead_power if own_lead and declared.lead_power else declared.power)
    return declared, action, own_lead


def may(governance: GovernanceElements, level: Level, department: str, slug: str, lead: str = "") -> bool:
    """Whether a department of ``level`` holds the power the case command ``slug`` declares (no power
    declared: yes); the reach is the command's to check (``check_power``)."""
    needed = _needed(slug, department, lead)
    return needed is None or grant(governance, level, department.rpartition("-")[2] == GOVERNMENT,
                                   needed[1]).allowed


def check_power(router: Router, *, by: str, slug: str, lead: str = "", places: Sequence[str] = ()) -> None:
    """Refuse ``by`` the case command ``slug`` unless the elements of its level grant the action the
    command declares (its ``lead_power`` when ``by`` is the case's ``lead``), the action is not the
    territorial government's alone or ``by`` is that government, and, for a dispatch, one of the case's
    ``places`` lies in its jurisdiction (首接负责: the centre of a place dispatches what is reported
    there)."""
    needed = _needed(slug, by, lead)
    if needed is None:
        return
    declared, action, own_lead = needed
    governance, hierarchy = router.catalogue.governance, router.hierarchy
    router.check_department(by)
    unit_code, _, system = by.rpartition("-")
    level = hierarchy.get(unit_code).level
    name = f"{router.department_name(by)}（{by}）"
    found = grant(governance, level, system == GOVERNMENT, action)
    if not found.elements:
        allowed = "、".join(lv.key for lv in Level if governance.allows(lv, action)) or "—"
        raise DomainError("power.not_granted", department=name, command=declared.slug, level=level.key,
                          action=action.value, allowed=allowed, **_names(governance.of_level(level)))
    if not found.allowed:
        raise DomainError("power.government_only", department=name, command=declared.slug,
                          level=level.key, action=action.value,
                          government=router.department_name(f"{unit_code}-{GOVERNMENT}"),
                          **_names(found.elements))
    if action is Action.DISPATCH_CASE and not own_lead and places and not any(
            p in hierarchy and hierarchy.is_ancestor(unit_code, p) for p in places):
        raise DomainError("power.outside_jurisdiction", department=name, command=declared.slug,
                          places="、".join(hierarchy.get(p).name if p in hierarchy else p for p in places),
                          area=hierarchy.get(unit_code).name)


def _names(elements: Sequence[GovernanceElement]) -> dict[str, str]:
    """The elements' names in both languages (the refusal's text picks its own)."""
    return {"elements": "、".join(e.name for e in elements) or "—",
            "elements_en": ", ".join(e.name_en for e in elements) or "—"}


@dataclass(frozen=True)
class Power:
    """One line of what a department may do: the command or instrument, the action it needs, the grant."""

    key: str  # a case command's slug, or an instrument kind
    aggregate: str  # "case" or "instrument"
    grant: Grant
    lead_grant: Grant | None = None  # as the case's own lead (扩大影响范围 of its own case)


def powers_of(governance: GovernanceElements, level: Level, government: bool) -> list[Power]:
    """What a department of ``level`` (the territorial government or not) may do with cases and which
    instruments it may issue, each with the elements that allow it (or none)."""
    out = [Power(slug, "case", grant(governance, level, government, Action(d.power or "")),
                 grant(governance, level, government, Action(d.lead_power)) if d.lead_power else None)
           for slug, d in CASE_POWERS.items()]
    for kind, spec in SPECS.items():
        out.append(Power(kind.value, "instrument", grant(governance, level, government, spec.issue)))
    return out


@dataclass(frozen=True)
class Powers:
    """What one department may do, and why (``liandong org powers``, the page ``/org/{code}/powers``)."""

    unit: Jurisdiction
    department: str  # its code
    name: str  # its official name (崇安寺退役军人服务站, 无锡市人民政府)
    government: bool  # the territorial government (块), or a functional department (条)
    elements: tuple[GovernanceElement, ...]  # the governance elements of its level
    powers: list[Power]
    escalations: list[tuple[Severity, list[str]]]  # 承接提级: matters whose escalation may reach it


def powers_for(catalogue: Catalogue, unit: Jurisdiction, system: str = GOVERNMENT) -> Powers:
    """The powers of the department of ``system`` in ``unit`` (its territorial government by default),
    refused as unknown where the unit has no such department."""
    code = f"{unit.code}-{system}"
    if system != GOVERNMENT and (system not in catalogue.systems
                                 or catalogue.systems[system].department_name(unit) is None):
        raise DomainError("department.unknown", code=code)
    government = system == GOVERNMENT
    name = government_name(unit) if government else catalogue.systems[system].department_name(unit) or code
    return Powers(unit, code, name, government, tuple(catalogue.governance.of_level(unit.level)),
                  powers_of(catalogue.governance, unit.level, government),
                  accepted_escalations(catalogue.matters, unit.level))


def accepted_escalations(matters: ResponsibilityList, level: Level) -> list[tuple[Severity, list[str]]]:
    """承接提级: for each severity, the matters whose escalation may reach ``level`` (their ceiling is
    at or above it); the centre takes over only what its rules say (特别重大, national matters)."""
    out = []
    for severity in Severity:
        codes = [m.code for m in matters.matters.values()
                 if severity in m.severities and m.ceiling(severity) <= level]
        out.append((severity, codes))
    return out
