"""``liandong report kpi|ranking|accountability``: the assessment of a scope over a period, as
tables in the terminal and, on request, as xlsx (one sheet per scope) or csv."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from liandong.cli.common import DbOpt, DirOpt, LangOpt, RulesOpt, group, open_platform
from liandong.cli.common import refusals as _refusals
from liandong.domain.errors import DomainError
from liandong.i18n import pick, words
from liandong.i18n.cli import REPORT_TEXT

if TYPE_CHECKING:
    from liandong.assessment import tables
    from liandong.assessment.periods import Period
    from liandong.assessment.rules import AssessmentRules, Ranked
    from liandong.assessment.service import Assessment
    from liandong.bootstrap import Platform

GROUPS = ("province", "city", "county", "township", "department", "matter", "source", "severity",
          "lead_system", "lead_level")
"""``assessment.service.GROUPS``, for the help text without importing the assessment (the start-up
test checks that the two agree)."""

report_app = group("report")
# Tables are wide: piped or captured output gets a wide page instead of rich's 80 columns.
out = Console(width=None if sys.stdout.isatty() else 180)
err = Console(stderr=True)

ScopeOpt = Annotated[str, typer.Option("--scope", help="统计范围：区划代码（如 320200）")]
PeriodOpt = Annotated[str, typer.Option(
    "--period", help="考核周期：2026-10、2026Q3、2026 或 2026-10-01..2026-10-31；默认为上一个完整考核月")]
ByOpt = Annotated[str, typer.Option("--by", help="分组：" + "、".join(GROUPS) + "；默认为下一级区划")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="导出文件（.xlsx 或 .csv）")]
ROOT = "100000"  # the national hierarchy's root (中华人民共和国): the whole country
TABLE_RATES = ("response", "resolution", "satisfaction", "composite", "ack_timely", "on_time", "returns")


def _t(pair: tuple[str, str], lang: str) -> str:
    return pick(pair, lang)


def _open(database_url: str | None, data_dir: Path | None, rules_path: Path | None, period_text: str,
          scope: str) -> tuple[Platform, AssessmentRules, Period, datetime]:

    from liandong.assessment.periods import last_whole_month, parse_period
    from liandong.assessment.rules import load_rules

    rules = load_rules(rules_path)
    platform = open_platform(database_url, data_dir)
    now = platform.clock.now()
    period = (parse_period(period_text, rules.period.cutoff_day) if period_text
              else last_whole_month(now, rules.period.cutoff_day))
    if scope not in platform.hierarchy:
        raise DomainError("assessment.unknown_scope", code=scope[:20])
    return platform, rules, period, now


def _assess(platform: Platform, rules: AssessmentRules, period: Period, now: datetime,
            lang: str, scope: str | None = None) -> Assessment:
    """The assessment of ``period``: from its snapshot when one is kept for ``scope`` (a live
    store; 考核结果固化), else from the 事实表."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from liandong.assessment.frozen import frozen_assessment, snapshots
    from liandong.assessment.report_facts import assess_rows

    if scope is not None and not platform.sandbox:
        snaps = snapshots(platform.data_dir)
        frozen = frozen_assessment(snaps, platform.hierarchy, period, now, rules, scope)
        if frozen is not None:
            return frozen

    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), TimeElapsedColumn(), console=err,
                  transient=True) as bar:
        bar.add_task(words(REPORT_TEXT, lang)["reading"], total=None)  # the 事实表: no replay
        return assess_rows(platform.uow, platform.hierarchy, period, now, rules)


def _namer(platform: Platform, by: str, lang: str = "zh") -> tables.Names:
    from liandong.assessment import tables

    return tables.namer(platform.hierarchy, platform.rules().router, platform.catalogue, by, lang)


def _name(platform: Platform, key: str, by: str, lang: str = "zh") -> str:
    return _namer(platform, by, lang)(key)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@report_app.command("kpi")
