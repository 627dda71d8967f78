"""The fair-assessment figures of a scope (issue 25 point 5), per unit or department, beside the
rates: the error-tolerance rate (容错率: adverse outcomes inside a sanctioned pilot, of all adverse
outcomes), the cases pushed down (led by a township although the matter's authority is at the
county or above), the callback verification rate (回访核实率: sampled cases called a second time,
independently) with the satisfaction of the first and of the second call on the same cases, a unit
flagged when they diverge; and the cases the centre adjudicated, with their rulings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from liandong.assessment.export import Sheet
from liandong.assessment.facts import RATING_POINTS, CaseFacts
from liandong.assessment.fair import FairCase
from liandong.assessment.service import Assessment
from liandong.assessment.tiers import tier_of, tier_words
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.i18n import pick
from liandong.i18n.assessment import EXCLUSION_COLUMNS, FAIR_COLUMNS, FINDING_NAMES, YES_NO_NAMES

Names = Callable[[str], str]
AuthorityOf = Callable[[str, tuple[str, ...], datetime], int | None]
"""A matter's authority level (Level) as the catalogue in force at the case's places (their deepest
codes) on its report time defines it (派单目录); None when not set."""
_UNIT_GROUPS = {"province": Level.PROVINCE, "city": Level.CITY, "county": Level.COUNTY,
                "township": Level.TOWNSHIP}


@dataclass
class FairRow:
    key: str
    tier: str = ""
    received: int = 0
    excluded: int = 0
    adverse: int = 0
    tolerated: int = 0
    township_led: int = 0
    pushed_down: int = 0
    sampled: int = 0
    verified: int = 0
    agreed: int = 0
    paired: int = 0  # verified cases with a valid rating from both calls
    self_points: float = 0.0
    independent_points: float = 0.0
    diverges: bool = False

    @staticmethod
    def _ratio(num: float, den: float) -> float | None:
        return num / den if den else None

    @property
    def tolerance_rate(self) -> float | None:
        return self._ratio(self.tolerated, self.adverse)

    @property
    def pushed_down_share(self) -> float | None:
        return self._ratio(self.pushed_down, self.township_led)

    @property
    def verification_rate(self) -> float | None:
        return self._ratio(self.verified, self.sampled)

    @property
    def agreement_rate(self) -> float | None:
        return self._ratio(self.agreed, self.verified)

    @property
    def self_satisfaction(self) -> float | None:
        return self._ratio(self.self_points, self.paired)

    @property
    def independent_satisfaction(self) -> float | None:
        return self._ratio(self.independent_points, self.paired)

    @property
    def gap(self) -> float | None:
        s, i = self.self_satisfaction, self.independent_satisfaction
        return None if s is None or i is None else s - i

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in (
            "key", "tier", "received", "excluded", "adverse", "tolerated", "township_led", "pushed_down",
            "sampled", "verified", "agreed", "paired", "diverges")}
        for k in ("tolerance_rate", "pushed_down_share", "verification_rate", "agreement_rate",
                  "self_satisfaction", "independent_satisfaction", "gap"):
            out[k] = getattr(self, k)
        return out


def _keys(f: CaseFacts, by: str, scope: str, a: Assessment) -> list[str]:
    h = a.hierarchy
    if by == "department":
        unit = f.lead.rpartition("-")[0]
        return [f.lead] if f.lead and unit in h and h.is_ancestor(scope, unit) else []
    level = _UNIT_GROUPS[by]
    codes = {p[int(level) - 1] for p in f.places}
    return sorted(c for c in codes if c and c in h and h.is_ancestor(scope, c))


def fair_rows(a: Assessment, scope: str, by: str, authority_of: AuthorityOf) -> list[FairRow]:
    """Per group of the scope (a unit level or ``department``), most cases first; the current
    period must have been read with its fair cases (``PeriodFacts.refined(..., always=True)``)."""
    if by not in (*_UNIT_GROUPS, "department"):
        from liandong.domain.errors import DomainError
        raise DomainError("assessment.bad_group", value=by, allowed=", ".join((*_UNIT_GROUPS, "department")))
    cases: dict[str, FairCase] = a.current.fair or {}
    blamed = {att.case_id: att for att in a.attributions(scope)}
    groups = a.groups(scope, by)
    rows: dict[str, FairRow] = {k: FairRow(k) for k in groups}
    gap, least = a.rules.verification.max_gap, a.rules.verification.min_sample
    for f in a.current.facts:
        if f.counts.get("supporting"):
            continue
        fc = cases.get(f.case_id)
        for key in _keys(f, by, scope, a):
            row = rows.setdefault(key, FairRow(key))
            row.received += 1
            att = blamed.get(f.case_id)
            if att is not None:
                row.adverse += 1
                row.tolerated += int(bool(att.tolerance))
            if f.lead_level == Level.TOWNSHIP:
                row.township_led += 1
                places = tuple(next((c for c in reversed(p) if c), "") for p in f.places)
                authority = authority_of(f.matter, places, f.received_at)
                row.pushed_down += int(authority is not None and authority <= Level.COUNTY)
            if fc is None:
                continue
            row.excluded += int(fc.excluded)
            if fc.sampled:
                row.sampled += 1
                row.verified += int(fc.verified)
                row.agreed += int(fc.verified and fc.agrees)
                if fc.verified and fc.verified_rating in RATING_POINTS:
                    row.paired += 1
                    row.self_points += RATING_POINTS[fc.first_rating]
                    row.independent_points += RATING_POINTS[fc.verified_rating]
    for key, row in rows.items():
        g = row.gap
        row.diverges = row.paired >= least and g is not None and abs(g) > gap + 1e-12
        if a.rules.tiers.enabled and key in groups:
            row.tier = tier_of(key, groups[key], a.rules.tiers, a.hierarchy)
    return sorted(rows.values(), key=lambda r: (-r.received, r.key))


def fair_sheet(a: Assessment, scope: str, by: str, authority_of: AuthorityOf, name: Names, title: str,
               subtitle: str, lang: str) -> Sheet:
    rows = []
    for r in fair_rows(a, scope, by, authority_of):
        row = r.as_dict()
        row["name"] = name(r.key)
        row["diverges"] = pick(YES_NO_NAMES[r.diverges], lang)
        row["tier"] = tier_words(r.tier, lang)
        rows.append(row)
    return Sheet(title, subtitle, FAIR_COLUMNS, rows)


def exclusion_rows(a: Assessment, scope: str, name: Names, matter_name: Names, lang: str,
                   number: Names | None = None) -> list[dict[str, Any]]:
    """Every case of the scope the centre adjudicated, oldest ruling first, with its rulings."""
    h = a.hierarchy
    cases: dict[str, FairCase] = a.current.fair or {}
    out = []
    for f in a.current.facts:
        fc = cases.get(f.case_id)
        adj = fc.adjudication if fc is not None else None
        if adj is None or not any(p in h and h.is_ancestor(scope, p) for p in f.record.affected):
            continue
        centre = adj.centre_finding or adj.finding
        out.append({
            "case_id": number(f.case_id) if number is not None else f.case_id,
            "matter": matter_name(f.matter), "lead": name(f.lead) if f.lead else "",
            "centre_finding": pick(FINDING_NAMES[centre], lang), "reason": adj.reason, "by": name(adj.by),
            "at": f"{adj.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}", "appeal": adj.appeal_reason,
            "decider": name(adj.decider) if adj.decider else "", "ruling": adj.ruling,
            "finding": pick(FINDING_NAMES[adj.finding], lang),
            "excluded": pick(YES_NO_NAMES[adj.excluded and a.rules.exclusions.enabled], lang),
            "_at": adj.at})
    out.sort(key=lambda r: (r["_at"], r["case_id"]))
    for r in out:
        del r["_at"]
    return out


def exclusion_sheet(a: Assessment, scope: str, name: Names, matter_name: Names, title: str, subtitle: str,
                    lang: str, number: Names | None = None) -> Sheet:
    rows = exclusion_rows(a, scope, name, matter_name, lang, number)
    return Sheet(title, subtitle, EXCLUSION_COLUMNS, rows)
