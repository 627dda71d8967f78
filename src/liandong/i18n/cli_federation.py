"""What `liandong federation …` prints, in Chinese and English (one language per run, ``--lang``)."""

from __future__ import annotations

FEDERATION_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "handed_over": "已移交：{id}", "nothing_new": "均已移交过",
        "published": "已发布 {id}", "published_relayed": "已发布 {id}（已发出 {sent}）",
        "relayed": "已发出 {sent}", "same_figures": "{day} 的相同数据已发布过",
        "loop": "发出 {sent}，记录 {recorded}，拒收 {refused}，重复 {duplicates}",
        "node": "节点 {scope}：发出 {sent}，收到 {received}，待发 {pending}",
        "fabric": "JetStream：发出流 {out}，收入流 {inn}，未确认 {pending}，来源积压 {sources}",
        "unreachable": "JetStream 不可达：{problem}",
        "refused": "拒收 {id}（{sender}）：{reason}  [{code}]",
        "alarm": "[bold red]分叉告警[/]：节点 {accused} 的日志（大小 {size}），由节点 {by} 的见证者于 {at} 发现：{detail}",
        "reference": "参考数据 {kind}：收到 {received}，本节点 {own}", "differs": "  [yellow]与本节点数据不同[/]",
        "up_node": "节点 {scope}：{url}（JetStream 域 {domain}），配置 {file}",
        "running": "联邦运行中（{scopes}）；Ctrl+C 停止",
        "walk_received": "江苏节点受理 {case_id}（{places}）",
        "walk_recorded": "节点 {scope} 记录移交 {id}（账本第 {index} 条）",
        "walk_forwarded": "中央节点的签收指令 {id} 转至江苏节点办理：{outcome}",
        "walk_status": "节点 {scope} 的案件副本：{state}，主办 {lead}（节点 {lead_node}），版本 {version}，"
                       "办理时限 {due}",
        "walk_verified": "节点 {scope} 账本核验：{result}", "ok": "通过",
        "outcome_done": "已办理", "outcome_refused": "被拒绝", "outcome_pending": "待答复",
        "forwarded": "已转至案件所属节点 {home}：{id}（由 run 发送并取回结果）", "issued_here": "案件在本节点，已办理",
        "shared_row": "{case_id}  {state}  主办 {lead}（节点 {lead_node}）  所属节点 {home}  版本 {version}  "
                      "办理时限 {due}",
        "command_row": "  指令 {id}：{command}（{by}）↔ 节点 {peer}：{outcome}{reason}",
        "national": "全国 {start}–{end}（{nodes} 个节点）：受理 {received:g}，办结 {closed:g}，"
                    "办结率 {closure:.1%}，按时办结率 {on_time:.1%}",
        "rank_row": "{rank:>3}. {unit:<8} 受理 {received:>6g}  办结 {closed:>6g}  办结率 {closure:>6.1%}  "
                    "按时 {on_time:>6.1%}  超期 {overdue:g}",
    },
    "en": {
        "handed_over": "handed over: {id}", "nothing_new": "every hand-over was made before",
        "published": "published {id}", "published_relayed": "published {id} (relayed {sent})",
        "relayed": "relayed {sent}", "same_figures": "the same figures of {day} were published before",
        "loop": "sent {sent}, recorded {recorded}, refused {refused}, duplicates {duplicates}",
        "node": "node {scope}: sent {sent}, received {received}, waiting to send {pending}",
        "fabric": "JetStream: out stream {out}, in stream {inn}, unacknowledged {pending}, sources behind {sources}",
        "unreachable": "JetStream unreachable: {problem}",
        "refused": "refused {id} ({sender}): {reason}  [{code}]",
        "alarm": "[bold red]FORK ALARM[/]: the log of node {accused} (size {size}), seen by the witness of "
                 "node {by} at {at}: {detail}",
        "reference": "reference data {kind}: received {received}, this node {own}",
        "differs": "  [yellow]differs from this node's data[/]",
        "up_node": "node {scope}: {url} (JetStream domain {domain}), file {file}",
        "running": "the federation is running ({scopes}); Ctrl+C stops",
        "walk_received": "Jiangsu's node received {case_id} ({places})",
        "walk_recorded": "node {scope} recorded the hand-over {id} (ledger entry #{index})",
        "walk_forwarded": "the centre's acknowledgement {id}, forwarded to Jiangsu's node: {outcome}",
        "walk_status": "node {scope}'s copy of the case: {state}, lead {lead} (node {lead_node}), version "
                       "{version}, due {due}",
        "walk_verified": "node {scope} ledger verified: {result}", "ok": "ok",
        "outcome_done": "done", "outcome_refused": "refused", "outcome_pending": "waiting for the answer",
        "forwarded": "forwarded to the case's home node {home}: {id} (run sends it and brings the outcome back)",
        "issued_here": "the case lives at this node: done here",
        "shared_row": "{case_id}  {state}  lead {lead} (node {lead_node})  home {home}  version {version}  "
                      "due {due}",
        "command_row": "  command {id}: {command} ({by}) with node {peer}: {outcome}{reason}",
        "national": "national {start}–{end} ({nodes} nodes): received {received:g}, closed {closed:g}, "
                    "closure rate {closure:.1%}, on time {on_time:.1%}",
        "rank_row": "{rank:>3}. {unit:<8} received {received:>6g}  closed {closed:>6g}  closure {closure:>6.1%}  "
                    "on time {on_time:>6.1%}  overdue {overdue:g}",
    },
}
