"""The reference data the tests stand on, built once per process (per xdist worker) and cached:
the national list where a test truly needs it, and small hierarchies of one province or city
(a few thousand units instead of about 42,000) where a test only walks that place."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy, national_units
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.catalogue import Catalogue
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction

JIANGSU = "320000"
WUXI = "320200"


def national() -> HierarchyIndex:
    """The whole national list (the adapter caches it: once per process)."""
    return national_hierarchy()


def catalogue() -> Catalogue:
    return default_catalogue()


def _subtree(units: Iterable[Jurisdiction], roots: frozenset[str]) -> list[Jurisdiction]:
    """The units under ``roots`` (themselves included), with every ancestor up to the central node,
    in the national list's order."""
    units = list(units)
    parent = {u.code: u.parent_code for u in units}

    def chain(code: str | None) -> Iterable[str]:
        while code is not None:
            yield code
            code = parent[code]

    keep = {code for code in parent if roots.intersection(chain(code))}
    keep |= {a for root in roots for a in chain(root)}
    return [u for u in units if u.code in keep]


@cache
def region(*codes: str) -> HierarchyIndex:
    """A hierarchy of the given provinces, cities or counties and everything under them, with
    their ancestors up to the central node: the national list cut down, same codes and names."""
    return HierarchyIndex(_subtree(national_units(), frozenset(codes)))


def jiangsu() -> HierarchyIndex:
    """江苏省 alone (1,347 units): enough for every test that stays in the province."""
    return region(JIANGSU)


@cache
def case_rules(hierarchy: HierarchyIndex | None = None) -> Rules:
    """Case rules over ``hierarchy`` (江苏 unless given), the packaged catalogue and the statutory
    calendar, as the platform wires them."""
    return Rules(Router(hierarchy or jiangsu(), catalogue()), ChineseWorkCalendar(), CasePolicy())


def national_case_rules() -> Rules:
    return case_rules(national())
