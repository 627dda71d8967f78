"""Refusal texts: the federation of nodes (its configuration file, hand-over envelopes)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "federation.config_unreadable": {
        "zh": "无法读取联邦配置文件 {file}：{problem}",
        "en": "Cannot read the federation file {file}: {problem}",
    },
    "federation.config_missing": {
        "zh": "联邦配置文件 {file} 第 {line} 行：缺少“{field}”",
        "en": "Federation file {file}, line {line}: '{field}' is missing",
    },
    "federation.config_bad_value": {
        "zh": "联邦配置文件 {file} 第 {line} 行：“{field}”的值“{value}”无效；应为：{allowed_zh}",
        "en": "Federation file {file}, line {line}: '{field}' = '{value}' is not valid; allowed: {allowed_en}",
    },
    "federation.config_unknown_field": {
        "zh": "联邦配置文件 {file} 第 {line} 行：未知字段“{field}”；可用：{allowed}",
        "en": "Federation file {file}, line {line}: unknown field '{field}'; allowed: {allowed}",
    },
    "federation.config_repeated": {
        "zh": "联邦配置文件 {file} 第 {line} 行：“{field}”的值“{value}”与本节点或另一对端重复；每个节点的辖区和域须互不相同",
        "en": "Federation file {file}, line {line}: '{field}' = '{value}' repeats this node's or another peer's; "
              "every node's scope and domain must be unique",
    },
    "federation.malformed": {
        "zh": "联邦消息（移交信封、告警、汇总或参考数据）格式错误：{problem}",
        "en": "Malformed federation message (hand-over envelope, alarm, facts or reference data): {problem}",
    },
    "federation.unknown_node": {
        "zh": "移交信封来自未配置的节点“{sender}”：本节点只接收配置文件中所列对端的移交",
        "en": "The hand-over envelope comes from node '{sender}', which is not configured as a peer",
    },
    "federation.not_addressed": {
        "zh": "移交信封发往节点 {to}，而本节点是 {me}",
        "en": "The hand-over envelope is addressed to node {to}, and this node is {me}",
    },
    "federation.bad_signature": {
        "zh": "移交信封的签名无法用节点 {sender} 的节点密钥验证（伪造或被篡改）",
        "en": "The hand-over envelope's signature does not verify with node {sender}'s node key (forged or altered)",
    },
    "federation.bad_proof": {
        "zh": "移交信封中的记录证明无效（节点 {sender}）：{reason}",
        "en": "The record proof in the hand-over envelope is not valid (node {sender}): {reason}",
    },
    "federation.case_mismatch": {
        "zh": "移交信封所称案件 {case_id} 与其所附账本记录（{found}）不符",
        "en": "The hand-over envelope names case {case_id} but its ledger entry records {found}",
    },
    "federation.places_mismatch": {
        "zh": "移交信封所列案件 {case_id} 的地点（{places}）与其账本记录（{found}）不符",
        "en": "The hand-over envelope lists places {places} for case {case_id} but its ledger entry records {found}",
    },
    "federation.wrong_route": {
        "zh": "移交 {handover} 所称范围 {scope} 与其地点的共同上级（{found}）不符，或按规则不应移交本节点 {me}",
        "en": "Hand-over {handover} claims scope {scope} where its places' common ancestor is {found}, "
              "or the rules do not send it to this node ({me})",
    },
    "federation.reference_older": {
        "zh": "参考数据“{kind}”的版本 {version} 早于本节点已有的 {held}，不予采用",
        "en": "Reference data '{kind}' version {version} is older than the {held} this node holds; not taken",
    },
    "federation.fork_alarm": {
        "zh": "分叉告警：节点 {raised_by} 的见证者发现节点 {accused} 的日志（大小 {size}）与其已联署的不一致：{detail}",
        "en": "Fork alarm: the witness of node {raised_by} found the log of node {accused} (size {size}) "
              "inconsistent with what it cosigned: {detail}",
    },
    "federation.not_witnessed": {
        "zh": "案件 {case_id} 暂不移交：最新检查点（规模 {size}）缺少见证者 {witnesses} 的联署，接收方将拒收；待见证者恢复后重试",
        "en": "Case {case_id} is not handed over yet: the latest checkpoint (size {size}) lacks the cosignature of "
              "{witnesses}, which the receivers require; tried again once the witness is back",
    },
    "federation.not_centre": {
        "zh": "只有中央节点汇总全国数据、发布参考数据；本节点为 {me}",
        "en": "Only the central node rolls up national figures and publishes reference data; this node is {me}",
    },
    "federation.replayed": {
        "zh": "移交 {handover} 已于 {first_at} 记录，本次为重放，不予重复记录",
        "en": "Hand-over {handover} was recorded at {first_at}; this is a replay and is not recorded again",
    },
    "federation.local_case": {
        "zh": "案件 {case_id} 的范围（{scope}）在本节点辖区 {me} 之内，无需移交",
        "en": "Case {case_id}'s scope ({scope}) lies within this node's scope {me}: nothing to hand over",
    },
    "federation.no_store": {
        "zh": "联邦节点需要 SQL 存储（SQLite 或 PostgreSQL）",
        "en": "A federation node needs SQL storage (SQLite or PostgreSQL)",
    },
    "federation.no_nats_server": {
        "zh": "找不到 nats-server：请安装（Debian：apt-get install nats-server）或将其放入 PATH",
        "en": "nats-server was not found: install it (Debian: apt-get install nats-server) or put it on the PATH",
    },
    "federation.server_not_ready": {
        "zh": "节点 {scope} 的 nats-server 未能在 {deadline} 秒内就绪（{problem}）；其输出：\n{output}",
        "en": "The nats-server of node {scope} was not ready within {deadline} s ({problem}); it printed:\n{output}",
    },
    "federation.case_not_shared": {
        "zh": "案件 {case_id} 未移交给节点 {node}，该节点不能对其发出指令",
        "en": "Case {case_id} was not handed over to node {node}, which cannot send commands about it",
    },
    "federation.not_their_department": {
        "zh": "部门 {department} 不属于节点 {node}：节点只能代其辖区内的部门发出指令",
        "en": "Department {department} does not belong to node {node}: a node speaks only for the departments "
              "of its scope",
    },
    "federation.not_home": {
        "zh": "案件 {case_id} 的状态只能由其所属节点 {home} 发送，节点 {sender} 发送的不予接受",
        "en": "Only case {case_id}'s home node {home} sends its status; node {sender}'s is refused",
    },
    "federation.unknown_command": {
        "zh": "节点 {sender} 答复的指令 {id} 不是本节点转给它的",
        "en": "Node {sender} answered command {id}, which this node did not forward to it",
    },
    "federation.bad_command": {
        "zh": "案件指令“{command}”无效（{problem}）；可用：{allowed}",
        "en": "The case command '{command}' is not valid ({problem}); allowed: {allowed}",
    },
    "federation.not_a_node": {
        "zh": "本服务器未作为联邦节点启动（liandong serve --federation 节点配置文件），不能对其他节点的案件发出指令",
        "en": "This server was not started as a federation node (liandong serve --federation NODE.toml): it "
              "cannot send commands about other nodes' cases",
    },
    "federation.not_a_member": {
        "zh": "部门 {department} 不在共享案件 {case_id} 的处置团队中",
        "en": "Department {department} is not on the team of the shared case {case_id}",
    },
    "federation.walk_timeout": {
        "zh": "案件 {case_id} 未能在 {deadline} 秒内到达中央与浙江节点并由中央节点签收",
        "en": "Case {case_id} did not reach the centre's and Zhejiang's nodes and the centre's acknowledgement "
              "within {deadline} s",
    },
}
