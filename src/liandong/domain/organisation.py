"""条与块: functional systems, their departments at each level, territorial governments, and the
governance elements (治理要素) that decide what a level may do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from liandong.domain.errors import ReferenceDataError
from liandong.domain.hierarchy import Jurisdiction, Kind, Level
from liandong.domain.records import Record, entries, unique

GOVERNMENT = "gov"
"""The system code used for the territorial government (块) of a jurisdiction."""

PATTERN_KEYS = ("central", "province", "municipality", "city", "county", "district", "township")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ALLOWED_PLACEHOLDERS = frozenset({"name", "short"})
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class Action(StrEnum):
    """What a department may do; granted by the governance elements of its level."""

    ISSUE_PILOT = "issue_pilot"
    EVALUATE_PILOT = "evaluate_pilot"
    CONTRACT_PROJECT = "contract_project"
    ISSUE_DIRECTIVE = "issue_directive"
    COMMEND = "commend"
    CRITICISE = "criticise"
    INSPECT = "inspect"
    ASSESS = "assess"
    BRIEF = "brief"
    SHARE_EXPERIENCE = "share_experience"
    PROMOTE_EXPERIENCE = "promote_experience"
    CONVENE_SYMPOSIUM = "convene_symposium"
    CONVENE_TRAINING = "convene_training"
    CONVENE_MEETING = "convene_meeting"
    ALLOCATE_RESOURCES = "allocate_resources"
    REQUEST_RESOURCES = "request_resources"
    PUBLISH_INFORMATION = "publish_information"
    RESPOND_PUBLIC_OPINION = "respond_public_opinion"
    HANDLE_CASE = "handle_case"
    DISPATCH_CASE = "dispatch_case"
    SUPERVISE_CASE = "supervise_case"
    SUMMON = "summon"
    REPORT_PROBLEM = "report_problem"
    REPORT_PROGRESS = "report_progress"


@dataclass(frozen=True, slots=True)
class FunctionalSystem:
    """One 条: a line of departments from a ministry down, e.g. 生态环境部 … 梁溪生态环境分局."""

    code: str
    name: str
    name_en: str
    patterns: Mapping[str, str]

    def pattern_key(self, unit: Jurisdiction) -> str | None:
        """Which name pattern applies to ``unit``; None where the system has no department."""
        if unit.kind is Kind.SAR:
            return None
        if unit.level is Level.PROVINCE and unit.is_municipality:
            key = "municipality"
        elif unit.level is Level.COUNTY and unit.kind is Kind.DISTRICT and "district" in self.patterns:
            key = "district"
        else:
            key = unit.level.key
        return key if key in self.patterns else None

    def department_name(self, unit: Jurisdiction) -> str | None:
        key = self.pattern_key(unit)
        if key is None:
            return None
        return self.patterns[key].format(name=unit.name, short=unit.short_name)


@dataclass(frozen=True, slots=True)
class Department:
    """A functional department of one system in one jurisdiction, or its territorial government."""

    code: str
    jurisdiction_code: str
    system_code: str
    level: Level
    name: str

    @property
    def is_government(self) -> bool:
        return self.system_code == GOVERNMENT


def department_code(jurisdiction_code: str, system_code: str) -> str:
    return f"{jurisdiction_code}-{system_code}"


def government_name(unit: Jurisdiction) -> str:
    """人民政府 of a jurisdiction; 办事处 of a street; 行政公署 of a 地区 or 盟; 国务院 at the centre."""
    if unit.level is Level.CENTRAL:
        return "国务院"
    if unit.kind is Kind.SAR:
        return f"{unit.name}政府"
    if unit.kind in (Kind.PREFECTURE, Kind.LEAGUE):
        return f"{unit.name}行政公署"
    if unit.kind is Kind.SUBDISTRICT:
        return unit.name if unit.name.endswith("办事处") else f"{unit.name}办事处"
    if unit.kind is Kind.DISTRICT_OFFICE:
        return unit.name
    return f"{unit.name}人民政府"


def departments_of(unit: Jurisdiction, systems: Iterable[FunctionalSystem]) -> Iterator[Department]:
    """The territorial government and every functional department that ``unit`` has."""
    yield Department(department_code(unit.code, GOVERNMENT), unit.code, GOVERNMENT, unit.level,
                     government_name(unit))
    for system in systems:
        name = system.department_name(unit)
        if name is not None:
            yield Department(department_code(unit.code, system.code), unit.code, system.code,
                             unit.level, name)


@dataclass(frozen=True, slots=True)
class GovernanceElement:
    """A 治理要素 of one or more levels (e.g. 舆情应对 of the city) and the actions it allows."""

    code: str
    name: str
    name_en: str
    levels: frozenset[Level]
    actions: frozenset[Action]


class GovernanceElements:
    """The elements of every level; answers whether a level may take an action, and why."""

    def __init__(self, version: str, elements: Iterable[GovernanceElement],
                 government_only: Iterable[Action] = ()) -> None:
        self.version = version
        self.elements = tuple(elements)
        self.government_only = frozenset(government_only)
        """Actions that only the territorial government (块) of a level takes, where granted."""

    def of_level(self, level: Level) -> list[GovernanceElement]:
        return [e for e in self.elements if level in e.levels]

    def allows(self, level: Level, action: Action) -> bool:
        return any(action in e.actions for e in self.of_level(level))

    def granting(self, level: Level, action: Action) -> list[GovernanceElement]:
        """The elements of ``level`` that grant ``action`` (the reason an action is allowed)."""
        return [e for e in self.of_level(level) if action in e.actions]


# -- reading the data files --------------------------------------------------------------------
def read_systems(document: Any, *, source: str) -> tuple[str, dict[str, FunctionalSystem]]:
    """Functional systems from a parsed ``systems.toml``."""
    systems = []
    for rec in entries(document, "systems", source=source):
        rec.only(("code", "name", "name_en", "departments"))
        code = _code(rec)
        patterns = dict(rec.table("departments"))
        for key, pattern in patterns.items():
            rec.choice("departments", key, PATTERN_KEYS)
            if not isinstance(pattern, str) or not pattern.strip():
                raise rec.fail("data.empty_field", field=f"departments.{key}")
            for placeholder in _PLACEHOLDER.findall(pattern):
                if placeholder not in _ALLOWED_PLACEHOLDERS:
                    raise rec.fail("data.bad_placeholder", field=f"departments.{key}",
                                   value=placeholder,
                                   allowed=", ".join(sorted(_ALLOWED_PLACEHOLDERS)))
        systems.append((code, FunctionalSystem(code, rec.text("name"), rec.text("name_en"),
                                               patterns)))
    if any(code == GOVERNMENT for code, _ in systems):
        raise ReferenceDataError("data.reserved_code", source=source, entry=GOVERNMENT)
    return str(document["version"]), unique(systems, source=source, what="system")


def read_governance(document: Any, *, source: str) -> GovernanceElements:
    """Governance elements from a parsed ``governance.toml``."""
    elements = []
    for rec in entries(document, "elements", source=source):
        rec.only(("code", "name", "name_en", "levels", "actions"))
        levels = frozenset(Level[rec.choice("levels", lv, [x.key for x in Level]).upper()]
                           for lv in rec.texts("levels", required=True))
        actions = frozenset(Action(rec.choice("actions", a, [x.value for x in Action]))
                            for a in rec.texts("actions", required=True))
        elements.append((_code(rec), GovernanceElement(_code(rec), rec.text("name"),
                                                       rec.text("name_en"), levels, actions)))
    by_code = unique(elements, source=source, what="element")
    return GovernanceElements(str(document["version"]), by_code.values(),
                              _government_only(document, source=source))


def _government_only(document: Any, *, source: str) -> frozenset[Action]:
    """``government_only``: actions of the territorial government alone, each a known action."""
    raw = document.get("government_only", [])
    rec = Record({"government_only": raw}, source=source, entry="government_only")
    return frozenset(Action(rec.choice("government_only", a, [x.value for x in Action]))
                     for a in rec.texts("government_only"))


def _code(rec: Record) -> str:
    code = rec.text("code")
    if not _CODE.match(code):
        raise rec.fail("data.bad_code", field="code", value=code, allowed="snake_case ASCII")
    return code
