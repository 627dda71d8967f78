"""``liandong case …``: drive the closed loop from the terminal, and read a case's timeline and
team by level. Events are recorded on the platform's clock; ``--at`` claims a time beside it, on a
sandbox store only (docs/decisions/0030).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from liandong.cli.common import (
    AtOpt,
    DbOpt,
    DirOpt,
    LangOpt,
    check_lang,
    claimed_time,
    fail,
    group,
    open_platform,
)
from liandong.cli.disputes import repeats
from liandong.domain.errors import DomainError

if TYPE_CHECKING:
    from liandong.bootstrap import Platform
    from liandong.domain.cases import commands as c
    from liandong.domain.cases.events import Event
    from liandong.domain.cases.record import CaseRecord
    from liandong.services.cases import Result

case_app = group("case")
case_app.command("repeats")(repeats)
out = Console()
err = Console(stderr=True)

ByOpt = Annotated[str, typer.Option("--by", help="执行部门代码，如 320213-urban_management")]
VersionOpt = Annotated[int | None, typer.Option("--version", help="您看到的案件版本（乐观锁）")]


def _run(command: c.Command, *, at: str | None, lang: str, database_url: str | None,
         data_dir: Path | None) -> Result:
    """Run one command on the platform's clock; ``at``: a time claimed beside it (sandbox stores)."""
    check_lang(lang)
    try:
        claimed = claimed_time(at)
        platform = open_platform(database_url, data_dir)
        result = platform.bus(claimed_at=claimed).handle(command)
    except DomainError as exc:
        raise fail(exc, lang) from None
    from liandong.i18n import words
    from liandong.i18n.cli import CASE_TEXT

    labels = "、".join(_label(type(e).__name__, lang) for e in result.events) or "—"
    number = platform.queries().number_of(result.case_id) if result.case_id else ""
    shown = f"{result.case_id} {number}" if number else result.case_id  # the id first, for scripts
    version = words(CASE_TEXT, lang)["version"].format(version=result.version)
    out.print(f"{shown} {version}: {labels}")
    return result


def _label(event_type: str, lang: str) -> str:
    from liandong.i18n.messages import EVENT_LABELS

    return EVENT_LABELS.get(event_type, {}).get(lang, event_type)


SEVERITY_HELP = "事件等级：routine 一般诉求、IV、III、II、I（特别重大）"
SOURCE_HELP = "来源：citizen 市民、ngo 社会组织、grid 网格员、department 部门、hotline 热线、online 网络"


