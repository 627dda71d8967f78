"""派单目录 as the offices exchange it: an xlsx workbook, one matter per row under Chinese headings.

Export writes the list in force for a scope (national matters, overrides applied, added ones).
Import reads such a sheet back as one new version of a scope: a row equal to what is in force
above the scope says nothing, a row that differs in the fields a local catalogue may change
becomes an override, a row of a new code an added matter; anything else is refused naming the
sheet, the row and the column (the cell, e.g. ``派单目录!E7``). Nothing is written on error."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from liandong.domain.catalogue import Catalogue
from liandong.domain.dispatch_catalogue import (
    OVERRIDABLE,
    LocalCatalogue,
    LocalCatalogues,
    read_local_catalogue,
    show_value,
)
from liandong.domain.errors import ReferenceDataError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.responsibility import MatterType, read_matters

SHEET = "派单目录"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "事项编码"), ("name", "事项名称"), ("name_en", "英文名称"), ("category", "类别"),
    ("lead", "牵头系统"), ("assist", "协办系统"), ("authority", "权限层级"),
    ("default_severity", "默认等级"), ("severities", "等级"), ("limits", "办理时限"),
    ("keywords", "关键词"), ("public", "公开"), ("hotline_code", "热线分类代码"), ("origin", "依据"))
"""The columns in order: field, heading. ``origin`` (全国 or the catalogue and version) is written
for the reader and ignored on import; ``public`` and ``hotline_code`` (GB/T 39666, where known) may
be left out."""
LETTERS = {field: chr(ord("A") + n) for n, (field, _) in enumerate(COLUMNS)}
HEADINGS = dict(COLUMNS)
OPTIONAL = ("public", "hotline_code", "origin")
LEVEL_WORDS = {"中央": "central", "省级": "province", "市级": "city", "县级": "county", "乡级": "township"}
_SPLIT = re.compile(r"[、,，;；\s]+")


def export(path: Path, matters: Iterable[MatterType], info: Sequence[tuple[str, str]],
           origin_names: Mapping[tuple[str, str], str]) -> int:
    """Write the list; ``info``: (label, value) lines of a second sheet (scope, version, date…)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append([heading for _, heading in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    n = 0
    for m in matters:
        origin = "；".join(origin_names.get((o[0], o[1]), f"{o[0]} {o[1]}") for o in m.origins) or "全国"
        sheet.append([m.code, m.name, m.name_en, m.category, m.lead or "", "、".join(m.assist),
                      show_value(m, "authority"), m.default_severity.value,
                      "、".join(s.value for s in m.severities), show_value(m, "limits"),
                      "、".join(m.keywords), "是" if m.public else "否", m.hotline_code or "", origin])
        n += 1
    for field, width in zip(LETTERS, (24, 24, 28, 12, 18, 30, 10, 10, 18, 22, 40, 6, 14, 24), strict=True):
        sheet.column_dimensions[LETTERS[field]].width = width
    sheet.freeze_panes = "B2"
    about = book.create_sheet("说明")
    for row in info:
        about.append(list(row))
    book.save(path)
    return n


def _rows(path: Path) -> tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]]:
    from openpyxl import load_workbook  # imported where used: the CLI starts without it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook at all: zip, xml or format errors alike
        raise ReferenceDataError("catalogue.xlsx_unreadable", source=str(path),
                                 reason=type(exc).__name__) from exc
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        where: dict[str, int] = {}
        for field, heading in COLUMNS:
            if heading in header:
                where[field] = header.index(heading)
            elif field not in OPTIONAL:
                raise ReferenceDataError("catalogue.xlsx_header", source=str(path), sheet=SHEET,
                                         field=heading, allowed="、".join(HEADINGS.values()))
        body = [(n, tuple(row)) for n, row in enumerate(rows, start=2)
                if not all(v in (None, "") for v in row)]
        return where, body
    finally:
        book.close()


def _cell(row: tuple[Any, ...], where: Mapping[str, int], field: str) -> str:
    i = where.get(field)
    value = row[i] if i is not None and i < len(row) else None
    return "" if value is None else str(value).strip()


def _listed(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text) if part]


def _matter_table(row: tuple[Any, ...], where: Mapping[str, int],
                  systems: Mapping[str, str]) -> dict[str, Any]:
    """A row as a ``[[matters]]`` table of ``matters.toml`` (system names read as their codes)."""
    def system(name: str) -> str:
        return systems.get(name, name)

    limits: dict[str, str] = {}
    for part in re.split(r"[;；,，、]\s*", _cell(row, where, "limits")):
        if part.strip():
            key, _, value = part.partition("=")
            limits[key.strip()] = value.strip()
    authority = _cell(row, where, "authority")
    public = _cell(row, where, "public")
    table: dict[str, Any] = {
        "code": _cell(row, where, "code"), "name": _cell(row, where, "name"),
        "name_en": _cell(row, where, "name_en"), "category": _cell(row, where, "category"),
        "lead": system(_cell(row, where, "lead")),
        "assist": [system(s) for s in _listed(_cell(row, where, "assist"))],
        "authority": LEVEL_WORDS.get(authority, authority),
        "default_severity": _cell(row, where, "default_severity"),
        "severities": _listed(_cell(row, where, "severities")), "limits": limits,
        "keywords": [k for k in re.split(r"[、,，;；]\s*", _cell(row, where, "keywords")) if k.strip()],
    }
    if public:
        table["public"] = public not in ("否", "false", "False", "no", "0")
    hotline_code = _cell(row, where, "hotline_code")
    if hotline_code:
        table["hotline_code"] = hotline_code
    return table


