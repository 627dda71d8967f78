"""Assessment tables: column labels in both languages, and exports to xlsx (styled, one sheet
per scope, as assessors exchange them) and csv."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from liandong.assessment.engine import LOWER_IS_BETTER, RATES
from liandong.domain.errors import DomainError
from liandong.i18n import pick
from liandong.i18n.assessment import COLUMNS, RANK_COLUMNS, SEGMENT_COLUMNS

_HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
_BAND_FILL = PatternFill("solid", fgColor="EEF3F8")
_BAD_FONT = Font(color="9C0006")
_THIN = Side(style="thin", color="B7C4D1")


def label(columns: Sequence[tuple[str, str, str, str]], lang: str) -> list[str]:
    return [pick((zh, en), lang) for _, zh, en, _ in columns]


def cell(row: dict[str, Any], key: str) -> Any:
    """The plain value of a column in a row of ``Figures.as_dict()`` (a rate's value)."""
    value = row.get(key)
    if isinstance(value, dict):
        return value.get("value")
    return value


@dataclass(frozen=True)
class Sheet:
    title: str  # the scope's name; also the heading line
    subtitle: str  # period, cut-off and as-of
    columns: Sequence[tuple[str, str, str, str]]
    rows: Sequence[dict[str, Any]]


def write(path: Path, sheets: Sequence[Sheet], lang: str) -> Path:
    """Write ``sheets`` to ``path`` by its extension: .xlsx (all sheets) or .csv (the first)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(path, sheets, lang)
    elif suffix == ".csv":
        write_csv(path, sheets[0], lang)
    else:
        raise DomainError("assessment.bad_export", value=path.name, allowed=".xlsx, .csv")
    return path


def write_csv(path: Path, sheet: Sheet, lang: str) -> None:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(label(sheet.columns, lang))
        for row in sheet.rows:
            w.writerow(["" if cell(row, k) is None else cell(row, k) for k, *_ in sheet.columns])


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "sheet"
    name, n = clean, 2
    while name in used:
        name, n = f"{clean[:25]}({n})", n + 1
    used.add(name)
    return name


def write_xlsx(path: Path, sheets: Sequence[Sheet], lang: str) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title, used))
        ncols = len(sheet.columns)
        ws.cell(1, 1, sheet.title).font = Font(bold=True, size=14)
        ws.cell(2, 1, sheet.subtitle).font = Font(italic=True, color="555555")
        for j, text in enumerate(label(sheet.columns, lang), start=1):
            c = ws.cell(4, j, text)
            c.font = Font(bold=True, color="FFFFFF")
            c.fill = _HEAD_FILL
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = Border(bottom=_THIN)
        for i, row in enumerate(sheet.rows, start=5):
            for j, (key, _, _, kind) in enumerate(sheet.columns, start=1):
                value = cell(row, key)
                c = ws.cell(i, j, value)
                if kind == "rate":
                    c.number_format = "0.0%" if key != "change" else "+0.0%;-0.0%;0.0%"
                elif kind == "hours":
                    c.number_format = "0.0"
                elif kind == "count":
                    c.number_format = "#,##0"
                if i % 2 == 0:
                    c.fill = _BAND_FILL
                if key in LOWER_IS_BETTER and isinstance(value, float) and value > 0.1:
                    c.font = _BAD_FONT
                if key == "klass" and value in ("rectify", "governance"):
                    c.font = _BAD_FONT
        ws.freeze_panes = ws.cell(5, 3 if ncols > 2 else 1)
        ws.row_dimensions[4].height = 32
        for j, (key, zh, en, kind) in enumerate(sheet.columns, start=1):
            width = 22 if key in ("name", "party_name") else (14 if kind != "text" else 12)
            heading = pick((zh, en), lang)
            ws.column_dimensions[get_column_letter(j)].width = max(width, len(heading) * 1.6)
        ws.auto_filter.ref = f"A4:{get_column_letter(ncols)}{max(4, 4 + len(sheet.rows))}"
    wb.save(path)


__all__ = ["COLUMNS", "RANK_COLUMNS", "RATES", "SEGMENT_COLUMNS", "Sheet", "write"]
