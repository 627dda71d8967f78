"""``liandong case …``: drive the closed loop from the terminal, and read a case's timeline and
team by level. ``--at`` runs a command at a given moment (virtual time for demos and examples).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from liandong.cli.common import DbOpt, DirOpt, LangOpt, check_lang, fail, group, open_platform
from liandong.domain.errors import DomainError

if TYPE_CHECKING:
    from liandong.bootstrap import Platform
    from liandong.domain.cases import commands as c
    from liandong.domain.cases.events import Event
    from liandong.domain.cases.record import CaseRecord
    from liandong.services.cases import Result
    from liandong.services.clock import Clock

case_app = group("case")
out = Console()
err = Console(stderr=True)

AtOpt = Annotated[str | None, typer.Option("--at", help="以该时刻执行（ISO 8601，默认现在）")]
ByOpt = Annotated[str, typer.Option("--by", help="执行部门代码，如 320213-urban_management")]
VersionOpt = Annotated[int | None, typer.Option("--version", help="您看到的案件版本（乐观锁）")]


def _clock(at: str | None) -> Clock | None:
    """The time ``--at`` names; None: the platform's clock."""
    from liandong.domain.worktime import SHANGHAI
    from liandong.services.clock import ManualClock

    if at is None:
        return None
    moment = datetime.fromisoformat(at)
    return ManualClock(moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI))


def _run(command: c.Command, *, at: str | None, lang: str, database_url: str | None,
         data_dir: Path | None) -> Result:
    check_lang(lang)
    try:
        clock = _clock(at)
        platform = open_platform(database_url, data_dir)
        result = platform.bus(clock).handle(command)
    except DomainError as exc:
        raise fail(exc, lang) from None
    except ValueError as exc:
        err.print(f"[red]--at: {exc}[/red]")
        raise typer.Exit(2) from None
    labels = ", ".join(_label(type(e).__name__, lang) for e in result.events) or "—"
    out.print(f"{result.case_id} v{result.version}: {labels}")
    return result


def _label(event_type: str, lang: str) -> str:
    from liandong.i18n.messages import EVENT_LABELS

    return EVENT_LABELS.get(event_type, {}).get(lang, event_type)


@case_app.command("report")
def report(matter: Annotated[str, typer.Option(help="事项类型代码，见 liandong 的职责清单")],
           place: Annotated[list[str], typer.Option(help="所涉区划代码（可多次）")],
           text: Annotated[str, typer.Option(help="诉求内容")],
           severity: Annotated[str, typer.Option()] = "routine",
           source: Annotated[str, typer.Option()] = "citizen",
           name: Annotated[str, typer.Option(help="诉求人姓名")] = "",
           phone: Annotated[str, typer.Option(help="诉求人电话")] = "",
           key: Annotated[str, typer.Option(help="幂等键：重复提交不会产生两件")] = "",
           at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
           data_dir: DirOpt = None) -> None:
    """受理一件诉求。"""
    from liandong.domain.cases import commands as c

    _run(c.ReportCase(by="reporter", matter=matter, severity=severity, affected=tuple(place),
                      description=text, source=source, reporter_name=name, reporter_phone=phone,
                      idempotency_key=key), at=at, lang=lang, database_url=database_url,
         data_dir=data_dir)


