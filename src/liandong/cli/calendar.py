"""``liandong calendar show | check``: the yearly holiday arrangements (法定节假日与调休) that
working-day deadlines are counted on, and a check of the holiday files before they are used."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from liandong.cli.common import DirOpt, LangOpt, group, refusals, settings_for
from liandong.i18n import name_of, words
from liandong.i18n.cli import CALENDAR_TEXT, MONTH_NAMES

if TYPE_CHECKING:
    from liandong.adapters.calendar import ChineseWorkCalendar
    from liandong.config import Settings
    from liandong.domain.holidays import Festival, HolidayYear
    from liandong.services.clock import Clock

calendar_app = group("calendar")

HolidaysOpt = Annotated[Path | None, typer.Option(
    "--holidays-dir", envvar="LIANDONG_HOLIDAYS_DIR",
    help="节假日文件目录（默认为数据目录下的 holidays/，存在时）")]

def _calendar(data_dir: Path | None, holidays_dir: Path | None) -> ChineseWorkCalendar:
    from liandong.adapters.holiday_files import holiday_calendar

    settings = settings_for(None, data_dir)
    if holidays_dir is not None:
        settings = settings.model_copy(update={"holidays_dir": holidays_dir})
    return holiday_calendar(settings.resolved_holidays_dir())


def calendar_warnings(settings: Settings, clock: Clock | None = None) -> list[str]:
    """What ``serve`` warns of, in both languages: the known calendar ending within 60 days, a
    provisional (statutory-only) year coming. A bad holiday file is refused (DomainError)."""
    from liandong.adapters.holiday_files import holiday_calendar
    from liandong.domain.holidays import calendar_notices
    from liandong.domain.worktime import SHANGHAI
    from liandong.i18n.messages import render
    from liandong.services.clock import SystemClock

    calendar = holiday_calendar(settings.resolved_holidays_dir())
    today = (clock or SystemClock()).now().astimezone(SHANGHAI).date()
    return [f"{render(n.code, 'zh', **n.params)}\n{render(n.code, 'en', **n.params)}"
            for n in calendar_notices(calendar, today=today)]


@calendar_app.command("show")
def show(year: Annotated[int, typer.Argument(help="年份，如 2027")], lang: LangOpt = "zh",
         data_dir: DirOpt = None, holidays_dir: HolidaysOpt = None) -> None:
    """按月列出一年的放假日与调休上班日，以及该年安排的状态和依据。"""
    with refusals(lang):
        calendar = _calendar(data_dir, holidays_dir)
        arrangement = calendar.arrangement(year)
    text = words(CALENDAR_TEXT, lang)
    status = calendar.status(year)
    typer.echo(f"{text['year'].format(year=year)} · {text[status]}")
    if arrangement is None:
        return
    typer.echo(f"{text['basis']}: {arrangement.document}")
    typer.echo(f"{text['file']}: {calendar.origin(year)}")
    if arrangement.note:
        typer.echo(f"{text['note']}: {arrangement.note}")
    current = (0, 0)
    for day, festival, works in _days(arrangement):
        if (day.year, day.month) != current:
            current = (day.year, day.month)
            header = text["month"].format(month=day.month, name=MONTH_NAMES[day.month - 1])
            typer.echo(header if day.year == year else f"{day.year} · {header}")
        weekday = text["weekdays"].split()[day.weekday()]
        label = name_of(festival, lang)
        typer.echo(f"  {day.isoformat()} {text['weekday'].format(weekday)}  {label}  "
                   f"{text['work'] if works else text['off']}")
    workdays = calendar.working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
    off = sum(len(f.holidays) for f in arrangement.festivals)
    work = sum(len(f.workdays) for f in arrangement.festivals)
    typer.echo(text["summary"].format(off=off, work=work, workdays=workdays))


def _days(arrangement: HolidayYear) -> list[tuple[date, Festival, bool]]:
    """Every listed day in order: (day, its festival, whether it is an adjusted working day)."""
    rows = [(day, f, False) for f in arrangement.festivals for day in f.holidays]
    rows += [(day, f, True) for f in arrangement.festivals for day in f.workdays]
    return sorted(rows, key=lambda row: row[0])


@calendar_app.command("check")
def check(paths: Annotated[list[Path] | None, typer.Argument(
              help="要检查的文件或目录；不给时检查随程序发布的文件和配置的节假日目录")] = None,
          lang: LangOpt = "zh", data_dir: DirOpt = None, holidays_dir: HolidaysOpt = None) -> None:
    """检查节假日文件：每个文件整体通过或整体拒绝，错误指明文件、行、条目与允许的写法。"""
    from liandong.adapters import holiday_files as hf
    from liandong.domain.errors import DomainError
    from liandong.i18n.messages import explain

    text = words(CALENDAR_TEXT, lang)
    with refusals(lang):
        if paths:
            files = hf.given_files(paths)
        else:
            settings = settings_for(None, data_dir)
            if holidays_dir is not None:
                settings = settings.model_copy(update={"holidays_dir": holidays_dir})
            directory = settings.resolved_holidays_dir()
            files = hf.shipped_files() + (hf.directory_files(directory) if directory else [])
    if not files:
        typer.echo(text["none"])
    bad = 0
    seen: dict[int, str] = {}
    for file in files:
        try:
            arrangement = hf.parse(file)
        except DomainError as exc:
            bad += 1
            typer.echo(text["bad"].format(error=explain(exc, lang)), err=True)
            continue
        previous = seen.get(arrangement.year) or (hf.PACKAGE if arrangement.year in hf.package_years()
                                                  else None)
        seen[arrangement.year] = file.source
        typer.echo(text["ok"].format(
            source=file.source, year=arrangement.year, status=text[arrangement.status],
            festivals=len(arrangement.festivals), off=sum(len(f.holidays) for f in arrangement.festivals),
            work=sum(len(f.workdays) for f in arrangement.festivals))
            + (text["overrides"].format(previous=previous) if previous else ""))
    if bad:
        raise typer.Exit(1)
    if not paths:
        calendar = hf.ChineseWorkCalendar(hf.load_years(files))
        typer.echo(text["known"].format(until=calendar.known_until(), official=calendar.official_until()))
