"""Reading one local catalogue from a parsed document (a TOML file, or rows of a workbook turned
into the same shape), refused whole with the source, the entry, the field and what is allowed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from difflib import get_close_matches
from typing import Any

from liandong.domain.dispatch_catalogue.model import OVERRIDABLE, LocalCatalogue, Override
from liandong.domain.errors import DomainError, ReferenceDataError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.records import Record
from liandong.domain.responsibility import (
    MatterType,
    ResponsibilityList,
    Severity,
    TimeLimit,
    read_hotline_code,
    read_matters,
)

HEAD_FIELDS = ("scope", "version", "effective", "source", "note", "overrides", "matters")
SCOPE_LEVELS = (Level.PROVINCE, Level.CITY)


def parse_effective(value: Any, *, source: str, entry: str = "(file)") -> date:
    """A TOML date (``effective = 2027-03-01``) or the same as text."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ReferenceDataError("catalogue.bad_effective", source=source, entry=entry, field="effective",
                             value=str(value), allowed="YYYY-MM-DD")


def check_scope(code: str, hierarchy: HierarchyIndex, *, source: str, entry: str = "(file)") -> str:
    """A province or a city of the national list (a municipality counts as a province)."""
    if code not in hierarchy:
        near = "、".join(hierarchy.nearest_codes(code)) if code else ""
        raise ReferenceDataError("catalogue.unknown_scope", source=source, entry=entry, field="scope",
                                 value=code, suggestions=near)
    unit = hierarchy.get(code)
    if unit.level not in SCOPE_LEVELS:
        raise ReferenceDataError("catalogue.scope_level", source=source, entry=entry, field="scope",
                                 value=f"{code} {unit.name}", level=unit.level.key,
                                 allowed=", ".join(lv.key for lv in SCOPE_LEVELS))
    return code


def read_local_catalogue(document: Any, *, source: str, national: ResponsibilityList,
                         systems: Iterable[str], hierarchy: HierarchyIndex,
                         labels: Mapping[str, Sequence[str]] | None = None) -> LocalCatalogue:
    """One version of a scope's catalogue, checked against the national list, the systems and the
    hierarchy. ``labels``: names of the entries of ``overrides`` and ``matters`` (a workbook's rows)."""
    head = Record(document, source=source, entry="(file)")
    head.only(HEAD_FIELDS)
    scope = check_scope(head.text("scope"), hierarchy, source=source)
    version = head.text("version")
    if "effective" not in head.data:
        raise head.fail("data.missing_field", field="effective")
    effective = parse_effective(head.data["effective"], source=source)
    known = sorted(systems)
    overrides: dict[str, Override] = {}
    for rec in _records(document, "overrides", source, labels):
        override = _override(rec, national, known)
        if override.code in overrides:
            raise rec.fail("catalogue.duplicate", field="code", value=override.code, what="overrides")
        overrides[override.code] = override
    added: dict[str, MatterType] = {}
    items = document.get("matters")
    if items:
        names = list((labels or {}).get("matters", ()))
        try:
            listed = read_matters({"version": version, "matters": items}, source=source, systems=known)
        except ReferenceDataError as exc:
            raise _relabelled(exc, names) from None
        for n, matter in enumerate(listed.matters.values()):
            if matter.code in national:
                entry = names[n] if n < len(names) else f"matters[{n + 1}] {matter.code}"
                raise ReferenceDataError("catalogue.added_is_national", source=source, entry=entry,
                                         field="code", value=matter.code)
            if matter.code in overrides:
                raise ReferenceDataError("catalogue.duplicate", source=source, entry=matter.code,
                                         field="code", value=matter.code, what="overrides, matters")
            added[matter.code] = matter
    if not overrides and not added:
        raise ReferenceDataError("catalogue.empty", source=source, entry="(file)")
    return LocalCatalogue(scope=scope, version=version, effective=effective, source=head.text("source"),
                          overrides=overrides, added=added, note=head.text("note", required=False),
                          origin=source)


