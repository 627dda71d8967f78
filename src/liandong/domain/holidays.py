"""The State Council's yearly holiday arrangement (国务院办公厅关于某年部分节假日安排的通知) as data:
the days off of each festival and the adjusted working days (调休上班), one document per year.

A year is ``official`` when its document transcribes the published notice, ``statutory`` when it
holds only the statutory holidays of 《全国年节及纪念日放假办法》 and the days in lieu that its
article 6 requires (补假), the notice not yet published: such a year is known but provisional.
Every refusal names the file, the entry and the rule, and a document is taken whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from liandong.domain.errors import ReferenceDataError
from liandong.domain.records import Record
from liandong.domain.worktime import WorkCalendar

OFFICIAL = "official"
STATUTORY = "statutory"
STATUSES = (OFFICIAL, STATUTORY)
# An adjusted working day lies within this many days of a day off of its own festival. The widest
# seen in the published notices of 2004–2026 is 11 days (Sunday 2026-09-20, for National Day).
WORKDAY_WINDOW = 14
WARN_DAYS = 60
"""How long before the known (or the official) calendar ends that administrators are warned."""

FILE_KEYS = ("year", "status", "source", "note", "festival")
FESTIVAL_KEYS = ("key", "name", "name_en", "holidays", "workdays")


@dataclass(frozen=True, slots=True)
class Festival:
    """One festival's break: its days off (weekends inside the break included) and adjusted
    working days."""

    key: str
    name: str
    name_en: str
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class HolidayYear:
    """The arrangement of one year, read from ``source``."""

    year: int
    status: str
    document: str  # the notice (number and date) or the law it transcribes: the file's ``source``
    note: str
    festivals: tuple[Festival, ...]
    path: str  # where it was read from

    @property
    def provisional(self) -> bool:
        return self.status != OFFICIAL

    def days_off(self) -> dict[date, Festival]:
        return {day: f for f in self.festivals for day in f.holidays}

    def adjusted_workdays(self) -> dict[date, Festival]:
        return {day: f for f in self.festivals for day in f.workdays}

    def listed(self, day: date) -> bool | None:
        """True for an adjusted working day, False for a day off, None for a day not listed."""
        for festival in self.festivals:
            if day in festival.workdays:
                return True
            if day in festival.holidays:
                return False
        return None

    def is_workday(self, day: date) -> bool:
        """An adjusted working day works; a listed day off rests; any other day by its weekday."""
        listed = self.listed(day)
        return day.weekday() < 5 if listed is None else listed


def in_file_year(day: date, year: int) -> bool:
    """A file holds the dates of its year, and the last days of the year before that the New
    Year's break may take (the 2019 notice arranged 29–31 December 2018)."""
    return day.year == year or (day.year == year - 1 and day >= date(year, 1, 1) - timedelta(WORKDAY_WINDOW))


def _dates(record: Record, key: str, year: int) -> tuple[date, ...]:
    value = record.data.get(key, [])
    if not isinstance(value, list):
        raise record.fail("data.wrong_type", field=key, expected="list of dates", got=repr(value))
    days = []
    for item in value:
        day = item
        if isinstance(item, str):
            try:
                day = date.fromisoformat(item.strip())
            except ValueError:
                day = None
        if not isinstance(day, date):
            raise record.fail("holidays.bad_date", field=key, value=str(item))
        if not in_file_year(day, year):
            raise record.fail("holidays.outside_year", field=key, value=day.isoformat(), year=year,
                              since=(date(year, 1, 1) - timedelta(WORKDAY_WINDOW)).isoformat())
        days.append(day)
    return tuple(days)


def read_holiday_year(document: Any, *, source: str, year: int | None = None) -> HolidayYear:
    """Validate one year's document; ``year`` is the year its file name gives, if any."""
    top = Record(document, source=source, entry="(file)")
    top.only(FILE_KEYS)
    stated = top.data.get("year")
    if not isinstance(stated, int) or isinstance(stated, bool) or not 1949 < stated < 2200:
        raise top.fail("data.wrong_type", field="year", expected="a year such as 2027", got=repr(stated))
    if year is not None and stated != year:
        raise top.fail("holidays.year_mismatch", field="year", value=stated, expected=year)
    status = top.choice("status", top.text("status"), STATUSES)
    document = top.text("source")
    note = top.text("note", required=False)
    items = top.data.get("festival")
    if not isinstance(items, list) or not items:
        raise ReferenceDataError("data.missing_array", source=source, field="festival")
    festivals: list[Festival] = []
    seen: dict[date, tuple[str, str]] = {}  # a day → the entry and field that listed it
    keys: set[str] = set()
    for n, item in enumerate(items, start=1):
        name = item.get("name") if isinstance(item, Mapping) else None
        record = Record(item, source=source, entry=f"festival[{n}] {name or ''}".strip())
        record.only(FESTIVAL_KEYS)
        key = record.text("key")
        if key in keys:
            raise ReferenceDataError("data.duplicate_code", source=source, entry=key, what="festival")
        keys.add(key)
        festival = Festival(key, record.text("name"), record.text("name_en"),
                            _dates(record, "holidays", stated), _dates(record, "workdays", stated))
        if not festival.holidays:
            raise record.fail("data.empty_field", field="holidays")
        for field, days in (("holidays", festival.holidays), ("workdays", festival.workdays)):
            for day in days:
                if day in seen:
                    first, first_field = seen[day]
                    code = "holidays.duplicate" if first_field == field else "holidays.both"
                    raise record.fail(code, field=field, value=day.isoformat(),
                                      first=f"{first} {first_field}")
                seen[day] = (record.entry, field)
        festivals.append(festival)
    for n, festival in enumerate(festivals, start=1):
        entry = f"festival[{n}] {festival.name}"
        for day in festival.workdays:
            if day.weekday() < 5:
                raise ReferenceDataError("holidays.workday_weekday", source=source, entry=entry,
                                         value=day.isoformat())
            if all(abs((day - off).days) > WORKDAY_WINDOW for off in festival.holidays):
                raise ReferenceDataError("holidays.workday_far", source=source, entry=entry,
                                         value=day.isoformat(), days=WORKDAY_WINDOW)
    return HolidayYear(stated, status, document, note, tuple(festivals), source)


@dataclass(frozen=True, slots=True)
class CalendarNotice:
    """Something an administrator must act on before deadlines go wrong: ``code`` in the message
    catalogue, with its facts."""

    code: str
    params: Mapping[str, Any]


def calendar_notices(calendar: WorkCalendar, *, today: date,
                     warn_days: int = WARN_DAYS) -> list[CalendarNotice]:
    """What to warn administrators of on ``today`` (the clock's, injected): the official
    arrangement ending within ``warn_days`` with a provisional (statutory-only) year after it, and
    the known calendar ending within them (or ended), after which weekdays are all it knows."""
    horizon = today + timedelta(days=warn_days)
    known, official = calendar.known_until(), calendar.official_until()
    notices = []
    if official is not None and official < horizon and (known is None or official < known):
        last = horizon.year if known is None else min(horizon.year, known.year)
        years = range(max(official.year + 1, today.year), last + 1)
        if years:
            notices.append(CalendarNotice("calendar.provisional_year", {
                "years": "、".join(str(y) for y in years), "until": official.isoformat()}))
    if known is not None and known < horizon:
        code = "calendar.ended" if known < today else "calendar.ends_soon"
        notices.append(CalendarNotice(code, {"until": known.isoformat(), "days": (known - today).days,
                                             "year": max(known.year + 1, today.year)}))
    return notices
