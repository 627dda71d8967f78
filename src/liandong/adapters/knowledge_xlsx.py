"""知识库 as the offices exchange it: an xlsx workbook, one entry per row under Chinese headings.

Reading checks every row before anything is stored (the service stores the whole file in one
transaction or nothing) and names the row and the column of the first problem."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from liandong.domain.errors import DomainError
from liandong.domain.knowledge import Entry
from liandong.i18n.knowledge import FIELD_NAMES

FIELDS = ("id", "title", "answer", "owner", "source", "valid_from", "valid_until", "reviewed_by",
          "reviewed_on", "scope", "matter", "keywords")
"""The columns, in order, under their Chinese headings (``i18n.knowledge.FIELD_NAMES``)."""
HEADINGS = {f: FIELD_NAMES["zh"][f] for f in FIELDS}
REQUIRED = ("title", "answer", "owner", "source", "valid_from", "reviewed_by", "reviewed_on", "scope")
MAX_ROWS = 100_000


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None


def read_entries(path: Path) -> list[tuple[int, Entry | DomainError]]:
    """The entries of a workbook's first sheet with their row numbers; a row that cannot be read
    (a date that is not one, a required cell empty) as its refusal, naming the file, the row and
    the column, for the importer to raise in row order (a file that is not a workbook, or lacks a
    column, is refused at once)."""
    from openpyxl import load_workbook  # imported where used: the CLI starts without it

    source = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # not a workbook at all: zip, xml or format errors alike
        raise DomainError("knowledge.bad_workbook", source=source, problem=type(exc).__name__) from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        where = {}
        for field, heading in HEADINGS.items():
            if heading in header:
                where[field] = header.index(heading)
            elif field in REQUIRED:
                raise DomainError("knowledge.missing_column", source=source, column=field,
                                  allowed="、".join(HEADINGS.values()))
        out: list[tuple[int, Entry | DomainError]] = []
        for number, row in enumerate(rows, start=2):
            if all(v in (None, "") for v in row):
                continue
            if len(out) >= MAX_ROWS:
                raise DomainError("knowledge.too_many_rows", source=source, limit=MAX_ROWS)
            try:
                out.append((number, _entry(row, where, source, number)))
            except DomainError as exc:
                out.append((number, exc))
        return out
    finally:
        book.close()


def _entry(row: Sequence[Any], where: dict[str, int], source: str, number: int) -> Entry:
    def cell(field: str) -> Any:
        i = where.get(field)
        return row[i] if i is not None and i < len(row) else None

    def text(field: str) -> str:
        value = cell(field)
        return "" if value is None else str(value).strip()

    def day(field: str) -> date | None:
        try:
            value = _date(cell(field))
        except ValueError as exc:
            raise DomainError("knowledge.bad_row", source=source, row=number, column=field,
                              problem=DomainError("knowledge.bad_date", value=str(exc))) from None
        if value is None and field in REQUIRED:
            raise DomainError("knowledge.bad_row", source=source, row=number, column=field,
                              problem=DomainError("knowledge.field_required", field=field))
        return value

    valid_from, reviewed_on = day("valid_from"), day("reviewed_on")
    assert valid_from is not None and reviewed_on is not None
    keywords = text("keywords").replace(",", "、").replace("，", "、").split("、")
    return Entry(text("id"), text("title"), text("answer"), text("owner"), text("source"), valid_from,
                 day("valid_until"), text("reviewed_by"), reviewed_on, text("scope"), text("matter"),
                 tuple(k for k in keywords if k.strip()))


def write_entries(path: Path, entries: Iterable[Entry]) -> int:
    """Write entries under the headings ``read_entries`` reads; how many were written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "知识库"
    sheet.append(list(HEADINGS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    n = 0
    for e in entries:
        sheet.append([e.id, e.title, e.answer, e.owner, e.source, e.valid_from, e.valid_until, e.reviewed_by,
                      e.reviewed_on, e.scope, e.matter, "、".join(e.keywords)])
        n += 1
    for column, width in zip("ABCDEFGHIJKL", (22, 30, 60, 26, 30, 12, 12, 10, 12, 12, 24, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    book.save(path)
    return n
