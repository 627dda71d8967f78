"""The working calendar of China: the ``chinesecalendar`` package's official holidays and adjusted
working days (调休) for the years it ships, overridden and extended year by year by holiday files
(``liandong/data/holidays`` and the administrators' directory); beyond them weekends, with a warning."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from datetime import date

import chinese_calendar

from liandong.domain.holidays import OFFICIAL, STATUTORY, HolidayYear, read_holiday_year
from liandong.domain.worktime import WorkCalendar

UNKNOWN = "unknown"
PACKAGE = "chinesecalendar"
FESTIVAL_NAMES = {  # the package's festivals (chinese_calendar.Holiday) in Chinese
    "new_years_day": "元旦", "spring_festival": "春节", "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节", "dragon_boat_festival": "端午节", "mid_autumn_festival": "中秋节",
    "national_day": "国庆节", "anti_fascist_70th_day": "抗战胜利70周年纪念日",
}


def package_years() -> range:
    """The years whose arrangement the ``chinesecalendar`` package ships."""
    return range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def package_document(year: int) -> dict[str, object]:
    """A year of the ``chinesecalendar`` package in the form of a holiday file."""
    keys = {h.value: h.name for h in chinese_calendar.Holiday}
    festivals: dict[str, dict[str, object]] = {}
    for kind, days in (("holidays", chinese_calendar.holidays), ("workdays", chinese_calendar.workdays)):
        for day, holiday in sorted(days.items()):
            # late December days of a New Year's break were arranged by the next year's notice
            new_year = day.month == 12 and str(getattr(holiday, "value", holiday)) == "New Year's Day"
            if day.year + new_year != year:
                continue
            key = keys.get(str(getattr(holiday, "value", holiday)), str(holiday))
            festival = festivals.setdefault(key, {
                "key": key, "name": FESTIVAL_NAMES.get(key, key),
                "name_en": getattr(holiday, "value", holiday), "holidays": [], "workdays": []})
            festival[kind].append(day)  # type: ignore[attr-defined]
    return {"year": year, "status": OFFICIAL, "festival": list(festivals.values()),
            "source": f"国务院办公厅关于{year}年部分节假日安排的通知（chinesecalendar 包）"}


class CalendarFallbackWarning(UserWarning):
    """A day in a year whose official holiday arrangement is not known."""


class ChineseWorkCalendar(WorkCalendar):
    """Working days by the State Council's yearly arrangement; answers are cached per day.

    ``years``: arrangements read from holiday files; a year there replaces the package's whole year.
    """

    def __init__(self, years: Mapping[int, HolidayYear] | None = None) -> None:
        # The package's own notion of its range: the years that have holidays listed.
        covered = package_years()
        self._package = (covered.start, covered.stop - 1)
        self._years = dict(years or {})
        lo, hi = self._package
        while lo - 1 in self._years:
            lo -= 1
        while hi + 1 in self._years:
            hi += 1
        self._first, self._last = date(lo, 1, 1), date(hi, 12, 31)
        official = lo
        while official <= hi and self.status(official) == OFFICIAL:
            official += 1
        self._official = date(official - 1, 12, 31)
        self._cache: dict[date, bool] = {}
        self._warned: set[int] = set()

    def known_from(self) -> date:
        return self._first

    def known_until(self) -> date:
        return self._last

    def official_until(self) -> date:
        return self._official

    @property
    def years(self) -> Mapping[int, HolidayYear]:
        """The arrangements read from files, by year."""
        return self._years

    def status(self, year: int) -> str:
        """official, statutory (provisional) or unknown."""
        if year in self._years:
            return self._years[year].status
        if self._package[0] <= year <= self._package[1]:
            return OFFICIAL
        return UNKNOWN

    def origin(self, year: int) -> str:
        """Where a year's arrangement comes from: its file, the package, or nowhere ("")."""
        if year in self._years:
            return self._years[year].path
        return PACKAGE if self.status(year) != UNKNOWN else ""

    def arrangement(self, year: int) -> HolidayYear | None:
        """The year's arrangement, from its file or the package; None where it is unknown."""
        if year in self._years:
            return self._years[year]
        if self._package[0] <= year <= self._package[1]:
            return read_holiday_year(package_document(year), source=PACKAGE, year=year)
        return None

    def provisional_years(self) -> tuple[int, ...]:
        return tuple(sorted(y for y, arrangement in self._years.items() if arrangement.status == STATUTORY))

    def is_workday(self, day: date) -> bool:
        known = self._cache.get(day)
        if known is None:
            arrangement = self._years.get(day.year)
            following = self._years.get(day.year + 1) if day.month == 12 else None
            if following is not None and following.listed(day) is not None:
                known = following.is_workday(day)  # the next year's New Year's break
            elif arrangement is not None:
                known = arrangement.is_workday(day)
            elif self._package[0] <= day.year <= self._package[1]:
                known = bool(chinese_calendar.is_workday(day))
            else:
                self._warn(day.year)
                known = day.weekday() < 5
            self._cache[day] = known
        return known

    def _warn(self, year: int) -> None:
        if year in self._warned:
            return
        self._warned.add(year)
        covered = f"{self._first.year}–{self._last.year}"
        warnings.warn(
            f"{year} 年的法定节假日和调休安排未知（已知 {covered} 年），按周一至周五计算工作日 / "
            f"the official holidays of {year} are not known (covered: {covered}); "
            "working days are Monday to Friday",
            CalendarFallbackWarning, stacklevel=3)
