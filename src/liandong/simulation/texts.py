"""Realistic report texts: templates per matter type (``data/report_texts.toml``) filled with
the real names of the places, chosen by each report's own random draw (so reproducible)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.responsibility import ResponsibilityList

PLACEHOLDERS = frozenset({"place", "county", "spot", "when", "days"})
_FIELD = re.compile(r"{([^{}]*)}")


@dataclass(frozen=True)
class ReportTexts:
    templates: dict[str, tuple[str, ...]]
    spot: tuple[str, ...]
    when: tuple[str, ...]
    days: tuple[str, ...]

    @classmethod
    def load(cls, matters: ResponsibilityList, text: str | None = None,
             source: str = "report_texts.toml") -> ReportTexts:
        if text is None:
            text = resources.files("liandong.data").joinpath("report_texts.toml").read_text(encoding="utf-8")
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise DomainError("simulation.bad_texts", source=source, problem=str(exc)) from None
        templates: dict[str, tuple[str, ...]] = {}
        for entry in doc.get("texts", []):
            code = entry.get("matter", "")
            if code not in matters:
                raise DomainError("simulation.bad_texts", source=source, problem=f"unknown matter '{code}'")
            items = tuple(entry.get("templates", []))
            for template in items:
                fields = set(_FIELD.findall(template))
                if "place" not in fields or not fields <= PLACEHOLDERS:
                    raise DomainError("simulation.bad_texts", source=source,
                                      problem=f"{code}: '{template[:30]}…' needs {{place}} and only "
                                              f"{', '.join(sorted(PLACEHOLDERS))}")
            if not items:
                raise DomainError("simulation.bad_texts", source=source, problem=f"{code}: no templates")
            templates[code] = items
        missing = [code for code in matters.matters if code not in templates]
        if missing:
            raise DomainError("simulation.bad_texts", source=source,
                              problem="no templates for " + ", ".join(missing[:5]))
        pools = doc.get("pools", {})
        return cls(templates, tuple(pools.get("spot", ["附近"])), tuple(pools.get("when", ["最近"])),
                   tuple(pools.get("days", ["几"])))

    def render(self, hierarchy: HierarchyIndex, *, matter: str, place: str, draw: int) -> str:
        """The text of one report about ``matter`` at township ``place``; ``draw`` picks the
        wording and the details."""
        options = self.templates[matter]
        unit = hierarchy.get(place)
        county = hierarchy.nearest_at_or_above(place, Level.COUNTY)
        county_name = county.name if county.code != unit.code and county.level > Level.CENTRAL else ""
        return options[draw % len(options)].format(
            place=unit.name, county=county_name,
            spot=self.spot[(draw // 7) % len(self.spot)],
            when=self.when[(draw // 311) % len(self.when)],
            days=self.days[(draw // 9973) % len(self.days)])