def _cell_ref(exc: ReferenceDataError, rows: Mapping[str, int], source: str) -> ReferenceDataError:
    """Name the cell of an error about ``row:N``: the entry becomes ``派单目录!E7``, the field its heading."""
    entry = str(exc.params.get("entry", ""))
    number = rows.get(entry)
    if number is None and entry.startswith("row:"):
        number = int(entry[4:])
    if number is not None:
        field = str(exc.params.get("field", "")).split(".")[0].split(",")[0].strip()
        letter = LETTERS.get(field)
        exc.params["entry"] = f"{SHEET}!{letter}{number}" if letter else f"{SHEET}!{number}:{number}"
        if field in HEADINGS:
            exc.params["field"] = f"{HEADINGS[field]}（{field}）"
    exc.params["source"] = source
    return exc


def read_version(path: Path, *, scope: str, version: str, effective: date, source: str,
                 catalogue: Catalogue, hierarchy: HierarchyIndex,
                 loaded: LocalCatalogues | None) -> LocalCatalogue:
    """A new version of ``scope`` from a workbook: what differs from the list in force above it
    (the national list and, for a city, its province's version on ``effective``)."""
    where_path = str(path)
    national = loaded.national if loaded is not None else catalogue.matters
    above: Mapping[str, MatterType] = national.matters
    if loaded is not None:
        parents = tuple(c for c in loaded.in_force_for([scope], effective) if c.scope != scope)
        above = loaded.composed(parents)
    where, body = _rows(path)
    names = {s.name: code for code, s in catalogue.systems.items()}
    labels = [f"row:{n}" for n, _ in body]
    tables = [_matter_table(row, where, names) for _, row in body]
    seen: dict[str, int] = {}
    for (number, _), table in zip(body, tables, strict=True):
        if table["code"] in seen:
            twice = ReferenceDataError("catalogue.duplicate", source=where_path, entry=f"row:{number}",
                                       field="code", value=table["code"], what=SHEET)
            raise _cell_ref(twice, {}, where_path)
        seen[table["code"]] = number
    try:
        listed = read_matters({"version": version, "matters": tables}, source=where_path,
                              systems=catalogue.systems)
    except ReferenceDataError as exc:
        raise _cell_ref(_renamed(exc, labels), {}, where_path) from None
    overrides, added, o_labels, a_labels = [], [], [], []
    for (number, _), table, matter in zip(body, tables, listed.matters.values(), strict=True):
        base = above.get(matter.code)
        if base is None:
            added.append(table)
            a_labels.append(f"row:{number}")
            continue
        changed = {name for name in (*OVERRIDABLE, "name", "name_en", "category", "default_severity",
                                     "severities", "public")
                   if show_value(matter, name) != show_value(base, name)}
        if not table.get("hotline_code"):
            changed.discard("hotline_code")  # an empty cell leaves the code in force as it is
        fixed = sorted(changed - set(OVERRIDABLE))
        if fixed and matter.code in national:
            name = fixed[0]
            raise _cell_ref(ReferenceDataError(
                "catalogue.not_overridable", source=where_path, entry=f"row:{number}", field=name,
                value=show_value(matter, name), expected=show_value(base, name),
                allowed=", ".join(OVERRIDABLE)), {}, where_path)
        if matter.code not in national:  # a province's added matter that a city changes: re-added whole
            if changed:
                added.append(table)
                a_labels.append(f"row:{number}")
            continue
        if changed:
            override: dict[str, Any] = {"code": matter.code}
            for name in OVERRIDABLE:
                if name in changed:
                    override[name] = table[name]
            if "limits" in override:
                override["limits"] = {k: v for k, v in table["limits"].items()
                                      if str(base.limits.get(_sev(k))) != v}
            overrides.append(override)
            o_labels.append(f"row:{number}")
    if not overrides and not added:
        raise ReferenceDataError("catalogue.no_change", source=where_path, scope=scope,
                                 day=effective.isoformat())
    document: dict[str, Any] = {"scope": scope, "version": version, "effective": effective,
                                "source": source, "overrides": overrides, "matters": added}
    try:
        return read_local_catalogue(document, source=where_path, national=national,
                                    systems=catalogue.systems, hierarchy=hierarchy,
                                    labels={"overrides": o_labels, "matters": a_labels})
    except ReferenceDataError as exc:
        raise _cell_ref(exc, {}, where_path) from None


def _sev(key: str) -> Any:
    from liandong.domain.responsibility import Severity

    try:
        return Severity(key)
    except ValueError:
        return key


def _renamed(exc: ReferenceDataError, labels: list[str]) -> ReferenceDataError:
    entry = str(exc.params.get("entry", ""))
    if entry.startswith("matters["):
        n = int(entry[len("matters["):entry.index("]")]) - 1
        if 0 <= n < len(labels):
            exc.params["entry"] = labels[n]
    return exc
