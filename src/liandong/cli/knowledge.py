"""``liandong kb add | import | export | search | show | review | answer | count``: the knowledge
base answered from at intake (知识库), and the consultations closed there (咨询办结)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from liandong.cli.common import DbOpt, DirOpt, LangOpt, group, open_platform, refusals
from liandong.i18n import words
from liandong.i18n.knowledge import KNOWLEDGE_TEXT

if TYPE_CHECKING:
    from liandong.domain.knowledge import Entry

kb_app = group("kb")
out = Console()

DateArg = Annotated[str | None, typer.Option(help="日期，如 2027-01-01")]


def _day(text: str | None, name: str) -> date | None:
    from liandong.domain.errors import DomainError

    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError("knowledge.bad_date", value=f"{name}={text}") from None


def _validity(entry: Entry, lang: str) -> str:
    w = words(KNOWLEDGE_TEXT, lang)
    until = entry.valid_until.isoformat() if entry.valid_until else w["no_end"]
    return f"{entry.valid_from.isoformat()} – {until}"


@kb_app.command("add")
def add(title: Annotated[str, typer.Option(help="问题（按群众的问法）")],
        answer: Annotated[str, typer.Option(help="答复")],
        owner: Annotated[str, typer.Option(help="主管部门代码，如 320213-human_resources")],
        source: Annotated[str, typer.Option(help="依据（文件名称、文号）")],
        reviewed_by: Annotated[str, typer.Option("--reviewed-by", help="审核人")],
        scope: Annotated[str, typer.Option(help="适用区划代码（全国：100000）")] = "100000",
        valid_from: DateArg = None, valid_until: DateArg = None, reviewed_on: DateArg = None,
        matter: Annotated[str, typer.Option(help="事项代码（可选）")] = "",
        keyword: Annotated[list[str] | None, typer.Option(help="关键词（可重复）")] = None,
        entry_id: Annotated[str, typer.Option("--id", help="替换已有条目时给出其编号")] = "",
        lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """新增或替换一条知识（生效日期、审核日期默认为今天）。"""
    from liandong.domain.knowledge import Entry
    from liandong.domain.worktime import SHANGHAI

    with refusals(lang):
        platform = open_platform(database_url, data_dir)
        today = platform.clock.now().astimezone(SHANGHAI).date()
        since, reviewed = _day(valid_from, "valid_from") or today, _day(reviewed_on, "reviewed_on") or today
        entry = Entry(entry_id, title, answer, owner, source, since, _day(valid_until, "valid_until"),
                      reviewed_by, reviewed, scope, matter, tuple(keyword or ()))
        stored, new = platform.knowledge().put(entry)
    w = words(KNOWLEDGE_TEXT, lang)
    out.print(f"{w['added'] if new else w['replaced']}: {stored.id}  {stored.title}")


@kb_app.command("import")
def import_(path: Annotated[Path, typer.Argument(help="xlsx 文件（表头见 liandong kb export）")],
            lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """从 xlsx 导入知识条目：整个文件一并存入，任何一行有误则一条不存，并指出行和列。"""
    from liandong.adapters.knowledge_xlsx import read_entries

    with refusals(lang):
        rows = read_entries(path)
        new, replaced = open_platform(database_url, data_dir).knowledge().import_rows(rows, source=path.name)
    w = words(KNOWLEDGE_TEXT, lang)
    out.print(w["imported"].format(source=path.name, new=new, replaced=replaced))


@kb_app.command("export")
def export(path: Annotated[Path, typer.Argument(help="写出的 xlsx 文件")],
           owner: Annotated[str | None, typer.Option(help="只导出此部门的条目")] = None,
           lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """把知识条目导出为 xlsx（可改后再导入）。"""
    from liandong.adapters.knowledge_xlsx import write_entries

    with refusals(lang):
        n = write_entries(path, open_platform(database_url, data_dir).knowledge().entries(owner=owner))
    out.print(words(KNOWLEDGE_TEXT, lang)["exported"].format(n=n, path=path))


@kb_app.command("search")
def search(question: Annotated[str, typer.Argument(help="来电人的问题")],
           place: Annotated[str | None, typer.Option(help="来电人所在区划代码")] = None,
           limit: Annotated[int, typer.Option(help="最多几条（1–20）")] = 5,
           on: DateArg = None, lang: LangOpt = "zh", database_url: DbOpt = None,
           data_dir: DirOpt = None) -> None:
    """按问题检索在来电人所在地有效的知识条目，最相关的在前。"""
    with refusals(lang):
        hits = open_platform(database_url, data_dir).knowledge().search(
            question, place=place, limit=limit, day=_day(on, "on"))
    w = words(KNOWLEDGE_TEXT, lang)
    if not hits:
        out.print(w["none_found"])
        return
    table = Table(title=w["results"])
    for key in ("col_id", "col_title", "col_validity", "col_score"):
        table.add_column(w[key], justify="right" if key == "col_score" else "left", no_wrap=key == "col_id")
    for hit in hits:
        e = hit.entry
        table.add_row(e.id, e.title, _validity(e, lang), f"{hit.score:.2f}")
    out.print(table)


@kb_app.command("show")
def show(entry_id: Annotated[str, typer.Argument(help="条目编号")], lang: LangOpt = "zh",
         database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """一条知识的全文、依据、有效期和审核。"""
    with refusals(lang):
        e = open_platform(database_url, data_dir).knowledge().get(entry_id)
    w = words(KNOWLEDGE_TEXT, lang)
    out.print(f"[bold]{e.title}[/bold]  ({e.id})")
    out.print(e.answer)
    for key, value in (("col_owner", e.owner), ("col_source", e.source), ("col_scope", e.scope),
                       ("col_validity", _validity(e, lang)),
                       ("col_reviewed", f"{e.reviewed_by} {e.reviewed_on.isoformat()}"),
                       ("col_matter", e.matter or "—"), ("col_keywords", "、".join(e.keywords) or "—")):
        out.print(f"{w[key]}：{value}")


@kb_app.command("review")
def review(owner: Annotated[str | None, typer.Option(help="主管部门代码（默认全部）")] = None,
           lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """需要主管部门复核的条目：已过期的，和 30 天内到期的。"""
    with refusals(lang):
        flagged = open_platform(database_url, data_dir).knowledge().flagged(owner=owner)
    w = words(KNOWLEDGE_TEXT, lang)
    if not flagged:
        out.print(w["nothing_to_review"])
        return
    table = Table(title=w["to_review"])
    for key in ("col_id", "col_title", "col_until", "col_state"):
        table.add_column(w[key], no_wrap=key != "col_title")
    for e, validity in flagged:
        until = e.valid_until.isoformat() if e.valid_until else w["no_end"]
        table.add_row(e.id, e.title, until, w["state_" + validity.value])
    out.print(table)


@kb_app.command("answer")
def answer(entry_id: Annotated[str, typer.Argument(help="据以答复的条目编号")],
           question: Annotated[str, typer.Option(help="问题（会去除姓名、电话等个人信息后保存）")],
           by: Annotated[str, typer.Option(help="答复的部门（12345 中心）代码")],
           place: Annotated[str | None, typer.Option(help="来电人所在区划代码")] = None,
           channel: Annotated[str, typer.Option(help="phone、web、walk_in 或 other")] = "phone",
           lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """咨询办结：据知识条目当即答复，单独计数，不生成案件。"""
    from liandong.domain.errors import DomainError
    from liandong.domain.knowledge import Channel

    with refusals(lang):
        if channel not in {c.value for c in Channel}:
            raise DomainError("knowledge.bad_channel", value=channel,
                              allowed=", ".join(c.value for c in Channel))
        done = open_platform(database_url, data_dir).knowledge().answer(
            question=question, entry_id=entry_id, by=by, place=place, channel=Channel(channel))
    out.print(words(KNOWLEDGE_TEXT, lang)["answered"].format(id=done.id, entry=done.entry_id))


@kb_app.command("count")
def count(scope: Annotated[str, typer.Option(help="区划代码")],
          since: Annotated[str, typer.Option("--from", help="起始日期（含）")],
          until: Annotated[str, typer.Option("--to", help="截止日期（含）")],
          lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """一段时间内某区划的咨询办结数（按渠道），与案件分开计。"""
    from liandong.domain.worktime import SHANGHAI

    with refusals(lang):
        first, last = _day(since, "from"), _day(until, "to")
        assert first is not None and last is not None
        start = datetime.combine(first, time(), SHANGHAI)
        end = datetime.combine(last + timedelta(days=1), time(), SHANGHAI)
        answered = open_platform(database_url, data_dir).knowledge().consultations(
            scope=scope, start=start, end=end)
    w = words(KNOWLEDGE_TEXT, lang)
    by_channel: dict[str, int] = {}
    for c in answered:
        by_channel[c.channel.value] = by_channel.get(c.channel.value, 0) + 1
    table = Table(title=w["consultations"].format(scope=scope, since=since, until=until))
    table.add_column(w["col_channel"])
    table.add_column(w["col_count"], justify="right")
    for channel, n in sorted(by_channel.items()):
        table.add_row(w["channel_" + channel], str(n))
    table.add_row(w["total"], str(len(answered)))
    out.print(table)
