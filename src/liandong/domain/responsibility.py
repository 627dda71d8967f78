"""职责清单: the responsibility list. For each matter type: the lead system, the assisting
systems, the level holding the power (authority floor), the severities it can take and the
default time limit at each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from enum import StrEnum
from typing import Any

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.records import Record, entries, unique


class Severity(StrEnum):
    """Routine requests, or the four tiers of the Emergency Response Law (Ⅳ 一般 … Ⅰ 特别重大)."""

    ROUTINE = "routine"
    IV = "IV"
    III = "III"
    II = "II"
    I = "I"  # noqa: E741 - the tier's own name

    @property
    def floor(self) -> Level | None:
        """The lowest level that may own an event of this severity (DESIGN §4, rule 2)."""
        return _SEVERITY_FLOOR[self]


_SEVERITY_FLOOR: dict[Severity, Level | None] = {
    Severity.ROUTINE: None,
    Severity.IV: Level.COUNTY,
    Severity.III: Level.CITY,
    Severity.II: Level.PROVINCE,
    Severity.I: Level.CENTRAL,
}

DEFAULT_CEILINGS: Mapping[Severity, Level] = {
    Severity.ROUTINE: Level.CITY, Severity.IV: Level.CITY, Severity.III: Level.PROVINCE,
    Severity.II: Level.PROVINCE, Severity.I: Level.CENTRAL,
}
"""提级上限 where the responsibility list sets none: routine and 一般 cases no higher than the city, 较大
and 重大 no higher than the province; only 特别重大 reaches the centre (总揽不包办)."""

_LIMIT = re.compile(r"^(\d+)(wd|h)$")


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """A handling limit: clock hours (``24h``) or working days of the Chinese calendar (``7wd``)."""

    amount: int
    unit: str  # "h" or "wd"

    @classmethod
    def parse(cls, text: str) -> TimeLimit:
        m = _LIMIT.match(text.strip())
        if not m or int(m.group(1)) <= 0:
            raise DomainError("limit.bad", value=text, allowed="Nh, Nwd (N > 0)")
        return cls(int(m.group(1)), m.group(2))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True, slots=True)
class MatterType:
    """One entry of the responsibility list."""

    code: str
    name: str
    name_en: str
    category: str
    lead: str | None  # None: no system holds it, a responsibility gap
    assist: tuple[str, ...]
    authority: Level | None
    default_severity: Severity
    severities: tuple[Severity, ...]
    limits: Mapping[Severity, TimeLimit]
    keywords: tuple[str, ...]
    public: bool = True
    """False for matters never shown in public reads (信访, 群体性事件, fraud, minors …): even that
    such a case exists can harm the person who reported it."""
    ceilings: Mapping[Severity, Level] = field(default_factory=dict)
    """提级上限 by severity: the highest level time-based escalation may hand a case of this matter to
    (read with the list's defaults filled in; ``DEFAULT_CEILINGS`` where a severity has none)."""
    hotline_code: str | None = None
    """Its code in the national hotline classification (GB/T 39666-2020 政府热线服务分类与代码) where
    known: the national list ships none (the standard's code table is not at hand, and a code is never
    guessed); a local catalogue supplies them from the standard."""
    origins: tuple[tuple[str, str, str, str], ...] = ()
    """The local dispatch catalogues (派单目录) that decided this entry's routing, province first:
    (scope code, version, effective date, changed fields joined by "+"); empty for the national list."""

    def limit(self, severity: Severity) -> TimeLimit:
        if severity not in self.limits:
            raise DomainError("matter.severity_not_allowed", matter=self.code,
                              severity=severity.value,
                              allowed=", ".join(s.value for s in self.severities))
        return self.limits[severity]

    def ceiling(self, severity: Severity) -> Level:
        """The highest level a case of this matter and severity may be escalated to: its 提级上限,
        never below the level its authority or its severity already requires."""
        level = self.ceilings.get(severity, DEFAULT_CEILINGS[severity])
        floors = [lv for lv in (self.authority, severity.floor) if lv is not None]
        return Level(min([level, *floors]))


class ResponsibilityList:
    """All matter types, by code."""

    def __init__(self, version: str, matters: Iterable[MatterType]) -> None:
        self.version = version
        self.matters: dict[str, MatterType] = {m.code: m for m in matters}

    def __len__(self) -> int:
        return len(self.matters)

    def __contains__(self, code: object) -> bool:
        return code in self.matters

    def get(self, code: str) -> MatterType:
        try:
            return self.matters[code]
        except KeyError:
            near = get_close_matches(code, list(self.matters), n=5, cutoff=0.5)
            raise DomainError("matter.unknown", code=code, suggestions="、".join(near)) from None

    def categories(self) -> list[str]:
        return sorted({m.category for m in self.matters.values()})


_MATTER_FIELDS = ("code", "name", "name_en", "category", "lead", "assist", "authority",
                  "default_severity", "severities", "keywords", "limits", "public", "ceiling",
                  "hotline_code")
CEILING_TABLE = "escalation_ceiling"
"""The responsibility list's table of default ceilings by severity."""


def read_ceilings(document: Any, *, source: str) -> dict[Severity, Level]:
    """The default 提级上限 by severity (``[escalation_ceiling]``), each severity named once with a
    level no lower than the severity's own floor; ``DEFAULT_CEILINGS`` where the table is absent."""
    raw = document.get(CEILING_TABLE) if isinstance(document, Mapping) else None
    if raw is None:
        return dict(DEFAULT_CEILINGS)
    rec = Record(raw, source=source, entry=CEILING_TABLE)
    rec.only(s.value for s in Severity)
    missing = [s.value for s in Severity if s.value not in raw]
    if missing:
        raise rec.fail("data.missing_field", field=", ".join(missing))
    return {s: _ceiling_level(rec, s.value, raw[s.value], s.floor, None) for s in Severity}


def _ceiling_level(rec: Record, key: str, value: Any, floor: Level | None, authority: Level | None) -> Level:
    """One ceiling: a level key, at or above the severity's floor and the matter's authority."""
    levels = [lv.key for lv in Level]
    if not isinstance(value, str):
        raise rec.fail("data.wrong_type", field=key, expected="string", got=repr(value))
    level = Level[rec.choice(key, value, levels).upper()]
    for required, code in ((floor, "data.ceiling_below_severity"),
                           (authority, "data.ceiling_below_authority")):
        if required is not None and level > required:
            raise rec.fail(code, field=key, value=value, required=required.key,
                           allowed=", ".join(lv.key for lv in Level if lv <= required))
    return level


def _matter_ceilings(rec: Record, severities: tuple[Severity, ...], authority: Level | None,
                     defaults: Mapping[Severity, Level]) -> dict[Severity, Level]:
    """A matter's ceilings: one level for every severity (``ceiling = "province"``), or a table by
    severity (only severities the matter takes), the list's defaults for the rest."""
    raw = rec.data.get("ceiling")
    given: dict[str, Any] = {}
    if isinstance(raw, str):
        given = {s.value: raw for s in severities}
    elif isinstance(raw, Mapping):
        for key in raw:
            rec.choice("ceiling", key, [s.value for s in severities])
        given = dict(raw)
    elif raw is not None:
        raise rec.fail("data.wrong_type", field="ceiling", expected="level or table by severity",
                       got=repr(raw))
    out = {}
    for s in severities:
        if s.value in given:
            out[s] = _ceiling_level(rec, f"ceiling.{s.value}", given[s.value], s.floor, authority)
        else:
            out[s] = Level(min([defaults[s], *(lv for lv in (authority,) if lv is not None)]))
    return out


HOTLINE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")
"""A code of GB/T 39666 as offices write it: letters, digits, points and hyphens, up to 20 characters
(the format is checked, never the table, which is not at hand)."""


def read_hotline_code(rec: Record) -> str | None:
    """The optional ``hotline_code`` of an entry, refused when it is not a code at all."""
    code = rec.text("hotline_code", required=False)
    if not code:
        return None
    if not HOTLINE_CODE.match(code):
        raise rec.fail("data.bad_hotline_code", field="hotline_code", value=code,
                       allowed="1–20 个字母、数字、点或连字符 / 1–20 letters, digits, points or hyphens")
    return str(code)


def read_matters(document: Any, *, source: str, systems: Iterable[str]) -> ResponsibilityList:
    """The responsibility list from a parsed ``matters.toml``, checked against known systems."""
    known = sorted(systems)
    levels = [lv.key for lv in Level]
    severity_values = [s.value for s in Severity]
    defaults = read_ceilings(document, source=source)
    matters = []
    for rec in entries(document, "matters", source=source):
        rec.only(_MATTER_FIELDS)
        code = rec.text("code")
        lead = rec.text("lead", required=False)
        if lead:
            rec.choice("lead", lead, known)
        assist = rec.texts("assist")
        for system in assist:
            rec.choice("assist", system, known)
        if lead and lead in assist:
            raise rec.fail("data.lead_in_assist", field="assist", value=lead)
        authority_key = rec.text("authority", required=False)
        authority = None
        if authority_key:
            authority = Level[rec.choice("authority", authority_key, levels).upper()]
        severities = tuple(Severity(rec.choice("severities", s, severity_values))
                           for s in rec.texts("severities", required=True))
        default = Severity(rec.choice("default_severity", rec.text("default_severity"),
                                      [s.value for s in severities]))
        raw_limits = rec.table("limits")
        if set(raw_limits) != {s.value for s in severities}:
            raise rec.fail("data.limits_mismatch", field="limits",
                           value=", ".join(sorted(raw_limits)),
                           allowed=", ".join(s.value for s in severities))
        limits = {}
        for key, text in raw_limits.items():
            if not isinstance(text, str):
                raise rec.fail("data.wrong_type", field=f"limits.{key}", expected="string",
                               got=repr(text))
            try:
                limits[Severity(key)] = TimeLimit.parse(text)
            except DomainError:
                raise rec.fail("data.bad_limit", field=f"limits.{key}", value=text,
                               allowed="Nh, Nwd") from None
        matters.append((code, MatterType(
            code=code, name=rec.text("name"), name_en=rec.text("name_en"),
            category=rec.text("category"), lead=lead or None, assist=assist,
            authority=authority, default_severity=default, severities=severities,
            limits=limits, keywords=rec.texts("keywords"), public=rec.flag("public", default=True),
            ceilings=_matter_ceilings(rec, severities, authority, defaults),
            hotline_code=read_hotline_code(rec),
        )))
    by_code = unique(matters, source=source, what="matter")
    return ResponsibilityList(str(document["version"]), by_code.values())
