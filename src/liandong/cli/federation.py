"""``liandong federation …``: this node in the federation (issue 27, decision 0049) — its keys for
the peers' files, hand-overs of cases that reach beyond it, the loop that sends and receives them,
and its status. Every command reads the node's federation file (``--config``, docs/federation.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from liandong.cli.common import LangOpt, group, refusals

if TYPE_CHECKING:
    from liandong.federation.node import FederationNode

federation_app = group("federation")
out = Console()

ConfigOpt = Annotated[Path, typer.Option("--config", envvar="LIANDONG_FEDERATION",
                                         help="本节点的联邦配置文件（TOML）/ this node's federation file")]


def _node(config: Path) -> FederationNode:
    from liandong.adapters.reference_data import national_hierarchy
    from liandong.federation.config import read_config
    from liandong.federation.node import open_node

    return open_node(read_config(config, national_hierarchy()))


@federation_app.command("keys")
def keys(config: ConfigOpt, lang: LangOpt = "zh") -> None:
    """输出本节点的节点公钥与日志公钥，供各对端写入其配置（peers 表的 node_key 与 log_key）。"""
    with refusals(lang):
        node = _node(config)
        try:
            for name, vkey in node.public_keys().items():
                typer.echo(f"{name} = \"{vkey}\"")
        finally:
            node.close()


@federation_app.command("hand-over")
def hand_over(case_id: Annotated[str, typer.Argument(help="案件编号 / the case id")], config: ConfigOpt,
              lang: LangOpt = "zh") -> None:
    """把范围超出本节点的案件移交给相关节点（写入本节点账本与联邦发件箱，由 run 发送）。"""
    with refusals(lang):
        node = _node(config)
        try:
            made = node.hand_over(case_id)
        finally:
            node.close()
    for hid in made:
        out.print(f"已移交 / handed over: {hid}")
    if not made:
        out.print("均已移交过 / every hand-over was made before")


@federation_app.command("run")
def run(config: ConfigOpt, once: Annotated[bool, typer.Option("--once", help="收发当前积压后退出")] = False,
        interval: Annotated[float, typer.Option(min=0.1, help="轮询间隔（秒）")] = 1.0,
        lang: LangOpt = "zh") -> None:
    """建立本节点的流与消费者；把范围超出本节点的新案件移交，发送联邦发件箱，接收对端移交（Ctrl+C 停止）。"""
    import time

    with refusals(lang):
        node = _node(config)
        try:
            node.ensure_fabric()
            while True:
                node.sweep()
                sent = node.relay_once()
                got = node.receive_once(wait=interval)
                if sent or got.recorded or got.refused:
                    out.print(f"发出 {sent}，记录 {got.recorded}，拒收 {got.refused}，重复 {got.duplicates}"
                              f" / sent {sent}, recorded {got.recorded}, refused {got.refused}")
                if once:
                    return
                if not sent and not got.recorded:
                    time.sleep(0.05)
        except KeyboardInterrupt:
            return
        finally:
            node.close()


@federation_app.command("status")
def status(config: ConfigOpt, as_json: Annotated[bool, typer.Option("--json")] = False,
           lang: LangOpt = "zh") -> None:
    """本节点的移交（发出、收到）、待发消息、拒收原因与 JetStream 流的状态。"""
    from liandong.federation.node import payload_of

    with refusals(lang):
        node = _node(config)
        try:
            state = node.status()
            refused = node.refusals()
            rows = node.handovers()
        finally:
            node.close()
    fabric = state.fabric
    document = {"scope": state.scope, "sent": state.sent, "received": state.received,
                "outbox_pending": state.outbox_pending, "outcomes": state.outcomes,
                "fabric": None if fabric is None else {"out": fabric.out_messages, "in": fabric.in_messages,
                                                       "pending": fabric.pending, "sources": fabric.sources},
                "fabric_problem": state.problem,
                "refused": [{"msg_id": m, "sender": s, "code": c, "reason": r} for m, s, c, r in refused],
                "handovers": [payload_of(r) for r in rows]}
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    out.print(f"节点 / node {state.scope}: 发出 {state.sent}，收到 {state.received}，"
              f"待发 {state.outbox_pending}")
    if fabric is not None:
        out.print(f"JetStream: 发出流 {fabric.out_messages}，收入流 {fabric.in_messages}，"
                  f"未确认 {fabric.pending}，来源积压 {fabric.sources}")
    else:
        out.print(f"JetStream 不可达 / unreachable: {state.problem}")
    for m, s, c, r in refused:
        out.print(f"拒收 / refused {m}（{s}）：{r}  [{c}]")


@federation_app.command("up")
def up_command(
        directory: Annotated[Path, typer.Option(
            "--dir", help="联邦目录：各节点数据、配置与 nats-server 日志")] = Path("var/federation"),
        postgres: Annotated[str | None, typer.Option(
            "--postgres", help="PostgreSQL 服务地址（如 postgresql+psycopg://postgres@127.0.0.1:5432），每节点一库；"
                               "不填：各节点数据目录中的 SQLite")] = None,
        walk: Annotated[bool, typer.Option("--walk/--no-walk", help="走一遍太湖跨省案件")] = True,
        keep: Annotated[bool, typer.Option("--keep", help="走完后继续运行各节点（Ctrl+C 停止）")] = False,
        lang: LangOpt = "zh") -> None:
    """在本机启动三节点联邦（中央、江苏、浙江）：每节点一个 nats-server（中央为枢纽，两省为叶节点）、
    各自的数据库、密钥与账本；并走一遍太湖跨省案件。"""
    import time

    from liandong.federation.local import SCOPES, postgres_databases, up, walk_taihu

    with refusals(lang):
        databases = postgres_databases(postgres) if postgres else None
        fed = up(directory, databases=databases)
        try:
            for scope, server in fed.servers.items():
                out.print(f"节点 / node {scope}: {server.url}（JetStream 域 / domain {server.domain}），"
                          f"配置 / file {fed.directory / f'{scope}.toml'}")
            if walk:
                walk_taihu(fed, out.print)
            if keep:
                out.print(f"联邦运行中（{', '.join(SCOPES)}）；Ctrl+C 停止 / running; Ctrl+C stops")
                try:
                    while True:
                        fed.run_once(wait=0.5)
                        time.sleep(0.05)
                except KeyboardInterrupt:
                    pass
        finally:
            fed.close()