def kpi(scope: ScopeOpt = "320200", period: PeriodOpt = "", by: ByOpt = "", out_file: OutOpt = None,
        rules_file: RulesOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
        data_dir: DirOpt = None) -> None:
    """三率与过程指标：本范围合计及各分组（下级区划、部门、事项、来源……）。"""
    from liandong.assessment import export, tables

    with _refusals(lang):
        platform, rules, p, now = _open(database_url, data_dir, rules_file, period, scope)
        by = by or tables.NEXT_GROUP[platform.hierarchy.get(scope).level]
        a = _assess(platform, rules, p, now, lang, scope)
        name = _namer(platform, by, lang)
        rows = tables.kpi_rows(a, scope, by, name, lang)
        table = Table(title=f"{_name(platform, scope, 'unit', lang)} · {tables.subtitle(a, lang)}")
        cols = [c for c in export.COLUMNS if c[0] in ("name", "received", "valid", *TABLE_RATES, "overdue")]
        for _, zh, en, kind in cols:
            table.add_column(pick((zh, en), lang), justify="left" if kind == "text" else "right",
                             no_wrap=True)
        for row in rows[:40]:
            table.add_row(*[_show(row, key, kind) for key, _, _, kind in cols])
        out.print(table)
        if len(rows) > 40:
            out.print(words(REPORT_TEXT, lang)["more_rows"].format(n=len(rows) - 40))
        if out_file is not None:
            sheets = tables.kpi_sheets(a, scope, by, name, lang)
            if rules.exclusions.enabled and out_file.suffix.lower() == ".xlsx":  # with their rulings
                from liandong.assessment.fair_report import exclusion_sheet
                from liandong.i18n.assessment import FAIR_TITLES

                sheets.append(exclusion_sheet(
                    a, scope, _namer(platform, "department", lang), _namer(platform, "matter", lang),
                    f"{_name(platform, scope, 'unit', lang)}·{pick(FAIR_TITLES['exclusions'], lang)}",
                    tables.subtitle(a, lang), lang, platform.queries().number_of))
            export.write(out_file, sheets if out_file.suffix.lower() == ".xlsx" else sheets[:1], lang)
            out.print(words(REPORT_TEXT, lang)["written"] + str(out_file))


def _show(row: dict[str, Any], key: str, kind: str) -> str:
    from liandong.assessment import export

    value = export.cell(row, key)
    if kind == "rate":
        return _pct(value)
    if kind == "hours":
        return "—" if value is None else f"{value:.1f}"
    if kind == "count":
        return "—" if value is None else f"{value:,.0f}"
    return str(value)


def _check_indicator(indicator: str) -> None:
    """The composite or one of the engine's rates, else refused naming those allowed."""
    from liandong.assessment.engine import RATES

    allowed = ("composite", *RATES)
    if indicator not in allowed:
        raise DomainError("assessment.bad_dimension", value=indicator, allowed=", ".join(allowed))


