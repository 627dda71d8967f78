"""派单目录 (国办函〔2025〕66号): a province's or city's version of the responsibility list. The
national list is the base; a local catalogue overrides some fields of national matters and adds
matters of its own, from an effective date. Applying versions is pure and cheap to cache."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from liandong.domain.hierarchy import Level
from liandong.domain.responsibility import MatterType, Severity, TimeLimit

OVERRIDABLE = ("lead", "assist", "authority", "limits", "keywords", "hotline_code")
"""The fields a local catalogue may change on a national matter (names, categories and severities
stay national: they are what the hotlines of the whole country count and compare by). The hotline
classification code (GB/T 39666) is national too, but the national list ships none: a catalogue
supplies it from the standard."""

ROUTING_FIELDS = frozenset({"lead", "assist", "authority", "limits"})
"""The fields that change a routing decision or a deadline: a catalogue that set one of them is
named among the routing reasons (keywords only help to classify)."""


@dataclass(frozen=True, slots=True)
class Override:
    """The fields one local catalogue sets on one matter; None (or an empty limits map): unchanged."""

    code: str
    lead: str | None = None
    assist: tuple[str, ...] | None = None
    authority: Level | None = None
    limits: Mapping[Severity, TimeLimit] | None = None
    keywords: tuple[str, ...] | None = None
    hotline_code: str | None = None

    def fields(self) -> tuple[str, ...]:
        """The names of the fields this override sets, in ``OVERRIDABLE`` order."""
        return tuple(name for name in OVERRIDABLE if getattr(self, name) is not None)


@dataclass(frozen=True)
class LocalCatalogue:
    """One version of a scope's catalogue: the overrides of national matters and the added ones."""

    scope: str  # the official code of a province or a city
    version: str
    effective: date
    source: str  # the document that publishes it (e.g. 苏政办发〔2027〕12号)
    overrides: Mapping[str, Override]
    added: Mapping[str, MatterType]
    note: str = ""
    origin: str = ""  # the file it was read from

    @property
    def key(self) -> tuple[str, str]:
        return (self.scope, self.version)

    def label(self) -> str:
        return f"{self.scope} {self.version}"


def apply_override(matter: MatterType, override: Override, catalogue: LocalCatalogue) -> MatterType:
    """``matter`` with the fields ``override`` sets; a routing field records the catalogue."""
    changes: dict[str, object] = {}
    if override.lead is not None:
        changes["lead"] = override.lead or None
    if override.assist is not None:
        changes["assist"] = override.assist
    if override.authority is not None:
        changes["authority"] = override.authority
    if override.limits is not None:
        changes["limits"] = {**matter.limits, **override.limits}
    if override.keywords is not None:
        changes["keywords"] = override.keywords
    if override.hotline_code is not None:
        changes["hotline_code"] = override.hotline_code
    lead = changes.get("lead", matter.lead)
    assist = changes.get("assist", matter.assist)
    if lead is not None and isinstance(assist, tuple) and lead in assist:
        changes["assist"] = tuple(a for a in assist if a != lead)  # a nearer lead leaves the assists
    routing = [name for name in override.fields() if name in ROUTING_FIELDS]
    if routing:
        changes["origins"] = (*matter.origins, _origin(catalogue, routing))
    return replace(matter, **changes)  # type: ignore[arg-type]


def added_matter(matter: MatterType, catalogue: LocalCatalogue) -> MatterType:
    """A matter a local catalogue adds, marked as decided by it (every field is its own)."""
    return replace(matter, origins=(_origin(catalogue, ["added"]),))


def _origin(catalogue: LocalCatalogue, fields: Iterable[str]) -> tuple[str, str, str, str]:
    return (catalogue.scope, catalogue.version, catalogue.effective.isoformat(), "+".join(fields))


def compose(national: Mapping[str, MatterType],
            versions: Iterable[LocalCatalogue]) -> dict[str, MatterType]:
    """The list in force: the national matters with each version applied in turn (the province's,
    then the city's: the nearer wins field by field; a matter added again replaces it whole)."""
    matters = dict(national)
    for catalogue in versions:
        for code, override in catalogue.overrides.items():
            if code in matters:
                matters[code] = apply_override(matters[code], override, catalogue)
        for code, matter in catalogue.added.items():
            matters[code] = added_matter(matter, catalogue)
    return matters
