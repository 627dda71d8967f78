"""``liandong relay``: the outbox delivered to the NATS message bus."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from liandong.cli.common import DbOpt, DirOpt, settings_for

out = Console()


def relay(once: Annotated[bool, typer.Option("--once", help="投递当前积压后退出")] = False,
          interval: Annotated[float, typer.Option(min=0.1, help="轮询间隔（秒）")] = 1.0,
          nats_url: Annotated[str | None, typer.Option("--nats", help="NATS 地址")] = None,
          database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """把发件箱（案件事件、联动事项通知）投递到 NATS 消息总线。"""
    import threading

    from liandong.adapters.nats_bus import jetstream
    from liandong.bootstrap import bootstrap

    settings = settings_for(database_url, data_dir)
    if nats_url:
        settings = settings.model_copy(update={"nats_url": nats_url})
    if not settings.nats_url:
        settings = settings.model_copy(update={"nats_url": "nats://127.0.0.1:4222"})
    platform = bootstrap(settings)
    publisher = jetstream(settings)
    relayer = platform.relay(publisher, prefix=settings.nats_prefix)
    try:
        if once:
            done = relayer.run_once()
            out.print(f"已投递 {done.case_events} 条案件事件、{done.notices} 条通知 → {settings.nats_url}")
            return
        out.print(f"发件箱投递中 → {settings.nats_url}（Ctrl+C 停止）")
        stop = threading.Event()
        try:
            relayer.run(stop, interval=interval)
        except KeyboardInterrupt:
            stop.set()
    finally:
        publisher.close()
