"""What every command group shares: the options naming the store and the language, and the
platform they open."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings

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
