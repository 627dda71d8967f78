"""The reference data every rule reads: the national hierarchy, the functional systems, the
governance elements and the responsibility list, checked against each other once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Level
from liandong.domain.organisation import (
    Department,
    FunctionalSystem,
    GovernanceElements,
    departments_of,
)
from liandong.domain.responsibility import ResponsibilityList


@dataclass(frozen=True)
class Catalogue:
    """Systems, governance elements and the responsibility list (without the hierarchy)."""

    systems_version: str
    systems: dict[str, FunctionalSystem]
    governance: GovernanceElements
    matters: ResponsibilityList

    def system(self, code: str) -> FunctionalSystem:
        try:
            return self.systems[code]
        except KeyError:
            raise DomainError("system.unknown", code=code,
                              allowed=", ".join(self.systems)) from None


@dataclass(frozen=True)
class Scope:
    """A part of the country for which departments are created: a unit, its ancestors and
    its whole subtree (``all`` is the subtree of the central node)."""

    root: str

    def units(self, hierarchy: HierarchyIndex) -> Iterator[Jurisdiction]:
        """Ancestors first (top-down), then the subtree of the root in pre-order."""
        path = hierarchy.path(self.root)
        yield from path[:-1]
        yield from hierarchy.descendants(self.root)

    def size(self, hierarchy: HierarchyIndex) -> int:
        return len(hierarchy.path(self.root)) - 1 + hierarchy.subtree_size(self.root)


def parse_scope(text: str, hierarchy: HierarchyIndex) -> Scope:
    """``all``, or an official code; a two- or four-digit prefix is padded (``32`` → 320000)."""
    value = text.strip().lower()
    if value in ("all", "全国", "*"):
        return Scope(hierarchy.root.code)
    if value.isdigit() and len(value) in (2, 4):
        value = value.ljust(6, "0")
    hierarchy.id_of(value)  # unknown codes raise with the nearest matches
    return Scope(value)


def departments_in(scope: Scope, hierarchy: HierarchyIndex,
                   catalogue: Catalogue) -> Iterator[Department]:
    systems = list(catalogue.systems.values())
    for unit in scope.units(hierarchy):
        yield from departments_of(unit, systems)



def count_departments_in(scope: Scope, hierarchy: HierarchyIndex, catalogue: Catalogue) -> int:
    """How many departments ``departments_in`` yields, without building them."""
    per_shape: dict[tuple[Level, str], int] = {}
    total = 0
    systems = list(catalogue.systems.values())
    for unit in scope.units(hierarchy):
        shape = (unit.level, unit.kind.value)
        if shape not in per_shape:
            per_shape[shape] = 1 + sum(1 for s in systems if s.pattern_key(unit) is not None)
        total += per_shape[shape]
    return total