def _records(document: Any, key: str, source: str,
             labels: Mapping[str, Sequence[str]] | None) -> list[Record]:
    items = document.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise ReferenceDataError("data.wrong_type", source=source, entry="(file)", field=key,
                                 expected="array of tables", got=repr(items)[:40])
    names = list((labels or {}).get(key, ()))
    out = []
    for n, item in enumerate(items):
        code = item.get("code") if isinstance(item, Mapping) else None
        entry = names[n] if n < len(names) else f"{key}[{n + 1}] {code or ''}".strip()
        out.append(Record(item, source=source, entry=entry))
    return out


def _relabelled(exc: ReferenceDataError, names: list[str]) -> ReferenceDataError:
    """An error of ``read_matters`` about ``matters[n] code``, renamed by the row it came from."""
    entry = str(exc.params.get("entry", ""))
    if entry.startswith("matters[") and names:
        n = int(entry[len("matters["):entry.index("]")]) - 1
        if 0 <= n < len(names):
            exc.params["entry"] = names[n]
    return exc


def _override(rec: Record, national: ResponsibilityList, systems: list[str]) -> Override:
    rec.only(("code", *OVERRIDABLE))
    code = rec.text("code")
    if code not in national:
        near = get_close_matches(code, list(national.matters), n=5, cutoff=0.5)
        raise rec.fail("catalogue.unknown_matter", field="code", value=code, suggestions="、".join(near))
    base = national.get(code)
    lead = rec.text("lead", required=False) or None
    if lead is not None:
        rec.choice("lead", lead, systems)
    assist = None
    if "assist" in rec.data:
        assist = rec.texts("assist")
        for system in assist:
            rec.choice("assist", system, systems)
        if len(set(assist)) != len(assist):
            raise rec.fail("catalogue.repeated", field="assist", value=", ".join(assist))
    if lead is not None and assist is not None and lead in assist:
        raise rec.fail("data.lead_in_assist", field="assist", value=lead)
    authority = None
    if rec.text("authority", required=False):
        key = rec.choice("authority", rec.text("authority"), [lv.key for lv in Level])
        authority = Level.parse(key)
    limits = None
    if "limits" in rec.data:
        limits = {}
        allowed = [s.value for s in base.severities]
        for key, text in rec.table("limits").items():
            rec.choice(f"limits.{key}", key, allowed)
            if not isinstance(text, str):
                raise rec.fail("data.wrong_type", field=f"limits.{key}", expected="string", got=repr(text))
            try:
                limits[Severity(key)] = TimeLimit.parse(text)
            except DomainError:
                raise rec.fail("data.bad_limit", field=f"limits.{key}", value=text,
                               allowed="Nh, Nwd (N > 0)") from None
        if not limits:
            raise rec.fail("data.empty_field", field="limits")
    keywords = rec.texts("keywords") if "keywords" in rec.data else None
    override = Override(code, lead, assist, authority, limits, keywords, read_hotline_code(rec))
    if not override.fields():
        raise rec.fail("catalogue.nothing_overridden", field="code", value=code,
                       allowed=", ".join(OVERRIDABLE))
    return override


def check_versions(catalogues: Iterable[LocalCatalogue]) -> list[LocalCatalogue]:
    """The versions of all scopes, refused when two share a scope and version or an effective date."""
    seen: dict[tuple[str, str], LocalCatalogue] = {}
    dated: dict[tuple[str, date], LocalCatalogue] = {}
    out = []
    for cat in catalogues:
        if cat.key in seen:
            raise ReferenceDataError("catalogue.duplicate_version", source=cat.origin, entry="(file)",
                                     field="version", value=cat.label(), first=seen[cat.key].origin)
        if (cat.scope, cat.effective) in dated:
            first = dated[(cat.scope, cat.effective)]
            raise ReferenceDataError("catalogue.same_effective", source=cat.origin, entry="(file)",
                                     field="effective", value=cat.effective.isoformat(),
                                     first=f"{first.origin} ({first.version})")
        seen[cat.key] = dated[(cat.scope, cat.effective)] = cat
        out.append(cat)
    return sorted(out, key=lambda c: (c.scope, c.effective))
