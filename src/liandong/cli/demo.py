"""``liandong demo``: a city initialised, a month of simulated cases, the demo accounts, and the
server."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from liandong.cli.common import DbOpt, DirOpt, open_platform
from liandong.cli.init import init
from liandong.cli.serve import serve

out = Console()


def demo(scope: Annotated[str, typer.Option()] = "320200",
         host: Annotated[str, typer.Option()] = "127.0.0.1",
         port: Annotated[int, typer.Option()] = 8000,
         days: Annotated[int, typer.Option(min=0, max=90, help="演示数据天数（0：不生成）")] = 30,
         share: Annotated[float, typer.Option(min=0.001, max=1.0, help="回放全市诉求的比例")] = 0.05,
         seed: Annotated[int, typer.Option()] = 1,
         serve_after: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
         database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """演示：初始化一个城市（默认无锡市）为演练库，以仿真生成约一个月的案件，并启动服务。"""

    from liandong.services.demo_accounts import DEMO_API_KEY, DEMO_PASSWORD, ensure_demo

    # a sandbox (演练库): its months of history are recorded on a simulated clock (docs/decisions/0030)
    init(scope=scope, systems=None, governance=None, matters=None, sandbox=True, database_url=database_url,
         data_dir=data_dir, lang="zh")
    platform = open_platform(database_url, data_dir)
    accounts = ensure_demo(platform.accounts())
    empty = not platform.queries().any_case()
    if days and empty:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from liandong.simulation.demo import load_demo

        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=out) as bar:
            task = bar.add_task(f"生成演示数据（{days} 天，仿真回放）", total=None)
            summary = load_demo(platform, scope=scope, days=days, share=share, seed=seed,
                                progress=lambda done, total: bar.update(task, completed=done, total=total))
        refused = sum(summary.refused.values())
        out.print(f"演示数据：{summary.reports:,} 件诉求，{summary.commands:,} 条指令，"
                  f"{summary.chain_events:,} 个督办/升级事件，{summary.checkpoints} 个检查点"
                  + (f"，{refused} 条被规则拒绝" if refused else ""))
    table = Table(title=f"演示账号 / demo accounts (password: {DEMO_PASSWORD})")
    for head in ("username", "department", "roles"):
        table.add_column(head)
    for username, department, roles in accounts:
        table.add_row(username, department or "—", ", ".join(roles))
    out.print(table)
    out.print(f"Open311 api_key: {DEMO_API_KEY}  ·  API docs: http://{host}:{port}/docs")
    if serve_after:
        serve(host=host, port=port, workers=1, database_url=database_url, data_dir=data_dir)
