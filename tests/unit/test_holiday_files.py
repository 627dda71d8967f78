"""Yearly holiday files: the shipped 2027 arrangement checked against the law and the lunar
calendar, every refusal with its file, line, entry and rule, the override order, provisional
deadlines and the notices to administrators (on an injected date)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from lunardate import LunarDate

from liandong.adapters.calendar import ChineseWorkCalendar, package_years
from liandong.adapters.holiday_files import HolidayFile, holiday_calendar, load_years, parse, shipped_files
from liandong.domain.errors import ReferenceDataError
from liandong.domain.holidays import STATUTORY, calendar_notices, read_holiday_year
from liandong.domain.worktime import SHANGHAI, WeekendCalendar
from liandong.i18n.messages import explain, render

CAL = holiday_calendar()


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=k) for k in range(n)]


def statutory_2027() -> dict[str, list[date]]:
    """《全国年节及纪念日放假办法》(2024) art. 2 on 2027's dates, plus art. 6: a holiday on a Saturday
    or Sunday is given back on the following working day(s)."""
    new_year = LunarDate(2027, 1, 1).to_solar_date()
    qingming = [d for d, name in chinese_calendar.get_solar_terms(date(2027, 4, 1), date(2027, 4, 10))
                if name == "清明"]
    statutory = {
        "new_years_day": [date(2027, 1, 1)],
        "spring_festival": [new_year - timedelta(days=1), *days(new_year, 3)],  # 除夕, 初一至初三
        "tomb_sweeping_day": qingming,
        "labour_day": [date(2027, 5, 1), date(2027, 5, 2)],
        "dragon_boat_festival": [LunarDate(2027, 5, 5).to_solar_date()],
        "mid_autumn_festival": [LunarDate(2027, 8, 15).to_solar_date()],
        "national_day": days(date(2027, 10, 1), 3),
    }
    for key, festival in statutory.items():
        owed, day = sum(d.weekday() >= 5 for d in festival), max(festival)
        while owed:
            day += timedelta(days=1)
            if day.weekday() < 5:
                festival.append(day)
                owed -= 1
        statutory[key] = sorted(festival)
    return statutory


def test_lunardate_agrees_with_the_published_years() -> None:
    for year in (2024, 2025, 2026):
        first = LunarDate(year, 1, 1).to_solar_date()
        assert chinese_calendar.get_holiday_detail(first) == (True, "Spring Festival")
        assert chinese_calendar.get_holiday_detail(LunarDate(year, 8, 15).to_solar_date())[0]


def test_the_shipped_2027_file_holds_the_statutory_days_and_no_invented_adjustments() -> None:
    assert LunarDate(2027, 1, 1).to_solar_date() == date(2027, 2, 6)  # 春节; 除夕 is the 5th
    year = CAL.arrangement(2027)
    assert year is not None and year.status == STATUTORY and year.provisional
    assert "798" in year.document and "暂定" in year.note
    assert {f.key: list(f.holidays) for f in year.festivals} == statutory_2027()
    assert [f.workdays for f in year.festivals] == [()] * 7  # no 调休 until the notice says so
    assert statutory_2027()["spring_festival"] == days(date(2027, 2, 5), 6)  # 9, 10 Feb in lieu
    assert statutory_2027()["national_day"] == days(date(2027, 10, 1), 5)


def test_a_2027_deadline_skips_the_spring_festival_and_is_provisional() -> None:
    due = CAL.deadline(sh(2027, 2, 4, 10), 3, "wd")  # Thursday; 5–10 Feb off, 6–7 a weekend
    assert due == sh(2027, 2, 15, 17, 30) and due.tzinfo is UTC
    assert CAL.deadline(sh(2027, 2, 4, 10), 1, "wd") == sh(2027, 2, 11, 17, 30)
    assert CAL.working_days_between(date(2027, 2, 4), date(2027, 2, 12)) == 2
    assert (CAL.known_until(), CAL.official_until()) == (date(2027, 12, 31), date(2026, 12, 31))
    assert CAL.is_provisional(due) and CAL.is_provisional(sh(2027, 1, 1, 0))
    assert not CAL.is_provisional(sh(2026, 12, 31, 23, 59)) and not CAL.is_provisional(None)
    assert CAL.is_provisional(sh(2031, 1, 6))  # beyond any known year
    assert WeekendCalendar().official_until() is None and not WeekendCalendar().is_provisional(sh(2031, 1, 6))


def test_every_published_year_of_the_package_passes_as_a_file_and_counts_the_same() -> None:
    """The rules (windows, weekend workdays, December days of a New Year's break) admit every
    notice of 2004–2026, and a file reproduces its year day by day."""
    years = {y: CAL.arrangement(y) for y in package_years()}
    as_files = ChineseWorkCalendar({y: a for y, a in years.items() if a is not None})
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert as_files.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert as_files.official_until() == date(2026, 12, 31)


GOOD = """year = 2027
status = "official"
source = "国办发明电〔2026〕1号"

[[festival]]
key = "spring_festival"
name = "春节"
name_en = "Spring Festival"
holidays = [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
workdays = [2027-02-14, 2027-02-20]
"""


def bad(old: str, new: str, name: str = "2027.toml") -> ReferenceDataError:
    assert old in GOOD
    with pytest.raises(ReferenceDataError) as caught:
        parse(HolidayFile(f"/etc/liandong/holidays/{name}", name, GOOD.replace(old, new)))
    return caught.value


@pytest.mark.parametrize(("old", "new", "code", "zh", "en"), [
    ("workdays = [2027-02-14", "workdays = [2027-02-11",
     "holidays.both", "/etc/liandong/holidays/2027.toml:10：2027-02-11 既在 festival[1] 春节 holidays 中，"
     "又在 festival[1] 春节 的“workdays”中；一天只能是放假日（holidays）或调休上班日（workdays）之一",
     "a day is either a day off (holidays) or an adjusted working day (workdays)"),
    ("2027-02-11]", "2028-02-11]", "holidays.outside_year",
     "/etc/liandong/holidays/2027.toml:9：festival[1] 春节 的“holidays”中的 2028-02-11 不在 2027 年内",
     "a file lists dates of its own year only (the New Year's break may start from 2026-12-18)"),
    ("2027-02-20]", "2027-03-13]", "holidays.workday_far",
     "/etc/liandong/holidays/2027.toml:10：festival[1] 春节 的调休上班日 2027-03-13 "
     "前后 14 天内没有该节日的放假日",
     "it must lie within 14 days of the break it pays for"),
    ("2027-02-20]", "2027-02-15]", "holidays.workday_weekday",
     "/etc/liandong/holidays/2027.toml:10：festival[1] 春节 的调休上班日 2027-02-15 在周一至周五",
     "adjusted working days are Saturdays or Sundays"),
    ("2027-02-06, 2027-02-07", "2027-02-06, 2027-02-06", "holidays.duplicate",
     "/etc/liandong/holidays/2027.toml:9：festival[1] 春节 的“holidays”中的 2027-02-06 重复"
     "（已列于 festival[1] 春节 holidays）", "each date appears once"),
    ('name_en = "Spring Festival"', 'name_en = "Spring Festival"\nholiday = [2027-02-12]',
     "data.unknown_field", "/etc/liandong/holidays/2027.toml:9：festival[1] 春节 含有未定义的字段“holiday”，"
     "允许的字段：holidays, key, name, name_en, workdays", "allowed: holidays, key, name, name_en, workdays"),
    ('status = "official"', 'status = "official"\nnotice = "x"', "data.unknown_field",
     "/etc/liandong/holidays/2027.toml:3：(file) 含有未定义的字段“notice”",
     "allowed: festival, note, source"),
    ("year = 2027", "year = 2028", "holidays.year_mismatch",
     "/etc/liandong/holidays/2027.toml:1：(file) 的 year = 2028，与文件名的年份 2027 不符", "named for 2027"),
    ('status = "official"', 'status = "final"', "data.not_allowed",
     "/etc/liandong/holidays/2027.toml:2：(file) 的字段“status”取值“final”无效，可选：official, statutory",
     "allowed: official, statutory"),
    ("2027-02-09,", '"9 Feb",', "holidays.bad_date", "“holidays”中“9 Feb”不是日期；应写作 2027-02-06",
     "write e.g. 2027-02-06"),
])
def test_a_bad_file_is_refused_naming_file_line_entry_and_rule(old: str, new: str, code: str, zh: str,
                                                               en: str) -> None:
    error = bad(old, new)
    assert error.code == code
    assert zh in explain(error)
    assert en in explain(error, "en") and "/etc/liandong/holidays/2027.toml" in explain(error, "en")


def test_file_names_and_toml_are_checked_too() -> None:
    assert bad("year", "year", name="holidays-2027.toml").code == "holidays.bad_name"
    error = bad("year = 2027", "year = ")
    assert error.code == "data.bad_toml" and "2027.toml 不是有效的 TOML" in explain(error)
    assert "2027.toml" in explain(bad("year = 2027\n", ""), "en")  # year missing


def test_a_late_december_day_may_belong_to_the_next_new_years_break() -> None:
    """As the 2019 notice arranged 29 (worked) and 30–31 December 2018 (off)."""
    text = """year = 2019\nstatus = "official"\nsource = "国办发明电〔2018〕15号"\n[[festival]]
key = "new_years_day"\nname = "元旦"\nname_en = "New Year's Day"
holidays = [2018-12-30, 2018-12-31, 2019-01-01]\nworkdays = [2018-12-29]\n"""
    year = parse(HolidayFile("2019.toml", "2019.toml", text))
    calendar = ChineseWorkCalendar({2019: year})
    assert calendar.is_workday(date(2018, 12, 29)) and not calendar.is_workday(date(2018, 12, 31))
    with pytest.raises(ReferenceDataError, match="outside_year"):
        parse(HolidayFile("2019.toml", "2019.toml", text.replace("2018-12-29", "2018-12-01")))


def official_2027(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "2027.toml").write_text(GOOD, encoding="utf-8")
    return folder


def test_override_order_package_then_shipped_then_directory(tmp_path: Path) -> None:
    assert [f.name for f in shipped_files()] == ["2027.toml"]
    assert CAL.status(2026) == "official" and CAL.origin(2026) == "chinesecalendar"
    assert CAL.status(2027) == "statutory" and CAL.origin(2027) == "liandong/data/holidays/2027.toml"
    assert CAL.status(2028) == "unknown" and CAL.origin(2028) == ""
    folder = official_2027(tmp_path / "holidays")
    (folder / "2026.toml").write_text(  # a correction of a package year, e.g. one extra day off
        'year = 2026\nstatus = "official"\nsource = "更正"\n[[festival]]\nkey = "x"\nname = "测试"\n'
        'name_en = "Test"\nholidays = [2026-03-02]\n', encoding="utf-8")
    calendar = holiday_calendar(folder)
    assert calendar.origin(2027) == str(folder / "2027.toml") and calendar.status(2027) == "official"
    assert calendar.official_until() == date(2027, 12, 31) == calendar.known_until()
    assert calendar.is_workday(date(2027, 2, 14)) and not calendar.is_workday(date(2027, 2, 11))
    assert CAL.is_workday(date(2027, 2, 11)) and not CAL.is_workday(date(2027, 2, 14))  # shipped
    assert calendar.deadline(sh(2027, 2, 4, 10), 1, "wd") == sh(2027, 2, 12, 17, 30)  # 5–11 Feb off
    assert calendar.deadline(sh(2027, 2, 4, 10), 2, "wd") == sh(2027, 2, 14, 17, 30)  # Sunday, worked
    assert not calendar.is_provisional(calendar.deadline(sh(2027, 2, 4, 10), 3, "wd"))
    assert not calendar.is_workday(date(2026, 3, 2)) and CAL.is_workday(date(2026, 3, 2))
    # the file replaces its whole year: the package's Spring Festival 2026 is gone from it
    assert calendar.is_workday(date(2026, 2, 16)) and not CAL.is_workday(date(2026, 2, 16))


def test_one_bad_file_refuses_the_whole_directory(tmp_path: Path) -> None:
    folder = official_2027(tmp_path / "holidays")
    (folder / "2028.toml").write_text(GOOD.replace("2027", "2028").replace("2028-02-14", "2028-02-15"),
                                      encoding="utf-8")
    with pytest.raises(ReferenceDataError) as caught:
        holiday_calendar(folder)
    assert caught.value.code == "holidays.workday_weekday" and "2028.toml:10" in explain(caught.value)
    with pytest.raises(ReferenceDataError) as missing:
        holiday_calendar(tmp_path / "nowhere")
    assert "节假日目录" in explain(missing.value) and "nowhere" in explain(missing.value)
    assert load_years([]) == {}


def test_read_holiday_year_needs_a_table_and_festivals() -> None:
    with pytest.raises(ReferenceDataError, match="missing_array"):
        read_holiday_year({"year": 2027, "status": "statutory", "source": "x"}, source="t")
    with pytest.raises(ReferenceDataError, match="not_table"):
        read_holiday_year([], source="t")


def notices(calendar: ChineseWorkCalendar, today: date, lang: str = "zh") -> list[str]:
    return [render(n.code, lang, **n.params) for n in calendar_notices(calendar, today=today)]


def test_administrators_are_warned_from_60_days_before(tmp_path: Path) -> None:
    assert notices(CAL, date(2026, 11, 1)) == []  # 2027 provisional, but more than 60 days away
    provisional = notices(CAL, date(2026, 11, 2))
    assert len(provisional) == 1 and "节假日正式安排仅至 2026-12-31；2027 年为暂定" in provisional[0]
    assert notices(CAL, date(2026, 12, 6)) == provisional
    assert "2027 is provisional" in notices(CAL, date(2027, 6, 1), "en")[0]
    both = notices(CAL, date(2027, 11, 2))
    assert len(both) == 2 and "节假日安排仅知至 2027-12-31（还有 59 天）" in both[1]
    assert notices(CAL, date(2028, 1, 5)) == [
        "节假日安排仅知至 2027-12-31，已过期；现在的期限按周一至周五计算。请放入 2028 年的节假日文件"]
    package_only = ChineseWorkCalendar()
    assert notices(package_only, date(2026, 12, 6), "en") == [
        "Holidays are known only until 2026-12-31 (25 days left); after that deadlines count Monday to "
        "Friday. Put the 2027 holiday file in place before then"]
    assert notices(holiday_calendar(official_2027(tmp_path / "h")), date(2026, 12, 6)) == []
    assert calendar_notices(WeekendCalendar(), today=date(2026, 12, 6)) == []
