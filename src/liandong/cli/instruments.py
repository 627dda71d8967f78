"""``liandong instrument …``: the linkage instruments from the terminal — issue, list a
department's, show one, and take every step of their workflows. Events are recorded on the
platform's clock; ``--at`` claims a time beside it, on a sandbox store only (docs/decisions/0030)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from liandong.cli.common import (
    AtOpt,
    DbOpt,
    DirOpt,
    LangOpt,
    RulesOpt,
    check_lang,
    claimed_time,
    group,
    open_platform,
)
from liandong.domain.errors import DomainError
from liandong.i18n import pick, words
from liandong.i18n.cli import INSTRUMENT_TEXT

if TYPE_CHECKING:
    from liandong.services import instruments as i

instrument_app = group("instrument")
out = Console(width=None if sys.stdout.isatty() else 160)  # a wide page when piped or captured
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

ByOpt = Annotated[str, typer.Option("--by", help="执行部门代码，如 320000-gov")]
KINDS = ("pilot", "project", "directive", "commendation", "criticism", "inspection", "assessment", "briefing",
         "experience", "symposium", "training", "meeting", "resource")
"""The values of ``domain.instruments.kinds.Kind``, for the help text without importing the domain (the
start-up test checks that the two agree)."""


def _moment(text: str) -> datetime:
    from liandong.domain.worktime import SHANGHAI

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError("web.bad_datetime", value=text[:40]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def _run(command: i.InstrumentCommand, at: str | None, lang: str, database_url: str | None,
         data_dir: Path | None) -> None:
    check_lang(lang)
    try:
        platform = open_platform(database_url, data_dir)
        result = platform.bus(claimed_at=claimed_time(at)).handle(command)
    except DomainError as exc:
        raise _fail(exc, lang) from None
    names = "、".join(type(e).__name__ for e in result.events)
    names = names or words(INSTRUMENT_TEXT, lang)["no_change"]
    out.print(f"{result.instrument_id} v{result.version}: {names}")


def _fail(exc: DomainError, lang: str) -> typer.Exit:
    from liandong.i18n.messages import explain

    err.print(f"[red]{explain(exc, lang)}[/red]")  # on a page as wide as the tables'
    return typer.Exit(2)


def _figures(items: list[str], sep: str, parts: int) -> list[tuple[str, ...]]:
    found = []
    for item in items:
        bits = tuple(b.strip() for b in item.split(sep))
        if len(bits) != parts or not all(bits):
            raise typer.BadParameter(f"“{item}”: {sep.join(['…'] * parts)}")
        found.append(bits)
    return found


@instrument_app.command("issue")
def issue(by: ByOpt, kind: Annotated[str, typer.Option("--kind", help=", ".join(KINDS))],
          title: Annotated[str, typer.Option("--title")],
          scope: Annotated[str, typer.Option("--scope", help="所涉区划代码")],
          to: Annotated[list[str], typer.Option("--to", help="对象部门（可多次）")],
          body: Annotated[str, typer.Option("--body")] = "",
          due: Annotated[str | None, typer.Option("--due", help="时限（ISO 8601）")] = None,
          cadence: Annotated[int, typer.Option("--cadence", help="试点报送周期（天）")] = 0,
          indicator: Annotated[list[str] | None, typer.Option(
              "--indicator", help="试点指标：名称:基线:目标（可多次）")] = None,
          evidence: Annotated[list[str] | None, typer.Option(
              "--evidence", help="依据：案件编号、案件 ID 或联动事项 ID，须在本辖区内（可多次）")] = None,
          budget: Annotated[int, typer.Option("--budget-fen", help="项目预算（分）")] = 0,
          read_limit: Annotated[int, typer.Option("--read-limit-hours")] = 0,
          subject: Annotated[str, typer.Option(
              "--subject", help="案件号或议题；试点所涉事项代码（逗号分隔）")] = "",
          item: Annotated[list[str] | None, typer.Option(
              "--item", help="资源申请：物资:数量（可多次）")] = None,
          at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
          data_dir: DirOpt = None) -> None:
    """发布联动事项（须发布部门所在层级的治理要素许可）。"""
    from liandong.services import instruments as i

    indicators = [(a, b, c) for a, b, c in _figures(indicator or [], ":", 3)]
    items = []
    for name, quantity in _figures(item or [], ":", 2):
        if not quantity.isdigit():
            raise typer.BadParameter(f"“{name}:{quantity}”: 物资:数量 / item:quantity")
        items.append((name, int(quantity)))
    _run(i.Issue(by=by, kind=kind, title=title, body=body, scope=scope, addressees=tuple(to),
                 due=_moment(due) if due else None, cadence_days=cadence, indicators=tuple(indicators),
                 evidence=tuple(evidence or ()), budget_fen=budget, read_limit_hours=read_limit,
                 subject=subject, items=tuple(items)), at, lang, database_url, data_dir)


@instrument_app.command("list")
def list_(department: str, open_only: Annotated[bool, typer.Option("--open")] = False, lang: LangOpt = "zh",
          database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """部门发布的和收到的联动事项，含状态与时限。"""
    from liandong.domain.worktime import SHANGHAI
    from liandong.i18n.messages import INSTRUMENT_KINDS

    platform = open_platform(database_url, data_dir)
    rows = platform.instrument_queries().of_department(department, open_only=open_only)
    w = words(INSTRUMENT_TEXT, lang)
    table = Table(title=department)
    for head in ("col_id", "col_kind", "col_title", "col_role", "col_state", "col_due"):
        table.add_column(w[head])
    for s in rows:
        due = s.due.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if s.due else "—"
        kind = pick(INSTRUMENT_KINDS[s.kind], lang)
        table.add_row(s.instrument_id, kind, s.title, s.role, s.state, due)
    out.print(table)


@instrument_app.command("show")
def show(instrument_id: str, lang: LangOpt = "zh", database_url: DbOpt = None,
         data_dir: DirOpt = None) -> None:
    """一项联动事项的全过程记录。"""
    from liandong.domain.worktime import SHANGHAI
    from liandong.i18n.messages import INSTRUMENT_EVENTS, INSTRUMENT_KINDS, render

    platform = open_platform(database_url, data_dir)
    found, events = platform.instrument_queries().with_events(instrument_id)
    if found is None:
        raise _fail(DomainError("instrument.not_found", id=instrument_id), lang)
    r = found.record
    w = words(INSTRUMENT_TEXT, lang)
    router = platform.rules().router

    def name(code: str) -> str:
        return router.department_name(code) if "-" in code else code

    if platform.sandbox:  # a training store is never read as a live record
        out.print(f"[bold yellow]{render('store.sandbox_mark', lang)}[/bold yellow]")
    out.print(f"[bold]{r.title}[/bold] · {pick(INSTRUMENT_KINDS[r.kind.value], lang)} · {r.state} · "
              f"{name(r.issuer)} → " + "、".join(name(a) for a in r.addressees))
    table = Table()
    for head in ("col_n", "col_time", "col_event", "col_by", "col_detail"):
        table.add_column(w[head])
    for n, e in enumerate(events, 1):
        detail = _detail(e, w, lang, name)
        at = e.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        if e.claimed_at is not None:  # beside the recorded time, marked as claimed
            at += "\n" + render("store.claimed_mark", lang,
                                 claimed=e.claimed_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))
        table.add_row(str(n), at, pick(INSTRUMENT_EVENTS[type(e).__name__], lang), name(e.actor), str(detail))
    out.print(table)


def _detail(e: Any, w: dict[str, str], lang: str, name: Callable[[str], str]) -> str:
    """What an event of the record says: a task reported done with its note, a verification's
    outcome (通过 / 退回) with its note, a decision with its reason and any justification and
    shortfall, else its text, title or task."""
    from liandong.i18n.messages import INSTRUMENT_DECISIONS

    kind = type(e).__name__
    if kind == "TaskVerified":
        said = f"{e.task} · {w['verified_yes'] if e.accepted else w['verified_no']}"
        return f"{said} · {e.note}" if e.note else said
    if kind == "TaskCompleted":
        return f"{e.task} · {e.note}" if e.note else str(e.task)
    if kind == "Decided":
        said = f"{pick(INSTRUMENT_DECISIONS.get(e.decision, (e.decision, e.decision)), lang)} · {e.reason}"
        gaps = "；".join(f"{name(d)} {n} {v or w['not_reported']} < {t}" for d, n, v, t in e.shortfall)
        said += f"\n{w['shortfall']}：{gaps}" if gaps else ""
        return said + (f"\n{w['justification']}：{e.justification}" if e.justification else "")
    return str(getattr(e, "text", "") or getattr(e, "title", "") or getattr(e, "what", "")
               or getattr(e, "task", ""))


def _simple(name: str, make: str, help_text: str) -> None:
    """A command that takes only the instrument and who acts: ``make`` names its class in
    ``services.instruments``, imported when the command runs."""
    def command(instrument_id: str, by: ByOpt, at: AtOpt = None, lang: LangOpt = "zh",
                database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
        from liandong.services import instruments as i

        _run(getattr(i, make)(by=by, instrument_id=instrument_id), at, lang, database_url, data_dir)
    command.__doc__ = help_text
    instrument_app.command(name)(command)


_simple("read", "MarkRead", "已阅（回执）。")
_simple("adopt", "Adopt", "采纳已推广的经验。")
_simple("check", "CheckDeadlines", "时限检查：逾期的答复、阅读、报送、任务与决定逐级上报。")


@instrument_app.command("report")
def report(instrument_id: str, by: ByOpt, text: Annotated[str, typer.Option("--text")],
           figure: Annotated[list[str] | None, typer.Option("--figure", help="指标=数值（可多次）")] = None,
           at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
          data_dir: DirOpt = None) -> None:
    """报送数据、进展或督导发现。"""
    from liandong.services import instruments as i

    figures = [(a, b) for a, b in _figures(figure or [], "=", 2)]
    _run(i.Report(by=by, instrument_id=instrument_id, text=text, figures=tuple(figures)), at, lang,
         database_url, data_dir)


@instrument_app.command("respond")
def respond(instrument_id: str, by: ByOpt, text: Annotated[str, typer.Option("--text")], at: AtOpt = None,
            lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """答复指示批示。"""
    from liandong.services import instruments as i

    _run(i.Respond(by=by, instrument_id=instrument_id, text=text), at, lang, database_url, data_dir)


@instrument_app.command("assign")
def assign(instrument_id: str, by: ByOpt, task: Annotated[str, typer.Option("--task")],
           owner: Annotated[str, typer.Option("--owner")], title: Annotated[str, typer.Option("--title")],
           due: Annotated[str, typer.Option("--due")], at: AtOpt = None, lang: LangOpt = "zh",
           database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """交办任务（整改、里程碑、会议事项）。"""
    from liandong.services import instruments as i

    _run(i.AssignTask(by=by, instrument_id=instrument_id, task=task, owner=owner, title=title,
                      due=_moment(due)), at, lang, database_url, data_dir)


@instrument_app.command("complete")
def complete(instrument_id: str, by: ByOpt, task: Annotated[str, typer.Option("--task")],
             note: Annotated[str, typer.Option("--note")] = "", at: AtOpt = None, lang: LangOpt = "zh",
             database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """报告任务完成。"""
    from liandong.services import instruments as i

    _run(i.CompleteTask(by=by, instrument_id=instrument_id, task=task, note=note), at, lang, database_url,
         data_dir)


@instrument_app.command("verify")
def verify(instrument_id: str, by: ByOpt, task: Annotated[str, typer.Option("--task")],
           accept: Annotated[bool, typer.Option("--accept/--send-back")] = True,
           note: Annotated[str, typer.Option("--note")] = "", at: AtOpt = None, lang: LangOpt = "zh",
           database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """核验任务（通过或退回）。"""
    from liandong.services import instruments as i

    _run(i.VerifyTask(by=by, instrument_id=instrument_id, task=task, accepted=accept, note=note), at, lang,
         database_url, data_dir)


@instrument_app.command("attend")
def attend(instrument_id: str, by: ByOpt, absent: Annotated[bool, typer.Option("--absent")] = False,
           at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
          data_dir: DirOpt = None) -> None:
    """出席登记。"""
    from liandong.services import instruments as i

    _run(i.Attend(by=by, instrument_id=instrument_id, present=not absent), at, lang, database_url, data_dir)


@instrument_app.command("minutes")
def minutes(instrument_id: str, by: ByOpt, text: Annotated[str, typer.Option("--text")], at: AtOpt = None,
            lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """会议纪要。"""
    from liandong.services import instruments as i

    _run(i.RecordMinutes(by=by, instrument_id=instrument_id, text=text), at, lang, database_url, data_dir)


@instrument_app.command("decide")
def decide(instrument_id: str, by: ByOpt, decision: Annotated[str, typer.Option("--decision")],
           reason: Annotated[str, typer.Option("--reason")],
           scope: Annotated[str, typer.Option("--scope", help="推广范围（scale_up）")] = "",
           until: Annotated[str | None, typer.Option("--until", help="延长至（extend）")] = None,
           justification: Annotated[str, typer.Option(
               "--justification", help="例外说明：督查未交办整改即结束、试点未达标仍推广时必填")] = "",
           at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
          data_dir: DirOpt = None) -> None:
    """决定：试点推广/延长/终止，项目验收，督导结案，资源分配。"""
    from liandong.services import instruments as i

    _run(i.Decide(by=by, instrument_id=instrument_id, decision=decision, reason=reason, scope=scope,
                  until=_moment(until) if until else None, justification=justification),
         at, lang, database_url, data_dir)


@instrument_app.command("promote")
def promote(instrument_id: str, by: ByOpt, scope: Annotated[str, typer.Option("--scope")], at: AtOpt = None,
            lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """把下级经验推广到本级辖区。"""
    from liandong.services import instruments as i

    _run(i.Promote(by=by, instrument_id=instrument_id, scope=scope), at, lang, database_url, data_dir)


@instrument_app.command("withdraw")
def withdraw(instrument_id: str, by: ByOpt, reason: Annotated[str, typer.Option("--reason")],
             at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
             data_dir: DirOpt = None) -> None:
    """撤回。"""
    from liandong.services import instruments as i

    _run(i.Withdraw(by=by, instrument_id=instrument_id, reason=reason), at, lang, database_url, data_dir)


@instrument_app.command("stock")
def stock(by: ByOpt, item: Annotated[str, typer.Option("--item")],
          unit: Annotated[str, typer.Option("--unit")],
          quantity: Annotated[int, typer.Option("--quantity", help="入库数量（负数为出库）")],
          lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """资源池：登记部门持有的人员、资金、设备或物资。"""
    try:
        held = open_platform(database_url, data_dir).instruments().stock(by=by, item=item, unit=unit,
                                                                          quantity=quantity)
    except DomainError as exc:
        raise _fail(exc, lang) from None
    out.print(f"{by} · {item}: {held:,} {unit}")


@instrument_app.command("pool")
def pool(department: str, lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """资源池：部门持有的资源。"""
    platform = open_platform(database_url, data_dir)
    held = platform.instrument_queries().holdings(department)
    table = Table(title=department)
    table.add_column(words(INSTRUMENT_TEXT, lang)["col_item"])
    table.add_column(words(INSTRUMENT_TEXT, lang)["col_quantity"], justify="right")
    for item, (quantity, unit) in held.items():
        table.add_row(item, f"{quantity:,} {unit}")
    out.print(table)


@instrument_app.command("publish")
def publish_cycle(instrument_id: str, by: ByOpt, at: AtOpt = None,
                  rules_file: RulesOpt = None,
                  lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """公布考核周期结果：计算各对象单位的三率综合与类别，治理类、整改单位交办约谈，先进单位点名表扬。"""
    from liandong.assessment.cycle import publish
    from liandong.assessment.rules import load_rules

    try:
        platform = open_platform(database_url, data_dir)
        bus = platform.instruments(claimed_at=claimed_time(at))
        done = publish(bus, platform.uow, platform.hierarchy, instrument_id, by, platform.clock.now(),
                       load_rules(rules_file))
    except DomainError as exc:
        raise _fail(exc, lang) from None
    for dept, value in done.figures.items():
        out.print(f"{dept}: {'—' if value is None else f'{value:.4f}'} {done.classes[dept]}")
    if done.talks:
        out.print(words(INSTRUMENT_TEXT, lang)["talks"] + "、".join(done.talks))
    if done.commendation:
        out.print(words(INSTRUMENT_TEXT, lang)["commendation"] + done.commendation)
