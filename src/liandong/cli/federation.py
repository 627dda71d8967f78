"""``liandong federation …``: this node in the federation (issue 27, decision 0049) — its keys for
the peers' files, hand-overs of cases that reach beyond it, the loop that sends and receives them,
and its status. Every command reads the node's federation file (``--config``, docs/federation.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from liandong.cli import federation_joint, federation_rollup
from liandong.cli.common import LangOpt, group, refusals
from liandong.cli.federation_common import ConfigOpt, _node, out
from liandong.i18n import words
from liandong.i18n.cli_federation import FEDERATION_TEXT

federation_app = group("federation")


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
    w = words(FEDERATION_TEXT, lang)
    for hid in made:
        out.print(w["handed_over"].format(id=hid))
    if not made:
        out.print(w["nothing_new"])


@federation_app.command("run")
def run(config: ConfigOpt, once: Annotated[bool, typer.Option("--once", help="收发当前积压后退出")] = False,
        interval: Annotated[float, typer.Option(min=0.1, help="轮询间隔（秒）")] = 1.0,
        rollup: Annotated[int, typer.Option(
            "--rollup", min=0, help="每隔多少秒向中央节点发布今天与昨天的分单位汇总（0：不发布）")] = 0,
        lang: LangOpt = "zh") -> None:
    """建立本节点的流与消费者；把范围超出本节点的新案件移交，发送联邦发件箱，接收对端移交（Ctrl+C 停止）。"""
    import time

    with refusals(lang):
        from liandong.federation.rollup import publish_recent
        from liandong.federation.witnesses import NodeWitness, use_peer_witnesses

        node = _node(config)
        try:
            node.ensure_fabric()
            NodeWitness(node).start()  # this node's witness answers its peers (fed.witness.<scope>.…)
            use_peer_witnesses(node)  # and the peers marked ``witness = true`` cosign its checkpoints
            published = -float(rollup)
            while True:
                if rollup and node.me != node.platform.hierarchy.root.code \
                        and time.monotonic() - published >= rollup:
                    for msg_id in publish_recent(node):
                        out.print(words(FEDERATION_TEXT, lang)["published"].format(id=msg_id))
                    published = time.monotonic()
                node.sweep()
                sent = node.relay_once()
                got = node.receive_once(wait=interval)
                if sent or got.recorded or got.refused:
                    out.print(words(FEDERATION_TEXT, lang)["loop"].format(
                        sent=sent, recorded=got.recorded, refused=got.refused, duplicates=got.duplicates))
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
            from liandong.federation.rollup import reference_state

            state = node.status()
            refused = node.refusals()
            rows = node.handovers()
            alarms, reference = node.alarms(), reference_state(node)
        finally:
            node.close()
    fabric = state.fabric
    document = {"scope": state.scope, "sent": state.sent, "received": state.received,
                "outbox_pending": state.outbox_pending, "outcomes": state.outcomes,
                "fabric": None if fabric is None else {"out": fabric.out_messages, "in": fabric.in_messages,
                                                       "pending": fabric.pending, "sources": fabric.sources},
                "fabric_problem": state.problem,
                "refused": [{"msg_id": m, "sender": s, "code": c, "reason": r} for m, s, c, r in refused],
                "handovers": [payload_of(r) for r in rows], "alarms": alarms, "reference": reference}
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    w = words(FEDERATION_TEXT, lang)
    out.print(w["node"].format(scope=state.scope, sent=state.sent, received=state.received,
                               pending=state.outbox_pending))
    if fabric is not None:
        out.print(w["fabric"].format(out=fabric.out_messages, inn=fabric.in_messages, pending=fabric.pending,
                                     sources=fabric.sources))
    else:
        out.print(w["unreachable"].format(problem=state.problem))
    for m, s, c, r in refused:
        out.print(w["refused"].format(id=m, sender=s, reason=r, code=c))
    for a in alarms:
        out.print(w["alarm"].format(accused=a["accused"], size=a["size"], by=a["raised_by"], at=a["at"],
                                    detail=a["detail"]), markup=True)
    for kind, item in reference.items():
        warn = w["differs"] if item["differs"] == "yes" else ""
        out.print(w["reference"].format(kind=kind, received=item["received"], own=item["own"]) + warn)


@federation_app.command("up")
def up_command(
        directory: Annotated[Path, typer.Option(
            "--dir", help="联邦目录：各节点数据、配置与 nats-server 日志")] = Path("var/federation"),
        postgres: Annotated[str | None, typer.Option(
            "--postgres", help="PostgreSQL 服务地址（如 postgresql+psycopg://postgres@127.0.0.1:5432），每节点一库；"
                               "不填：各节点数据目录中的 SQLite")] = None,
        walk: Annotated[bool, typer.Option("--walk/--no-walk", help="走一遍太湖跨省案件")] = True,
        keep: Annotated[bool, typer.Option("--keep", help="走完后继续运行各节点（Ctrl+C 停止）")] = False,
        witnesses: Annotated[bool, typer.Option(
            "--witnesses/--no-witnesses", help="各节点检查点由另两个节点的见证者经 NATS 联署")] = True,
        lang: LangOpt = "zh") -> None:
    """在本机启动三节点联邦（中央、江苏、浙江）：每节点一个 nats-server（中央为枢纽，两省为叶节点）、
    各自的数据库、密钥与账本；并走一遍太湖跨省案件。"""
    import time

    from liandong.federation.local import SCOPES, postgres_databases, up, walk_taihu

    with refusals(lang):
        databases = postgres_databases(postgres) if postgres else None
        fed = up(directory, databases=databases, witnesses=witnesses)
        try:
            for scope, server in fed.servers.items():
                out.print(words(FEDERATION_TEXT, lang)["up_node"].format(
                    scope=scope, url=server.url, domain=server.domain, file=fed.directory / f"{scope}.toml"))
            if walk:
                walk_taihu(fed, out.print, lang=lang)
            if keep:
                out.print(words(FEDERATION_TEXT, lang)["running"].format(scopes=", ".join(SCOPES)))
                try:
                    while True:
                        fed.run_once(wait=0.5)
                        time.sleep(0.05)
                except KeyboardInterrupt:
                    pass
        finally:
            fed.close()


federation_app.command("rollup")(federation_rollup.rollup)
federation_app.command("issue")(federation_joint.issue)
federation_app.command("cases")(federation_joint.cases)
federation_app.command("ranking")(federation_rollup.ranking)
federation_app.command("reference")(federation_rollup.reference)
