"""``liandong account create | apikey``: staff accounts of a department, or citizen accounts, and
keys for Open311 clients."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from liandong.cli.common import fail, group, open_platform
from liandong.domain.errors import DomainError

account_app = group("account")
out = Console()


@account_app.command("create")
def create(username: str,
           password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
           department: Annotated[str | None, typer.Option(help="部门代码；群众账号不填")] = None,
           role: Annotated[list[str] | None,
                           typer.Option(help="角色，可多次：handler、dispatcher、leader…")] = None,
           lang: Annotated[str, typer.Option("--lang")] = "zh",
           database_url: Annotated[str | None, typer.Option(envvar="LIANDONG_DATABASE_URL")] = None,
           data_dir: Annotated[Path | None, typer.Option(envvar="LIANDONG_DATA_DIR")] = None) -> None:
    """创建账号。"""
    platform = open_platform(database_url, data_dir)
    try:
        if department is not None:
            platform.rules().router.check_department(department)
        platform.accounts().create(username=username, password=password, department=department,
                                   roles=role or ["citizen"])
    except DomainError as exc:
        raise fail(exc, lang) from None
    out.print(f"{username} ✓")


@account_app.command("apikey")
def apikey(name: str, lang: Annotated[str, typer.Option("--lang")] = "zh",
           database_url: Annotated[str | None, typer.Option(envvar="LIANDONG_DATABASE_URL")] = None,
           data_dir: Annotated[Path | None, typer.Option(envvar="LIANDONG_DATA_DIR")] = None) -> None:
    """为 Open311 客户端签发 API key（只显示一次）。"""
    platform = open_platform(database_url, data_dir)
    key = platform.accounts().create_api_key(name)
    out.print(key)
