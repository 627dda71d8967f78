"""多层级介入: the routing rule of DESIGN §4.

owner level = the highest of (the scope's lowest common ancestor, the severity floor, the
authority floor, and any floor an escalation set); a level missing in a branch is taken by the
nearest existing ancestor above it. The lead is the department of the matter's lead system in
the owner jurisdiction, else its territorial government (兜底); with no lead system at all the
government leads and the case is flagged as a responsibility gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from liandong.domain.catalogue import Catalogue
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Level
from liandong.domain.organisation import GOVERNMENT, department_code, government_name
from liandong.domain.responsibility import MatterType, Severity


class Role(StrEnum):
    LEAD = "lead"  # 主办
    ASSIST = "assist"  # 协办
    SUPERVISE = "supervise"  # 督办 / 共同在场
    OBSERVE = "observe"  # 观察
    SUMMONED = "summoned"  # 吹哨报到


class Rule(StrEnum):
    SCOPE = "scope"
    SEVERITY = "severity"
    AUTHORITY = "authority"
    ESCALATION = "escalation"
    MISSING_LEVEL = "missing_level"
    LEAD_SYSTEM = "lead_system"
    FALLBACK = "fallback_government"
    GAP = "responsibility_gap"
    EXECUTOR = "executor"
    ASSISTING_SYSTEM = "assisting_system"
    CO_PRESENCE = "co_presence"
    OBSERVER = "observer"
    CATALOGUE = "catalogue"  # a local dispatch catalogue (派单目录) decided the matter's routing


_KEYS = {level: level.key for level in Level}
_FLOORS = {severity: severity.floor for severity in Severity}


class Reason(NamedTuple):
    """Which rule set the level or the lead, with its facts (rendered in any language)."""

    rule: Rule
    args: tuple[str, ...]


class RoutingDecision(NamedTuple):
    owner: Jurisdiction
    lead: str
    reasons: tuple[Reason, ...]
    gap: bool
    members: tuple[tuple[str, Role, Rule], ...]  # (department, role, rule), lead first

    @property
    def owner_level(self) -> Level:
        return self.owner.level


@dataclass(frozen=True)
class Router:
    """Routes with the reference data; pure and fast (tens of thousands of decisions a second)."""

    hierarchy: HierarchyIndex
    catalogue: Catalogue
    co_presence: bool = True
    served: tuple[str, ...] = ()
    """The jurisdictions this deployment serves (the roots of its initialised scopes); empty: all."""
    _shapes: dict[tuple[str, str], bool] = field(default_factory=dict, init=False, compare=False,
                                                     repr=False)

    _by_catalogue: dict[tuple[tuple[str, str, str, str], ...], tuple[Reason, ...]] = field(
        default_factory=dict, init=False, compare=False, repr=False)

    def _catalogue_reasons(self, origins: tuple[tuple[str, str, str, str], ...]) -> tuple[Reason, ...]:
        """The reasons naming the local catalogues that decided a matter's routing (cached per
        matter's origins: a few hundred versions at most)."""
        found = tuple(Reason(Rule.CATALOGUE, (self.hierarchy.get(by).name, version, effective, fields))
                      for by, version, effective, fields in origins)
        if len(self._by_catalogue) >= 10_000:
            self._by_catalogue.clear()
        self._by_catalogue[origins] = found
        return found

    def has_department(self, unit: Jurisdiction, system: str) -> bool:
        """Whether ``system`` has a department in ``unit`` (cached per level, kind and system)."""
        key = (unit.code, system)  # str keys hash fast (an Enum's hash is a Python call)
        known = self._shapes.get(key)
        if known is None:
            found = self.catalogue.systems.get(system)
            known = system == GOVERNMENT or (found is not None and found.pattern_key(unit) is not None)
            self._shapes[key] = known
        return known

    def route(self, *, matter: MatterType, severity: Severity, affected: Sequence[str],
              floor: Level | None = None) -> RoutingDecision:
        if not affected:
            raise DomainError("case.no_place")
        if severity not in matter.limits:
            matter.limit(severity)  # raises: severity not allowed for this matter
        h = self.hierarchy
        scope = h.lca(affected)
        reasons = [Reason(Rule.SCOPE, (scope.name, _KEYS[scope.level]))]
        level = scope.level
        sev_floor = _FLOORS[severity]
        if sev_floor is not None and sev_floor < level:
            level = sev_floor
            reasons.append(Reason(Rule.SEVERITY, (severity.value, _KEYS[sev_floor])))
        authority = matter.authority
        if authority is not None and authority < level:
            level = authority
            reasons.append(Reason(Rule.AUTHORITY, (matter.code, _KEYS[authority])))
        if floor is not None and floor < level:
            level = floor
            reasons.append(Reason(Rule.ESCALATION, (_KEYS[floor],)))
        owner = h.nearest_at_or_above(scope.code, level)
        if owner.level != level:
            reasons.append(Reason(Rule.MISSING_LEVEL, (_KEYS[level], owner.name)))
        gap = matter.lead is None
        if matter.lead is not None and self.has_department(owner, matter.lead):
            lead = department_code(owner.code, matter.lead)
            reasons.append(Reason(Rule.LEAD_SYSTEM, (matter.lead, owner.name)))
        elif matter.lead is not None:
            lead = department_code(owner.code, GOVERNMENT)
            reasons.append(Reason(Rule.FALLBACK, (matter.lead, owner.name)))
        else:
            lead = department_code(owner.code, GOVERNMENT)
            reasons.append(Reason(Rule.GAP, (matter.code,)))
        if matter.origins:
            reasons.extend(self._by_catalogue.get(matter.origins) or self._catalogue_reasons(matter.origins))
        members: dict[str, tuple[Role, Rule]] = {lead: (Role.LEAD, Rule.LEAD_SYSTEM)}
        system = matter.lead or GOVERNMENT
        executors, between = self._on_the_ground(owner, affected, system)
        for code in executors:
            members.setdefault(code, (Role.ASSIST, Rule.EXECUTOR))
        for assist in matter.assist:
            if self.has_department(owner, assist):
                members.setdefault(department_code(owner.code, assist),
                                   (Role.ASSIST, Rule.ASSISTING_SYSTEM))
        if self.co_presence:
            for code in between:
                members.setdefault(code, (Role.SUPERVISE, Rule.CO_PRESENCE))
        if sev_floor is not None and severity in (Severity.I, Severity.II, Severity.III):
            members.setdefault(department_code(owner.code, GOVERNMENT), (Role.OBSERVE, Rule.OBSERVER))
        return RoutingDecision(owner, lead, tuple(reasons), gap,
                               tuple((code, role, rule) for code, (role, rule) in members.items()))

    def _on_the_ground(self, owner: Jurisdiction, affected: Sequence[str],
                       system: str) -> tuple[list[str], list[str]]:
        """Per affected place below the owner: the same-system department nearest the ground
        executes; those between it and the owner supervise (co-presence)."""
        executors: list[str] = []
        between: list[str] = []
        top = owner.level
        has = self.has_department
        for code in affected:
            found = [u for u in self.hierarchy.path(code) if u.level > top and has(u, system)]
            if not found:
                continue
            dep = department_code(found[-1].code, system)
            if dep not in executors:
                executors.append(dep)
            for unit in found[:-1]:
                dep = department_code(unit.code, system)
                if dep not in between:
                    between.append(dep)
        return executors, between

    def check_department(self, code: str) -> None:
        """Refuse a department code that the organisation does not have."""
        unit_code, _, system = code.rpartition("-")
        if not unit_code or unit_code not in self.hierarchy:
            raise DomainError("department.unknown", code=code)
        if not self.has_department(self.hierarchy.get(unit_code), system):
            raise DomainError("department.unknown", code=code)

    # -- the deployment's reach (who may send a case where) ------------------------------------------
    def serves(self, code: str) -> bool:
        """Whether a place lies in the area this deployment serves."""
        return not self.served or any(self.hierarchy.is_ancestor(root, code) for root in self.served)

    def area_name(self) -> str:
        return "、".join(self.hierarchy.get(root).name for root in self.served) or self.hierarchy.root.name

    def check_place(self, code: str) -> None:
        """A place a case may affect: a known jurisdiction inside the served area."""
        self.hierarchy.id_of(code)  # unknown codes raise with the nearest matches
        if not self.serves(code):
            raise DomainError("place.outside_area", place=self.hierarchy.get(code).name,
                              area=self.area_name())

    def check_department_here(self, code: str) -> None:
        """A department this deployment has: in the served area, or above it (the levels a case
        may rise to)."""
        self.check_department(code)
        unit = code.rpartition("-")[0]
        if not (self.serves(unit) or any(self.hierarchy.is_ancestor(unit, root) for root in self.served)):
            raise DomainError("department.unknown", code=code)

    def check_reach(self, actor: str, lead: str, affected: Sequence[str]) -> None:
        """改派/裁定改派: the new lead exists here, lies in the acting department's jurisdiction and
        on the way from the case's places up (or below one of them)."""
        self.check_department_here(lead)
        unit, mine = lead.rpartition("-")[0], actor.rpartition("-")[0]
        h = self.hierarchy
        on_the_way = any(h.is_ancestor(unit, place) or h.is_ancestor(place, unit) for place in affected)
        if mine in h and not (h.is_ancestor(mine, unit) and on_the_way):
            raise DomainError("case.lead_out_of_reach", lead=self.department_name(lead),
                              area=h.get(mine).name)

    def check_widening(self, actor: str, added: Sequence[str]) -> None:
        """扩大影响范围: places in the served area and in the acting department's jurisdiction."""
        mine = actor.rpartition("-")[0]
        for code in added:
            self.check_place(code)
            if mine in self.hierarchy and not self.hierarchy.is_ancestor(mine, code):
                raise DomainError("case.place_out_of_reach", place=self.hierarchy.get(code).name,
                                  area=self.hierarchy.get(mine).name)

    def reach(self, actor: str, affected: Sequence[str]) -> list[str]:
        """The units where ``actor`` may put a case's lead (``check_reach``): inside its jurisdiction,
        on the way from the case's places up, or below one of them; top down, each once."""
        h, mine = self.hierarchy, actor.rpartition("-")[0]
        units: dict[str, None] = {}
        for place in affected:
            for unit in (*h.path(place), *h.descendants(place, include_self=False)):
                if mine not in h or h.is_ancestor(mine, unit.code):
                    units[unit.code] = None
        return sorted(units, key=lambda code: (h.get(code).level, code))

    def department_name(self, code: str) -> str:
        """The official name of a department from its code (``320213-eco_environment``)."""
        unit_code, _, system = code.rpartition("-")
        if unit_code not in self.hierarchy:
            return code
        unit = self.hierarchy.get(unit_code)
        if system == GOVERNMENT:
            return government_name(unit)
        found = self.catalogue.systems.get(system)
        name = found.department_name(unit) if found is not None else None
        return name or code

    def supervisor_of(self, department: str, *, levels_up: int = 1) -> str:
        """The same-system department one level up (督办), else that level's government."""
        unit_code, system = department.rsplit("-", 1)
        unit: Jurisdiction | None = self.hierarchy.get(unit_code)
        for _ in range(levels_up):
            assert unit is not None
            unit = self.hierarchy.parent(unit.code)
            if unit is None:
                return department
        assert unit is not None
        if self.has_department(unit, system):
            return department_code(unit.code, system)
        return department_code(unit.code, GOVERNMENT)
