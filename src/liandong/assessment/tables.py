"""The rows of the assessment tables, shared by the CLI (``liandong report``), the exports and the
workbench page, so that all show the same thing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from liandong.assessment.export import COLUMNS, RANK_COLUMNS, SEGMENT_COLUMNS, Sheet
from liandong.assessment.rules import Ranked
from liandong.assessment.service import Assessment
from liandong.assessment.tiers import tier_words
from liandong.domain.cases.routing import Router
from liandong.domain.catalogue import Catalogue
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.worktime import SHANGHAI
from liandong.i18n import name_of, pick, words
from liandong.i18n.assessment import KIND_NAMES, REPORT_TEXT, STAGE_NAMES

Names = Callable[[str], str]
NEXT_GROUP = {Level.CENTRAL: "province", Level.PROVINCE: "city", Level.CITY: "county",
              Level.COUNTY: "township", Level.TOWNSHIP: "department"}
_CHILD_GROUP = {"province": "city", "city": "county", "county": "township"}


def namer(hierarchy: HierarchyIndex, router: Router, catalogue: Catalogue, by: str, lang: str) -> Names:
    """The name of a group's key: a department, a unit, a matter or a system."""
    def name(key: str) -> str:
        if "-" in key:
            return router.department_name(key)
        if key in hierarchy:
            return hierarchy.get(key).name
        if by == "matter" and key in catalogue.matters:
            return name_of(catalogue.matters.get(key), lang)
        if by == "lead_system" and key in catalogue.systems:
            return name_of(catalogue.systems[key], lang)
        return key
    return name


def _t(pair: tuple[str, str], lang: str) -> str:
    return pick(pair, lang)


def subtitle(a: Assessment, lang: str) -> str:
    p, as_of = a.current.period, a.current.as_of.astimezone(SHANGHAI)
    return words(REPORT_TEXT, lang)["subtitle"].format(
        label=p.label, first_day=p.first_day, last_day=p.last_day, as_of=f"{as_of:%Y-%m-%d %H:%M}")


def kpi_rows(a: Assessment, scope: str, by: str, name: Names, lang: str) -> list[dict[str, Any]]:
    """The scope's total, then each group, most cases first."""
    total = a.total(scope)
    groups = a.groups(scope, by)
    rows = [{**total.as_dict(), "key": scope,
             "name": name(scope) + words(REPORT_TEXT, lang)["total"]}]
    for key in sorted(groups, key=lambda k: (-groups[k].counts.get("received", 0), k)):
        rows.append({**groups[key].as_dict(), "key": key, "name": name(key)})
    return rows


def kpi_sheets(a: Assessment, scope: str, by: str, name: Names, lang: str) -> list[Sheet]:
    """One sheet for the scope with its groups, then (for units) one per unit with cases, listing
    the units below it."""
    head = subtitle(a, lang)
    rows = kpi_rows(a, scope, by, name, lang)
    sheets = [Sheet(name(scope), head, COLUMNS, rows)]
    below = _CHILD_GROUP.get(by)
    if below is not None:
        sheets += [Sheet(row["name"], head, COLUMNS, kpi_rows(a, row["key"], below, name, lang))
                   for row in rows[1:] if row["received"]]
    return sheets


def rank_rows(ranked: list[Ranked], name: Names, lang: str) -> list[dict[str, Any]]:
    return [{"rank": r.rank, "key": r.key, "name": name(r.key), "value": r.value, "previous": r.previous,
             "change": r.change, "previous_rank": r.previous_rank, "valid": r.valid, "klass": r.klass,
             "tier": tier_words(r.tier, lang)} for r in ranked]


def rank_sheet(a: Assessment, scope: str, ranked: list[Ranked], name: Names, lang: str) -> Sheet:
    """The ranking as a sheet; ranked in tiers (分级分类), with the tier first."""
    columns = ((TIER_COLUMN, *RANK_COLUMNS) if any(r.tier for r in ranked) else RANK_COLUMNS)
    return Sheet(name(scope), subtitle(a, lang), columns, rank_rows(ranked, name, lang))


TIER_COLUMN = ("tier", "分级分类", "tier", "text")


def segment_rows(a: Assessment, scope: str, name: Names, lang: str) -> list[dict[str, Any]]:
    """A row per segment of every adverse case of the scope."""
    rows = []
    for att in a.attributions(scope):
        total = sum(s.seconds for s in att.segments) or 1.0
        for s in att.segments:
            rows.append({"case_id": att.case_id, "outcomes": "、".join(att.outcomes), "party": s.party,
                         "party_name": name(s.party),
                         "stage": _t(STAGE_NAMES[s.stage], lang) if s.stage else "",
                         "kind": _t(KIND_NAMES[s.kind], lang), "hours": round(s.seconds / 3600, 2),
                         "share": s.seconds / total, "evidence": f"v{s.evidence[0]}–v{s.evidence[1]}",
                         "tolerance": att.tolerance})
    return rows


def segment_sheet(a: Assessment, scope: str, name: Names, lang: str) -> Sheet:
    return Sheet(name(scope), subtitle(a, lang), SEGMENT_COLUMNS, segment_rows(a, scope, name, lang))