def _simple(name: str, cls: str, doc: str) -> None:
    """A command that takes only the case, its version and who acts: ``cls`` names its class in
    ``domain.cases.commands``, imported when the command runs."""
    def command(case_id: str, by: ByOpt, version: VersionOpt = None, at: AtOpt = None,
                lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
        from liandong.domain.cases import commands as c

        make: type[c.CaseCommand] = getattr(c, cls)
        _run(make(by=by, case_id=case_id, expected_version=version), at=at, lang=lang,
             database_url=database_url, data_dir=data_dir)

    command.__doc__ = doc
    case_app.command(name)(command)


_simple("ack", "AcknowledgeCase", "签收。")
_simple("start", "StartHandling", "开始处置。")
_simple("close", "CloseCase", "归档。")
_simple("check", "CheckDeadlines", "时限检查：提醒、催办、督办、提级。")


@case_app.command("summon")
def summon(case_id: str, by: ByOpt, dept: Annotated[list[str], typer.Option(help="被召集的县级部门")],
           reason: Annotated[str, typer.Option()] = "", at: AtOpt = None, lang: LangOpt = "zh",
           database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """吹哨：乡镇（街道）召集县级部门报到。"""
    from liandong.domain.cases import commands as c

    _run(c.SummonDepartments(by=by, case_id=case_id, departments=tuple(dept), reason=reason),
         at=at, lang=lang, database_url=database_url, data_dir=data_dir)


@case_app.command("answer")
def answer(case_id: str, by: ByOpt, mode: Annotated[str, typer.Option()] = "on_site",
           at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
           data_dir: DirOpt = None) -> None:
    """报到：被召集部门到场或线上报到。"""
    from liandong.domain.cases import commands as c

    _run(c.AnswerSummons(by=by, case_id=case_id, mode=mode), at=at, lang=lang,
         database_url=database_url, data_dir=data_dir)


@case_app.command("rate-summoned")
def rate_summoned(case_id: str, by: ByOpt, dept: Annotated[str, typer.Option()],
                  score: Annotated[int, typer.Option(help="1–5")], at: AtOpt = None,
                  lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """吹哨的乡镇（街道）评价报到部门。"""
    from liandong.domain.cases import commands as c

    _run(c.RateSummoned(by=by, case_id=case_id, department=dept, score=score), at=at, lang=lang,
         database_url=database_url, data_dir=data_dir)


@case_app.command("assist")
def assist(case_id: str, by: ByOpt, text: Annotated[str, typer.Option()], at: AtOpt = None,
           lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """协办单位反馈办理情况。"""
    from liandong.domain.cases import commands as c

    _run(c.ReportAssist(by=by, case_id=case_id, summary=text), at=at, lang=lang,
         database_url=database_url, data_dir=data_dir)


@case_app.command("escalate")
def escalate(case_id: str, by: ByOpt, reason: Annotated[str, typer.Option()], at: AtOpt = None,
             lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """提级：请求上一级主办（超出能力、权限或资源）。"""
    from liandong.domain.cases import commands as c

    _run(c.EscalateCase(by=by, case_id=case_id, reason=reason), at=at, lang=lang,
         database_url=database_url, data_dir=data_dir)


@case_app.command("resolve")
def resolve(case_id: str, by: ByOpt, text: Annotated[str, typer.Option()],
            public: Annotated[str, typer.Option(help="对诉求人公开的说明")] = "",
            at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
            data_dir: DirOpt = None) -> None:
    """办结（所有协办单位反馈后）。"""
    from liandong.domain.cases import commands as c

    _run(c.ResolveCase(by=by, case_id=case_id, summary=text, public_note=public), at=at,
         lang=lang, database_url=database_url, data_dir=data_dir)


@case_app.command("rate")
def rate(case_id: str, by: ByOpt,
         rating: Annotated[str, typer.Option(help="satisfied / basically_satisfied / unsatisfied")],
         unsolved: Annotated[bool, typer.Option("--unsolved", help="问题未解决")] = False,
         fault: Annotated[bool, typer.Option("--handler-at-fault", help="不满意系承办单位原因")] = False,
         at: AtOpt = None, lang: LangOpt = "zh", database_url: DbOpt = None,
         data_dir: DirOpt = None) -> None:
    """回访评价；不满意且系承办原因则重办。"""
    from liandong.domain.cases import commands as c

    _run(c.FollowUpCase(by=by, case_id=case_id, solved=not unsolved, rating=rating,
                        handler_at_fault=fault), at=at, lang=lang, database_url=database_url,
         data_dir=data_dir)


@case_app.command("show")
def show(case_id: str, lang: LangOpt = "zh", database_url: DbOpt = None,
         data_dir: DirOpt = None) -> None:
    """案件详情：路由理由、按层级排列的办理团队、时间线。"""
    platform = open_platform(database_url, data_dir)
    found = platform.queries().with_events(case_id)
    if found is None:
        raise fail(DomainError("case.unknown", case_id=case_id), lang)
    case, events = found
    render_case(platform, case.record, events, lang)


def local(moment: datetime | None) -> str:
    from liandong.domain.worktime import SHANGHAI

    return "—" if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def render_case(platform: Platform, r: CaseRecord, events: list[Event], lang: str) -> None:
    """Print the header, the routing reasons, the team by level and the timeline."""
    from liandong.domain.hierarchy import Level
    from liandong.i18n import name_of, words
    from liandong.i18n.cli import CASE_TEXT
    from liandong.i18n.messages import REASON_NAMES, ROLE_NAMES, level_name, reason_text, render

    router = platform.rules().router
    matter = platform.catalogue.matters.get(r.matter)
    w = words(CASE_TEXT, lang)
    out.print(f"[bold]{r.id}[/bold]  {name_of(matter, lang)}  "
              f"{w['severity']} {r.severity}  {w['state']} {r.state.value}")
    out.print(f"{w['report']}: {r.description}")
    places = "、".join(platform.hierarchy.get(code).name for code in r.affected)
    out.print(f"{w['places']}: {places}")
    if r.owner:
        owner = platform.hierarchy.get(r.owner)
        out.print(f"{w['owner']}: {owner.name}（{level_name(owner.level, lang)}）  "
                  f"{w['lead']}: {router.department_name(r.lead)}  "
                  f"{w['due']}: {local(r.due)}"
                  + (render("calendar.provisional_mark", lang)
                     if platform.rules().due_is_provisional(r.due, r.limit) else ""))
        for reason in r.reasons:
            out.print(f"  · {escape(REASON_NAMES.get(reason[0], {}).get(lang, reason[0]))}: "
                      f"{escape(reason_text(reason, lang, platform.catalogue))}")
    team = Table(title=w["team"])
    for head in ("col_level", "col_department", "col_role", "col_joined"):
        team.add_column(w[head])
    members = sorted(r.team.values(), key=lambda m: (platform.hierarchy.get(
        m.department.rpartition("-")[0]).level, m.department))
    for m in members:
        unit_level = platform.hierarchy.get(m.department.rpartition("-")[0]).level
        team.add_row(level_name(Level(unit_level), lang), router.department_name(m.department),
                     ROLE_NAMES[m.role][lang], REASON_NAMES.get(m.reason, {}).get(lang, m.reason))
    out.print(team)
    if r.summons:
        summons = Table(title=w["summons"])
        for head in ("col_department", "col_issued", "col_due", "col_answered", "col_on_time", "col_score"):
            summons.add_column(w[head])
        for s in r.summons.values():
            on_time = "—" if s.on_time is None else w["yes"] if s.on_time else f"[red]{w['no']}[/red]"
            summons.add_row(router.department_name(s.department), local(s.issued_at), local(s.due),
                            local(s.answered_at), on_time, "—" if s.score is None else str(s.score))
        out.print(summons)
    timeline = Table(title=w["timeline"])
    for head in ("col_time", "col_event", "col_actor"):
        timeline.add_column(w[head])
    for e in events:
        actor = e.actor if e.actor in ("reporter", "platform") else router.department_name(e.actor)
        timeline.add_row(local(e.at), _label(type(e).__name__, lang), actor)
    out.print(timeline)


@case_app.command("inbox")
def inbox(department: str, lang: LangOpt = "zh", database_url: DbOpt = None,
          data_dir: DirOpt = None) -> None:
    """一个部门的待办：最近的时限在前。"""

    from liandong.domain.cases.routing import Role
    from liandong.i18n.messages import ROLE_NAMES

    platform = open_platform(database_url, data_dir)
    rows = platform.queries().inbox(department)
    table = Table(title=platform.rules().router.department_name(department))
    for head in ("case", "state", "matter", "role", "due"):
        table.add_column(head)
    now = platform.clock.now()
    for s in rows:
        overdue = s.due is not None and s.due < now
        table.add_row(s.case_id, s.state, s.matter, ROLE_NAMES[Role(s.role)][lang],
                      f"[red]{local(s.due)}[/red]" if overdue else local(s.due))
    out.print(table)


# -- every other case command, from its declaration ------------------------------------------------
HAND_WRITTEN = {"report", "start", "close", "escalate", "resolve", "acknowledge",
                "check-deadlines", "summons", "summons-answer", "summons-rating", "assist-report",
                "follow-up"}
"""Slugs with a command of their own above (ack, check, summon, answer, rate-summoned, assist, rate)."""


def _declared() -> None:
    import inspect

    from liandong.cli.declared import KW, add_declared
    from liandong.domain.cases import commands as c

    common = [inspect.Parameter("by", KW, annotation=ByOpt),
              inspect.Parameter("version", KW, annotation=VersionOpt, default=None),
              inspect.Parameter("at", KW, annotation=AtOpt, default=None),
              inspect.Parameter("lang", KW, annotation=LangOpt, default="zh"),
              inspect.Parameter("database_url", KW, annotation=DbOpt, default=None),
              inspect.Parameter("data_dir", KW, annotation=DirOpt, default=None)]

    def run(build: Any, options: dict[str, Any]) -> None:
        _run(build(by=options["by"], case_id=options["case_id"], expected_version=options["version"]),
             at=options["at"], lang=options["lang"], database_url=options["database_url"],
             data_dir=options["data_dir"])

    add_declared(case_app, c.COMMANDS, subject="case_id", common=common, run=run, skip=HAND_WRITTEN)


_declared()