@case_app.command("report")
def report(matter: Annotated[str, typer.Option(help="事项类型代码，见 liandong 的职责清单")],
           place: Annotated[list[str], typer.Option(help="所涉区划代码（可多次）")],
           text: Annotated[str, typer.Option(help="诉求内容")],
           severity: Annotated[str, typer.Option(help=SEVERITY_HELP)] = "routine",
           source: Annotated[str, typer.Option(help=SOURCE_HELP)] = "citizen",
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


@case_app.command("rekey-phones")
def rekey_phones(lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """用当前平台密钥重新计算诉求人电话摘要（更换平台密钥之后，找回查询码才能找到原有诉求）。"""
    from liandong.i18n import words
    from liandong.i18n.cli import CASE_TEXT
    from liandong.services.recovery import rekey_phones as rekey

    platform = open_platform(database_url, data_dir)
    count = rekey(platform.uow, platform.secret)
    out.print(words(CASE_TEXT, check_lang(lang))["rekeyed"].format(count=count))


ReaderOpt = Annotated[str | None, typer.Option(
    "--by", help="阅读部门代码：团队成员（或派单中心）阅读后记为已读，计入信息对称指数")]


@case_app.command("show")
def show(case_id: str, lang: LangOpt = "zh", database_url: DbOpt = None,
         data_dir: DirOpt = None, by: ReaderOpt = None) -> None:
    """案件详情：路由理由、按层级排列的办理团队、时间线。"""
    platform = open_platform(database_url, data_dir)
    found = platform.queries().with_events(case_id)
    if found is None:
        raise fail(DomainError("case.unknown", case_id=case_id), lang)
    case, events = found
    if by:  # 已读 for the reading department, as a read in the workbench or through the API counts
        from liandong.domain.access import Principal

        reader = Principal(account_id="cli", username="cli", roles=frozenset(), department=by)
        try:
            read = platform.queries().read(reader, case_id, summoned=True)
        except DomainError as exc:
            raise fail(exc, lang) from None
        platform.queries().mark_read(reader, read, platform.clock.now())
    render_case(platform, case.record, events, lang)


def local(moment: datetime | None) -> str:
    from liandong.domain.worktime import SHANGHAI

    return "—" if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def render_case(platform: Platform, r: CaseRecord, events: list[Event], lang: str) -> None:
    """Print the header, the routing reasons, the team by level and the timeline."""
    from liandong.domain.hierarchy import Level
    from liandong.i18n import name_of, pick, words
    from liandong.i18n.cli import CASE_TEXT
    from liandong.i18n.messages import (
        REASON_NAMES,
        ROLE_NAMES,
        SEVERITY_NAMES,
        level_name,
        reason_text,
        render,
    )

    router = platform.rules().router
    matter = platform.catalogue.matters.get(r.matter)
    w = words(CASE_TEXT, lang)
    from liandong.i18n.work_items import state_name

    if platform.sandbox:  # a training store is never read as a live record
        out.print(f"[bold yellow]{render('store.sandbox_mark', lang)}[/bold yellow]")
    number = platform.queries().number_of(r.id)
    out.print(f"[bold]{number or r.id}[/bold]  {name_of(matter, lang)}  "
              f"{w['severity']} {pick(SEVERITY_NAMES.get(r.severity, (r.severity, r.severity)), lang)}  "
              f"{w['state']} {state_name(r.state.value, lang)}"
              + (f"\n{r.id}" if number else ""))
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
    claims = any(e.claimed_at is not None for e in events)  # beside the recorded time, marked as claimed
    for head in ("col_time", *(["col_claimed"] if claims else []), "col_event", "col_actor"):
        timeline.add_column(w[head])
    for e in events:
        actor = (w[f"actor_{e.actor}"] if e.actor in ("reporter", "platform")
                 else router.department_name(e.actor))
        claimed = [local(e.claimed_at) if e.claimed_at else ""] if claims else []
        timeline.add_row(local(e.at), *claimed, _label(type(e).__name__, lang), actor)
    out.print(timeline)


@case_app.command("inbox")
def inbox(department: str, lang: LangOpt = "zh", database_url: DbOpt = None,
          data_dir: DirOpt = None,
          limit: Annotated[int, typer.Option("--limit", min=1, help="最多列出几项")] = 100) -> None:
    """一个部门的待办：等待它办理的每一项（签收、办理、协办、吹哨报到、裁定、审批、回访、联动工具），
    最近的时限在前，附工作时间倒计时。"""

    from liandong.i18n import words
    from liandong.i18n.work_items import WORK_LIST_TEXT, countdown, duty_name, state_name

    platform = open_platform(database_url, data_dir)
    router = platform.rules().router
    router.check_department(department)
    work = platform.work().waiting(department, platform.clock.now(), limit=limit)
    w = words(WORK_LIST_TEXT, lang)
    table = Table(title=w["cli_title"].format(department=router.department_name(department),
                                              total=work.total))
    table.add_column(w["col_subject"], overflow="fold", min_width=20)  # a number whole on its line
    for head in ("col_action", "col_state", "col_due", "col_countdown"):
        table.add_column(w[head], overflow="fold")
    colour = {"red": "red", "amber": "yellow"}
    for item in work.items:
        d = item.duty
        what = item.title if d.subject == "instrument" else _matter_words(platform, item.matter, lang)
        left = countdown(item, lang)
        if item.urgency.value in colour:
            left = f"[{colour[item.urgency.value]}]{left}[/{colour[item.urgency.value]}]"
        table.add_row(f"{w[d.subject]}\n{item.number or d.subject_id}\n{what}", duty_name(d.kind, lang),
                      state_name(item.state, lang), local(d.due) if d.due else "—", left)
    out.print(table)


def _matter_words(platform: Platform, code: str, lang: str) -> str:
    from liandong.i18n import name_of

    try:
        return name_of(platform.catalogue.matters.get(code), lang)
    except DomainError:
        return code


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
