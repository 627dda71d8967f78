"""What every command group shares: the options naming the store and the language, and the
platform they open.

Every module of ``liandong.cli`` is imported to print ``liandong --help``: at their top they import
only typer, rich and what is as light (habit 11). The platform, its libraries and the reference data
are imported inside the commands that use them; ``tests/integration/test_cli_startup.py`` holds the
line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from liandong.domain.errors import DomainError
from liandong.i18n import known
from liandong.i18n.cli import LANG_REFUSED

if TYPE_CHECKING:
    from liandong.bootstrap import Platform
    from liandong.config import Settings

_err = Console(stderr=True)

GROUPS: dict[str, tuple[str, str, str]] = {
    # a command group's name: its module in liandong.cli, the module's Typer, and its help
    "org": ("org", "org_app", "行政区划与部门 / jurisdictions and departments"),
    "case": ("cases", "case_app", "案件闭环 / the case closed loop"),
    "ledger": ("ledger", "ledger_app", "共享记录（可验证日志）/ the tamper-evident shared record"),
    "account": ("accounts", "account_app", "账号 / accounts"),
    "report": ("report", "report_app", "考核与问责报表 / assessment and accountability reports"),
    "instrument": ("instruments", "instrument_app",
                   "联动形式：试点、项目、批示、督导、简报、会议等 / linkage instruments"),
    "insight": ("insight", "insight_app", "诉求分析 / demand insight"),
    "calendar": ("calendar", "calendar_app", "工作日历：法定节假日与调休 / the working calendar"),
    "kb": ("knowledge", "kb_app", "知识库与咨询办结 / the knowledge base and consultations answered"),
    "catalogue": ("catalogue", "catalogue_app", "地方派单目录 / local dispatch catalogues"),
    "witness": ("witness", "witness_app", "独立见证方：自有密钥与状态，按 tlog-witness 协议联署 / "
                                         "an independent witness"),
    "federation": ("federation", "federation_app", "省际联邦：跨省移交经 NATS JetStream / "
                                                  "the federation of nodes: cross-province hand-overs"),
}
"""The top level lists a group from here, and imports its module only when the group runs."""


def group(name: str) -> typer.Typer:
    """The Typer of the command group ``name`` (its module declares the commands)."""
    return typer.Typer(help=GROUPS[name][2], no_args_is_help=True)


LangOpt = Annotated[str, typer.Option("--lang", help="zh（默认）或 en")]
DbOpt = Annotated[str | None, typer.Option("--database-url", envvar="LIANDONG_DATABASE_URL",
                                           help="SQLAlchemy URL；默认为数据目录下的 SQLite")]
DirOpt = Annotated[Path | None, typer.Option("--data-dir", envvar="LIANDONG_DATA_DIR",
                                             help="数据目录（默认 ./var）")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", envvar="LIANDONG_ASSESSMENT_RULES",
                                               help="考核规则文件（TOML；默认随软件提供）")]

AtOpt = Annotated[str | None, typer.Option(
    "--at", help="申报时间（ISO 8601，无时区按北京时间）：仅限演练库（init --sandbox），记在平台时间旁，"
                 "考核与时限仍按平台时间 / a claimed time, sandbox stores only, recorded beside "
                 "the platform's")]


def parse_moment(text: str | None) -> datetime | None:
    """A moment given on the command line, ISO 8601 (without a zone: Beijing time); None: none given."""
    from liandong.domain.worktime import SHANGHAI

    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError("web.bad_datetime", value=text[:40]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def claimed_time(at: str | None) -> datetime | None:
    """The time ``--at`` claims; None: no claim. The platform records it beside its own clock's, on a
    sandbox store only (``Platform.bus``)."""
    return parse_moment(at)


def settings_for(database_url: str | None, data_dir: Path | None) -> Settings:
    from liandong.config import Settings

    values: dict[str, Any] = {}
    if database_url:
        values["database_url"] = database_url
    if data_dir:
        values["data_dir"] = data_dir
    return Settings(**values)


def open_platform(database_url: str | None, data_dir: Path | None) -> Platform:
    from liandong.bootstrap import bootstrap

    try:  # a setting the platform refuses (a witness item, a holiday file) is said, not a traceback
        return bootstrap(settings_for(database_url, data_dir))
    except DomainError as exc:
        raise fail(exc, "zh") from None


def check_lang(lang: str) -> str:
    """Refuse a ``--lang`` other than zh or en with exit code 2."""
    if not known(lang):
        _err.print(f"[red]{LANG_REFUSED.format(lang=lang)}[/red]")
        raise typer.Exit(2)
    return lang


def fail(exc: DomainError, lang: str) -> typer.Exit:
    """Print a refusal of the rules in the reader's language; the caller raises the exit (code 2)."""
    from liandong.i18n.messages import explain

    _err.print(f"[red]{explain(exc, lang)}[/red]")
    return typer.Exit(2)


@contextmanager
def refusals(lang: str) -> Iterator[None]:
    """Check ``--lang``, and turn a refusal of the rules into its message and exit code 2."""
    check_lang(lang)
    try:
        yield
    except DomainError as exc:
        raise fail(exc, lang) from None
