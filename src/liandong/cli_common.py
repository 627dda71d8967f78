"""What every command group shares: the options naming the store and the language, and the
platform they open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.messages import explain

_err = Console(stderr=True)

LangOpt = Annotated[str, typer.Option("--lang", help="zh（默认）或 en")]
DbOpt = Annotated[str | None, typer.Option("--database-url", envvar="LIANDONG_DATABASE_URL",
                                           help="SQLAlchemy URL；默认为数据目录下的 SQLite")]
DirOpt = Annotated[Path | None, typer.Option("--data-dir", envvar="LIANDONG_DATA_DIR",
                                             help="数据目录（默认 ./var）")]


def settings_for(database_url: str | None, data_dir: Path | None) -> Settings:
    values: dict[str, Any] = {}
    if database_url:
        values["database_url"] = database_url
    if data_dir:
        values["data_dir"] = data_dir
    return Settings(**values)


def open_platform(database_url: str | None, data_dir: Path | None) -> Platform:
    return bootstrap(settings_for(database_url, data_dir))


@contextmanager
def refusals(lang: str) -> Iterator[None]:
    """Check ``--lang``, and turn a refusal of the rules into its message and exit code 2."""
    if lang not in ("zh", "en"):
        _err.print(f"[red]--lang 只能是 zh 或 en / --lang must be zh or en (got {lang!r})[/red]")
        raise typer.Exit(2)
    try:
        yield
    except DomainError as exc:
        _err.print(f"[red]{explain(exc, lang)}[/red]")
        raise typer.Exit(2) from None
