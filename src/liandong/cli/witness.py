"""``liandong witness …``: an independent witness (见证方) with its own key and state directory, served
over HTTP per c2sp.org/tlog-witness (decision 0035)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from liandong.cli.common import LangOpt, group, refusals

witness_app = group("witness")
out = Console()

WitnessDir = Annotated[Path, typer.Option("--dir", help="见证方目录：私钥、所见证的日志与联署状态 / "
                                                        "the witness's key, logs and state")]
Origin = Annotated[str | None, typer.Option("--origin", help="所见证日志的 origin（如 liandong.gov.cn/log）")]
LogKey = Annotated[str | None, typer.Option("--log-key", help="该日志的公钥（liandong ledger log-key 输出）")]


@witness_app.command("init")
def init(directory: WitnessDir, name: Annotated[str, typer.Option("--name", help="见证方密钥名")],
         origin: Origin = None, log_key: LogKey = None, lang: LangOpt = "zh") -> None:
    """新建见证方：在目录中生成自己的 Ed25519 私钥，输出其公钥（签名便笺验证密钥格式）。"""
    from liandong.adapters.witness_dir import WitnessDirectory

    with refusals(lang):
        made = WitnessDirectory.create(directory, name)
        if origin and log_key:
            made.add_log(origin, log_key)
        typer.echo(made.signer().vkey)  # plain: a key is copied byte for byte


@witness_app.command("add-log")
def add_log(directory: WitnessDir, origin: Annotated[str, typer.Option("--origin")],
            log_key: Annotated[str, typer.Option("--log-key")], lang: LangOpt = "zh") -> None:
    """见证一个日志：记下其 origin 与公钥（同一 origin 再次添加即替换公钥）。"""
    from liandong.adapters.witness_dir import WitnessDirectory

    with refusals(lang):
        WitnessDirectory(directory).add_log(origin, log_key)


@witness_app.command("serve")
def serve(directory: WitnessDir, port: Annotated[int, typer.Option("--port")] = 8080,
          host: Annotated[str, typer.Option("--host")] = "127.0.0.1", lang: LangOpt = "zh") -> None:
    """启动见证方 HTTP 服务（POST /add-checkpoint，GET /healthz）。"""
    import uvicorn

    from liandong.adapters.witness_dir import WitnessDirectory
    from liandong.server.witness import create_witness_app

    with refusals(lang):
        app = create_witness_app(WitnessDirectory(directory))
    out.print(f"见证方 witness → http://{host}:{port}/add-checkpoint")
    uvicorn.run(app, host=host, port=port, log_level="warning")
