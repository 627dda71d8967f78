"""分级分类: ranking and classing units only against comparable ones (issue 25 point 5).

A tier is the level of the unit (a department's unit's level) and, when the rules give volume
bands, the band of cases the unit received in the period. Ranks, the shares of the class rules
(top 20 %, bottom 10 %) and the rank the period before are all taken within the tier; the class
thresholds are those of the indicator ranked (``Classes.of``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace

from liandong.assessment.engine import Figures
from liandong.assessment.fair_rules import Tiers
from liandong.assessment.rules import Classes, Ranked, rank
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.i18n import pick

LEVEL_TIERS = {int(Level.CENTRAL): ("中央", "central"), int(Level.PROVINCE): ("省级", "province"),
               int(Level.CITY): ("市级", "city"), int(Level.COUNTY): ("县级", "county"),
               int(Level.TOWNSHIP): ("乡级", "township")}
LEVEL_KEYS = frozenset(en for _, en in LEVEL_TIERS.values())


def tier_words(label: str, lang: str) -> str:
    """A tier's label in words: ``county·100–499`` → 县级 · 100–499 件 / county level · 100–499 cases."""
    if not label:
        return ""
    words = {key: (zh, key) for zh, key in LEVEL_TIERS.values()}
    words.update({"other": ("其他", "other"), "all": ("全部", "all")})
    parts = []
    for part in label.split("·"):
        if part in words:
            zh, en = words[part]
            parts.append(pick((zh, f"{en} level" if part in LEVEL_KEYS else en), lang))
        else:
            parts.append(pick((f"{part} 件", f"{part} cases"), lang))
    return " · ".join(parts)


def level_of_key(key: str, hierarchy: HierarchyIndex) -> int:
    """The level of a unit (``320213``) or of a department's unit (``320213-urban_management``);
    -1 for a key that is neither (a matter, a source…)."""
    unit = key if key in hierarchy else key.rpartition("-")[0]
    return int(hierarchy.get(unit).level) if unit in hierarchy else -1


def tier_of(key: str, figures: Figures, tiers: Tiers, hierarchy: HierarchyIndex) -> str:
    """The tier's label: ``county`` / ``county·100–499`` / ``100–499`` (by level, band or both)."""
    parts = []
    if tiers.by_level:
        level = level_of_key(key, hierarchy)
        parts.append(LEVEL_TIERS[level][1] if level in LEVEL_TIERS else "other")
    if tiers.volume_bands:
        parts.append(tiers.band_label(tiers.band(figures.counts.get("received", 0))))
    return "·".join(parts) or "all"


def rank_in_tiers(current: Mapping[str, Figures], previous: Mapping[str, Figures], indicator: str,
                  *, lower_is_better: bool, classes: Classes, tiers: Tiers,
                  hierarchy: HierarchyIndex) -> list[Ranked]:
    """The units ranked and classed within their tiers (each unit's tier is that of the current
    period; its rank before is among the same units the period before). Rows come tier by tier
    (the tiers in order of their labels), best first within each."""
    members: dict[str, list[str]] = defaultdict(list)
    for key, f in current.items():
        members[tier_of(key, f, tiers, hierarchy)].append(key)
    out: list[Ranked] = []
    for label in sorted(members):
        keys = members[label]
        now = {k: current[k] for k in keys}
        before = {k: previous[k] for k in keys if k in previous}
        ranked = rank(now, before, indicator, lower_is_better=lower_is_better, rules=classes.of(indicator))
        out += [replace(r, tier=label) for r in ranked]
    return out
