"""Reading the yearly holiday files: those shipped in ``liandong/data/holidays`` and those an
administrator drops into the configured directory (``LIANDONG_HOLIDAYS_DIR``, else
``<data_dir>/holidays``) when the State Council publishes a year. Override order, lowest first:
the ``chinesecalendar`` package, the shipped files, the directory; a file replaces its whole year.
A bad file is refused whole, with its path and line in the message."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from liandong.adapters.calendar import PACKAGE, ChineseWorkCalendar, package_years

__all__ = ["PACKAGE", "ChineseWorkCalendar", "HolidayFile", "holiday_calendar", "load_years", "package_years",
           "parse"]
from liandong.domain.errors import ReferenceDataError
from liandong.domain.holidays import HolidayYear, read_holiday_year

SHIPPED = "liandong/data/holidays"
_NAME = re.compile(r"^(\d{4})\.toml$")


@dataclass(frozen=True)
class HolidayFile:
    """One file's text and where it came from (a path, or ``liandong/data/holidays/2027.toml``)."""

    source: str
    name: str
    text: str


def shipped_files() -> list[HolidayFile]:
    folder = resources.files("liandong.data").joinpath("holidays")
    return sorted((HolidayFile(f"{SHIPPED}/{entry.name}", entry.name, entry.read_text(encoding="utf-8"))
                   for entry in folder.iterdir() if entry.name.endswith(".toml")),
                  key=lambda f: f.name)


def _read(path: Path) -> HolidayFile:
    try:
        return HolidayFile(str(path), path.name, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ReferenceDataError("data.unreadable", source=str(path), reason=reason) from None


def directory_files(directory: Path) -> list[HolidayFile]:
    """The ``*.toml`` files of an administrators' directory, which must exist."""
    if not directory.is_dir():
        raise ReferenceDataError("holidays.no_directory", source=str(directory))
    return [_read(path) for path in sorted(directory.glob("*.toml"))]


def given_files(paths: list[Path]) -> list[HolidayFile]:
    out: list[HolidayFile] = []
    for path in paths:
        out.extend(directory_files(path) if path.is_dir() else [_read(path)])
    return out


def _line(text: str, error: ReferenceDataError) -> int | None:
    """The line an error is about: the date it names (its last listing for a repeat), or the key."""
    lines = text.splitlines()
    value, field = error.params.get("value"), error.params.get("field")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        hits = [n for n, line in enumerate(lines, start=1) if value in line.split("#", 1)[0]]
        if hits:
            return hits[-1] if error.code in ("holidays.duplicate", "holidays.both") else hits[0]
    if isinstance(field, str) and field:
        first = field.split(",")[0].strip()
        pattern = re.compile(rf"^\s*\[*\s*{re.escape(first)}\s*[=\]]")
        return next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), None)
    return None


def parse(file: HolidayFile) -> HolidayYear:
    """One file, validated whole; its name must be the year (``2027.toml``)."""
    match = _NAME.match(file.name)
    if match is None:
        raise ReferenceDataError("holidays.bad_name", source=file.source)
    try:
        document = tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError("data.bad_toml", source=file.source, reason=str(exc)) from None
    try:
        return read_holiday_year(document, source=file.source, year=int(match.group(1)))
    except ReferenceDataError as exc:
        line = _line(file.text, exc)
        if line is not None and exc.params.get("source") == file.source:
            exc.params["source"] = f"{file.source}:{line}"
        raise


def load_years(files: list[HolidayFile]) -> dict[int, HolidayYear]:
    """Later files override earlier ones of the same year; any bad file refuses the lot."""
    years: dict[int, HolidayYear] = {}
    for file in files:
        arrangement = parse(file)
        years[arrangement.year] = arrangement
    return years


def holiday_calendar(directory: Path | None = None) -> ChineseWorkCalendar:
    """The package's years, then the shipped files, then the administrators' ``directory``."""
    files = shipped_files() + (directory_files(directory) if directory is not None else [])
    return ChineseWorkCalendar(load_years(files))
