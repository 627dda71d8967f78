"""``liandong account create``: staff accounts of a department, or citizen accounts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from liandong.bootstrap import Platform
from liandong.cli_common import open_platform
from liandong.domain.errors import DomainError
from liandong.messages import explain
from liandong.services.accounts import create_account, create_api_key, token_digest

account_app = typer.Typer(help="账号 / accounts", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

DEMO_PASSWORD = "liandong-demo"
DEMO_ACCOUNTS = (  # (username, department, roles): the 12345 centre, leaders and handlers of 无锡
    ("centre", "320200-gov", ("dispatcher",)),
    ("wuxi_leader", "320200-gov", ("leader",)),
    ("wuxi_chengguan", "320200-urban_management", ("handler",)),
    ("liangxi_chengguan", "320213-urban_management", ("handler",)),
    ("liangxi_gongan", "320213-public_security", ("handler",)),
    ("liangxi_shichang", "320213-market_regulation", ("handler",)),
    ("liangxi_huanbao", "320213-eco_environment", ("handler",)),
    ("shanbei_zhifa", "320213015-urban_management", ("handler",)),
    ("chongansi_street", "320213001-gov", ("handler", "leader")),
    ("chongansi_zhifa", "320213001-urban_management", ("handler",)),
    ("inspector", "320000-gov", ("inspector", "assessor")),
    ("jiangsu_leader", "320000-gov", ("leader",)),
    ("suzhou_leader", "320500-gov", ("leader",)),
    ("liangxi_leader", "320213-gov", ("leader",)),
    ("wuxi_analyst", "320200-gov", ("analyst",)),
    ("citizen", None, ("citizen",)),
)




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
        with platform.uow() as uow:
            create_account(uow=uow, username=username, password=password, department=department,
                           roles=role or ["citizen"], now=datetime.now(UTC))
            uow.commit()
    except DomainError as exc:
        err.print(f"[red]{explain(exc, lang)}[/red]")
        raise typer.Exit(2) from None
    out.print(f"{username} ✓")


DEMO_API_KEY = "demo-open311-key"


@account_app.command("apikey")
def apikey(name: str, lang: Annotated[str, typer.Option("--lang")] = "zh",
           database_url: Annotated[str | None, typer.Option(envvar="LIANDONG_DATABASE_URL")] = None,
           data_dir: Annotated[Path | None, typer.Option(envvar="LIANDONG_DATA_DIR")] = None) -> None:
    """为 Open311 客户端签发 API key（只显示一次）。"""
    platform = open_platform(database_url, data_dir)
    with platform.uow() as uow:
        key = create_api_key(uow=uow, name=name, now=datetime.now(UTC))
        uow.commit()
    out.print(key)


def ensure_demo_accounts(platform: Platform) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Create the demo accounts (and the demo Open311 key) that do not exist yet."""
    with platform.uow() as uow:
        if uow.accounts.api_client(token_digest(DEMO_API_KEY)) is None:
            create_api_key(uow=uow, name="demo", now=datetime.now(UTC), key=DEMO_API_KEY)
        for username, department, roles in DEMO_ACCOUNTS:
            if uow.accounts.by_username(username) is None:
                create_account(uow=uow, username=username, password=DEMO_PASSWORD,
                               department=department, roles=roles, now=datetime.now(UTC))
        uow.commit()
    return list(DEMO_ACCOUNTS)
