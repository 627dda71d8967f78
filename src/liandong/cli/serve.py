"""``liandong serve``: the web workbench and the API under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from liandong.cli.common import DbOpt, DirOpt, refusals, settings_for

out = Console()
err = Console(stderr=True)


def serve(host: Annotated[str, typer.Option()] = "127.0.0.1",
          port: Annotated[int, typer.Option()] = 8000,
          workers: Annotated[int, typer.Option(min=1)] = 1,
          access_log: Annotated[bool, typer.Option(
              help="每个请求记一行访问日志（前置 nginx 等已记录时可关闭）")] = True,
          federation: Annotated[Path | None, typer.Option(
              "--federation", envvar="LIANDONG_FEDERATION",
              help="联邦节点配置文件：本服务器即该节点，并在进程内运行联邦收发循环")] = None,
          database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """启动 Web 工作台与 API。"""
    import uvicorn

    from liandong.adapters.witness_http import parse_witnesses
    from liandong.cli.calendar import calendar_warnings
    from liandong.config import WILDCARD_ADDRESSES, Settings
    from liandong.http.log_redaction import uvicorn_log_config
    from liandong.server.http_protocol import NoDelayH11Protocol

    settings = settings_for(database_url, data_dir)
    with refusals("zh"):  # a bad holiday file stops the server here, not in each worker
        for warning in calendar_warnings(settings):
            err.print(f"[yellow]{escape(warning)}[/yellow]")
        parse_witnesses(settings.witnesses)  # a bad witness item too
        if federation is not None and workers > 1:
            err.print("[red]联邦节点只用一个工作进程（其联邦循环与见证在该进程内）："
                      "请去掉 --workers 或 --federation。\n"
                      "A federation node serves with one worker (its federation loop and witness run in "
                      "it): drop --workers or --federation.[/red]")
            raise typer.Exit(2)
        if federation is not None:  # a bad node file too, its line and field named
            from liandong.adapters.reference_data import national_hierarchy
            from liandong.federation.config import read_config

            read_config(federation, national_hierarchy())
            os.environ["LIANDONG_FEDERATION"] = str(federation.resolve())
    os.environ["LIANDONG_DATABASE_URL"] = settings.resolved_database_url()
    os.environ["LIANDONG_DATA_DIR"] = str(settings.data_dir)  # the secret lives beside the data
    os.environ["LIANDONG_HOST"], os.environ["LIANDONG_PORT"] = host, str(port)  # served hosts, public URL
    out.print(f"联动 Liandong → http://{host}:{port}/")
    served = Settings(host=host, port=port).served_hosts
    if host in WILDCARD_ADDRESSES and served == Settings(host="127.0.0.1").served_hosts:
        out.print(f"[yellow]提示：只接受主机名 {', '.join(served)} 的请求；从其他地址访问请设置 "
                  "LIANDONG_ALLOWED_HOSTS（及 LIANDONG_PUBLIC_URL）。[/yellow]\n"
                  f"[yellow]Note: only requests for {', '.join(served)} are answered; set "
                  "LIANDONG_ALLOWED_HOSTS (and LIANDONG_PUBLIC_URL) to serve other names.[/yellow]")
    if workers > 1 and settings.resolved_database_url().startswith("sqlite"):
        out.print("[yellow]提示：SQLite 同一时刻只有一个写入者，各工作进程的写入依次进行；两核上一个工作进程"
                  "（其写入进程占另一核）最快，多进程扩展请用 PostgreSQL。[/yellow]\n"
                  "[yellow]Note: SQLite has one writer at a time and the workers' writes take turns; on two "
                  "cores one worker (its writer process on the other core) is fastest. Scale out on "
                  "PostgreSQL.[/yellow]")
    # a spawned worker imports the whole platform before it answers the supervisor's health ping
    uvicorn.run("liandong.server.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info", access_log=access_log, timeout_worker_healthcheck=60,
                log_config=uvicorn_log_config(), http=NoDelayH11Protocol,
                proxy_headers=False)  # forwarded addresses: only from LIANDONG_TRUSTED_PROXIES (the app)