@report_app.command("ranking")
def ranking(scope: ScopeOpt = "320200", period: PeriodOpt = "", by: ByOpt = "",
            indicator: Annotated[str, typer.Option("--indicator", help="排名指标")] = "composite",
            level: Annotated[str, typer.Option("--level", help="按部门排名时的层级（county 等）")] = "",
            system: Annotated[str, typer.Option("--system", help="按部门排名时的职能系统")] = "",
            out_file: OutOpt = None, rules_file: RulesOpt = None, lang: LangOpt = "zh",
            database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """排名与分类：名次、较上期变化、先进 / 进步 / 整改 / 治理类。"""
    from liandong.assessment import export, tables
    from liandong.assessment.engine import LOWER_IS_BETTER
    from liandong.domain.hierarchy import Level

    with _refusals(lang):
        _check_indicator(indicator)
        platform, rules, p, now = _open(database_url, data_dir, rules_file, period, scope)
        a = _assess(platform, rules, p, now, lang, scope)
        if level:
            ranked = a.department_ranking(scope, Level.parse(level), system or None, indicator)
            by = "department"
        else:
            by = by or tables.NEXT_GROUP[platform.hierarchy.get(scope).level]
            ranked = a.ranking(scope, by, indicator, lower_is_better=indicator in LOWER_IS_BETTER)
        title = f"{_name(platform, scope, 'unit', lang)} · {indicator} · {tables.subtitle(a, lang)}"
        out.print(_rank_table(a, scope, ranked, _namer(platform, by, lang), title, lang))
        if out_file is not None:
            sheet = tables.rank_sheet(a, scope, ranked, _namer(platform, by, lang), lang)
            export.write(out_file, [sheet], lang)
            out.print(words(REPORT_TEXT, lang)["written"] + str(out_file))


def _rank_table(a: Assessment, scope: str, ranked: list[Ranked], name: tables.Names, title: str,
                lang: str) -> Table:
    """A ranking in the terminal: the columns of its sheet (with the tier when ranked in tiers)."""
    from liandong.assessment import tables
    from liandong.i18n.assessment import CLASS_NAMES

    table = Table(title=title)
    columns = tables.rank_sheet(a, scope, ranked, name, lang).columns
    for _, zh, en, kind in columns:
        table.add_column(pick((zh, en), lang), justify="left" if kind == "text" else "right")
    for row in tables.rank_rows(ranked, name, lang):
        shown = {**row, "klass": _t(CLASS_NAMES[row["klass"]], lang) if row["klass"] else ""}
        table.add_row(*[_show(shown, key, kind) if row.get(key) is not None else "—"
                        for key, _, _, kind in columns])
    return table


@report_app.command("accountability")
def accountability(scope: ScopeOpt = "320200", period: PeriodOpt = "", out_file: OutOpt = None,
                   rules_file: RulesOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
                   data_dir: DirOpt = None) -> None:
    """精准问责：不良结果按前、中、后端环节与责任方分摊的时长，及基层承担的比例是否公平。"""
    from liandong.assessment import export, tables
    from liandong.i18n.assessment import STAGE_NAMES

    with _refusals(lang):
        platform, rules, p, now = _open(database_url, data_dir, rules_file, period, scope)
        a = _assess(platform, rules, p, now, lang, scope)
        summary = a.accountability(scope)
        w = words(REPORT_TEXT, lang)
        title = f"{_name(platform, scope, 'unit', lang)} · {tables.subtitle(a, lang)}"
        out.print(f"[bold]{title}[/bold]")
        out.print(w["adverse"].format(cases=summary.cases, tolerated=summary.tolerated))
        table = Table()
        for head in ("col_stage", "col_held", "col_share_held", "col_share_blamed"):
            table.add_column(w[head], justify="right")
        for stage in ("front", "middle", "back"):
            hours = summary.by_stage.get(stage, 0.0) / 3600
            table.add_row(_t(STAGE_NAMES[stage], lang), f"{hours:,.1f} h", _pct(summary.held_share(stage)),
                          _pct(summary.default_share(stage)))
        out.print(table)
        fair = summary.fairness
        out.print(w["fairness"] + ("—" if fair is None else f"{fair:.2f}"))
        parties = Table(title=w["parties"])
        parties.add_column(w["col_party"])
        parties.add_column(w["col_time_held"], justify="right")
        from liandong.assessment.attribution import by_time_held

        for party, seconds in sorted(summary.by_party.items(), key=by_time_held)[:15]:
            parties.add_row(_name(platform, party, "party", lang), f"{seconds / 3600:,.1f} h")
        out.print(parties)
        if out_file is not None:
            sheet = tables.segment_sheet(a, scope, _namer(platform, "party", lang), lang)
            export.write(out_file, [sheet], lang)
            out.print(w["written"] + str(out_file))


@report_app.command("freeze")
def freeze(period: PeriodOpt = "", root: Annotated[str, typer.Option(
               "--root", help="固化范围：区划代码；默认为本库服务的全部范围")] = "",
           rules_file: RulesOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
           data_dir: DirOpt = None) -> None:
    """考核结果固化：考核页与报表据此读取的快照。不给 --period 时做到期的：
    上一个完整考核月及其上期（尚未按期末固化的）与本考核月（快照超过一小时的）；
    给 --period 时重新固化该周期及其上期（补录、更正之后）。"""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from liandong.assessment import fair
    from liandong.assessment.frozen import Frozen, Snapshots, freeze_due
    from liandong.domain.worktime import SHANGHAI

    with _refusals(lang):
        platform, rules, p, now = _open(database_url, data_dir, rules_file, period, root or ROOT)
        if platform.sandbox:
            raise DomainError("assessment.freeze_sandbox")
        if fair.active(rules):
            raise DomainError("assessment.freeze_fair")
        if p.start >= now:
            raise DomainError("assessment.future_period", start=p.first_day.isoformat())
        assert platform.data_dir is not None  # a SQL store keeps its files beside it
        snaps = Snapshots(platform.data_dir / "assessment")
        w = words(REPORT_TEXT, lang)
        roots = (root,) if root else platform.served() or (ROOT,)
        bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn(), console=err,
                       transient=True)

        def progress(q: Period, r: str) -> Callable[[int, int], None]:
            task = bar.add_task(w["freezing"].format(label=q.label, root=r), total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        made: list[Frozen] = []
        h = platform.hierarchy
        with bar:
            if period:
                made = [snaps.freeze(platform.reads, h, r, q, rules, now, progress=progress(q, r))
                        for q in (p.previous(), p) for r in roots]
            else:
                made = freeze_due(snaps, platform.reads, h, roots, now, rules, progress=progress)
        for f in made:
            q, at = f.period, f"{f.as_of.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
            out.print(w["frozen"].format(label=q.label, first=q.first_day, last=q.last_day, as_of=at,
                                         root=_name(platform, f.root, "unit", lang), cases=f.cases,
                                         folder=f.folder))
        if not made:
            out.print(w["nothing_due"])


@report_app.command("instruments")
def instruments(scope: ScopeOpt = "320200", period: PeriodOpt = "", rules_file: RulesOpt = None,
                lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """联动事项指标：各部门简报阅读、批示答复、整改完成与试点报送的及时率。"""
    from liandong.assessment.instrument_kpi import INSTRUMENT_RATES, instrument_counts
    from liandong.assessment.instrument_kpi import rate as instrument_rate
    from liandong.i18n.assessment import INSTRUMENT_HEADS

    with _refusals(lang):
        platform, _, p, now = _open(database_url, data_dir, rules_file, period, scope)
        h = platform.hierarchy
        records = [x.record for x in platform.instrument_queries().of_kinds(
            ("briefing", "directive", "inspection", "assessment", "project", "symposium", "training",
             "meeting", "pilot"))]
        counts = instrument_counts(records, p.start, p.end, min(p.end, now))
        inside = {d: c for d, c in counts.items()
                  if d.rpartition("-")[0] in h and h.is_ancestor(scope, d.rpartition("-")[0])}
        name = _namer(platform, "department", lang)
        table = Table(title=f"{_name(platform, scope, 'unit', lang)} · {p.label}")
        table.add_column(words(REPORT_TEXT, lang)["col_department"])
        for head in INSTRUMENT_HEADS.values():
            table.add_column(pick(head, lang), justify="right")
        for dept in sorted(inside):
            cells = []
            for key in INSTRUMENT_HEADS:
                num, den = INSTRUMENT_RATES[key]
                value = instrument_rate(inside[dept], key)
                parts = f"{inside[dept][num]:g}/{inside[dept][den]:g}"
                cells.append("—" if value is None else f"{value * 100:.1f}% ({parts})")
            table.add_row(name(dept), *cells)
        out.print(table)


FAIR_SHOWN = ("name", "tier", "received", "excluded", "tolerance_rate", "pushed_down", "pushed_down_share",
              "verification_rate", "self_satisfaction", "independent_satisfaction", "diverges")


@report_app.command("fair")
def fair(scope: ScopeOpt = "320200", period: PeriodOpt = "", by: ByOpt = "",
         indicator: Annotated[str, typer.Option("--indicator", help="排名指标")] = "composite",
         out_file: OutOpt = None, rules_file: RulesOpt = None, lang: LangOpt = "zh",
         database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """公平考核：分级分类排名、容错率、下推件、回访核实率（与自报满意率比较）、不合理诉求认定。"""
    from liandong.assessment import export, tables
    from liandong.assessment.engine import LOWER_IS_BETTER
    from liandong.assessment.fair_report import exclusion_sheet, fair_sheet
    from liandong.assessment.service import Assessment
    from liandong.domain.errors import DomainError
    from liandong.i18n import name_of
    from liandong.i18n.assessment import FAIR_COLUMNS, FAIR_TITLES

    with _refusals(lang):
        _check_indicator(indicator)
        platform, rules, p, now = _open(database_url, data_dir, rules_file, period, scope)
        by = by or tables.NEXT_GROUP[platform.hierarchy.get(scope).level]
        plain = _assess(platform, rules, p, now, lang)
        a = Assessment(plain.hierarchy, rules, plain.current.refined(platform.uow, rules, always=True),
                       plain.previous)
        name = _namer(platform, by, lang)
        matters = platform.catalogue.matters

        local = platform.rules().catalogues

        def authority(code: str, places: tuple[str, ...], at: datetime) -> int | None:
            """As the 派单目录 in force there and then says (a local override of the authority)."""
            try:
                found = (local.matter(code, places, at, strict=False).authority
                         if local is not None and places else
                         matters.get(code).authority if code in matters else None)
            except DomainError:
                found = None
            return None if found is None else int(found)

        def matter_name(code: str) -> str:
            return name_of(matters.get(code), lang) if code in matters else code

        head = tables.subtitle(a, lang)
        title = _name(platform, scope, "unit", lang)
        ranked = a.ranking(scope, by, indicator, lower_is_better=indicator in LOWER_IS_BETTER)
        out.print(_rank_table(a, scope, ranked, name, f"{title} · {indicator} · {head}", lang))
        sheet = fair_sheet(a, scope, by, authority, name, f"{title}·{pick(FAIR_TITLES['fair'], lang)}", head,
                           lang)
        figures = Table(title=title)
        cols = [c for c in FAIR_COLUMNS if c[0] in FAIR_SHOWN]
        for _, zh, en, _ in cols:
            figures.add_column(pick((zh, en), lang))
        for row in sheet.rows[:40]:
            figures.add_row(*[_pct(row[k]) if kind == "rate" else str(row[k] if row[k] is not None else "—")
                              for k, _, _, kind in cols])
        out.print(figures)
        number = platform.queries().number_of
        excluded = exclusion_sheet(a, scope, _namer(platform, "department", lang), matter_name,
                                   f"{title}·{pick(FAIR_TITLES['exclusions'], lang)}", head, lang, number)
        out.print(f"{pick(FAIR_TITLES['exclusions'], lang)}: {len(excluded.rows)}")
        if out_file is not None:
            ranking_sheet = tables.rank_sheet(a, scope, ranked, name, lang)
            export.write(out_file, [ranking_sheet, sheet, excluded], lang)
            out.print(words(REPORT_TEXT, lang)["written"] + str(out_file))
