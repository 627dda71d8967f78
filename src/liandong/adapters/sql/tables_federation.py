"""The tables of the federation (issue 27, decision 0049): what this node sends other nodes (an outbox
of its own, written in the transaction that records the hand-over in the ledger), what it has
received by message id (so a redelivery changes nothing), and the hand-overs both ways with the
ledger entry that records each (``tables`` re-exports them; they share its metadata)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, LargeBinary, String, Table, Text

from liandong.adapters.sql.tables_base import UtcDateTime, metadata

federation_outbox = Table(  # 联邦发件箱: one message to another node's stream, sent by the federation relay
    "federation_outbox", metadata,
    Column("msg_id", String(160), primary_key=True),  # Nats-Msg-Id
    Column("subject", String(200), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered", Boolean, nullable=False, default=False),
)
Index("ix_federation_outbox_pending", federation_outbox.c.delivered)

federation_received = Table(  # 已处理消息: every message id handled once, recorded or refused with the reason
    "federation_received", metadata,
    Column("msg_id", String(160), primary_key=True),
    Column("sender", String(16), nullable=False),  # as the envelope says (unchecked when refused)
    Column("outcome", String(16), nullable=False),  # recorded | refused
    Column("reason_code", String(64), nullable=True),
    Column("reason", Text, nullable=True),  # in Chinese, then English
    Column("received_at", UtcDateTime, nullable=False),
)

federation_handover = Table(  # 跨省移交: each hand-over sent or received, and the ledger entry recording it
    "federation_handover", metadata,
    Column("handover_id", String(160), primary_key=True),
    Column("direction", String(8), nullable=False),  # out | in
    Column("peer", String(16), nullable=False),  # the node it went to or came from
    Column("case_id", String(40), nullable=False, index=True),
    Column("scope", String(12), nullable=False),  # the lowest common ancestor of the case's places
    Column("origin_index", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("ledger_index", BigInteger().with_variant(Integer, "sqlite"), nullable=False, unique=True),
    Column("digest", String(64), nullable=False),  # SHA-256 of the envelope
    Column("envelope", LargeBinary, nullable=False),
    Column("at", UtcDateTime, nullable=False),
)

# 分叉告警: a peer's log seen forked or rolled back by a witness (raised here or received)
federation_alarm = Table(
    "federation_alarm", metadata,
    Column("alarm_id", String(160), primary_key=True),
    Column("accused", String(16), nullable=False),  # the node whose log forked
    Column("raised_by", String(16), nullable=False),  # the node whose witness saw it
    Column("size", BigInteger().with_variant(Integer(), "sqlite"), nullable=False),
    Column("detail", Text, nullable=False),  # the witness's refusal, Chinese then English
    Column("at", UtcDateTime, nullable=False),
    # its entry in this node's ledger (raised or received: decision 0056); None for an alarm of before
    Column("ledger_index", BigInteger().with_variant(Integer, "sqlite"), nullable=True, unique=True),
    Column("digest", String(64), nullable=True),  # what its entry commits to (the note, or the refusal)
)

federation_fact = Table(  # 全国汇总: a node's daily per-unit counts (no personal data), kept at the centre
    "federation_fact", metadata,
    Column("sender", String(16), primary_key=True),
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD (Asia/Shanghai)
    Column("unit", String(40), primary_key=True),  # county:<code> | department:<code>
    Column("counts", Text, nullable=False),  # JSON {count name: value}
    Column("msg_id", String(160), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

federation_reference = Table(  # 参考数据版本: the versions of the centre's reference data a node has received
    "federation_reference", metadata,
    Column("kind", String(32), primary_key=True),  # hierarchy | catalogue
    Column("version", String(80), nullable=False),
    Column("sender", String(16), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

# 联合处置: a shared case's status as its home node last sent it (kept by every node, the home too)
federation_case = Table(
    "federation_case", metadata,
    Column("case_id", String(40), primary_key=True),
    Column("home", String(16), nullable=False),  # the node that holds the case (where it was reported)
    Column("state", String(24), nullable=False),
    Column("lead", String(48), nullable=False),  # the lead department ("" before dispatch)
    Column("lead_node", String(16), nullable=False),  # the node whose department leads
    Column("members", Text, nullable=False),  # JSON [[department, role], …] of the active members
    Column("ack_due", UtcDateTime, nullable=True),
    Column("due", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),  # the case's version at the home node
    Column("updated_at", UtcDateTime, nullable=False),
    # for the inboxes of the nodes it went to (decision 0056): codes, never a person's data
    Column("matter", String(64), nullable=False, server_default=""),
    Column("severity", String(16), nullable=False, server_default=""),
    Column("number", String(40), nullable=False, server_default=""),  # 案件编号
    # JSON [[department, kind, since, due, ref], …]
    Column("duties", Text, nullable=False, server_default="[]"),
)

federation_command = Table(  # 转办指令: a command issued at a node that is not the case's home, both ways
    "federation_command", metadata,
    Column("command_id", String(160), primary_key=True),  # also its Nats-Msg-Id
    Column("direction", String(8), nullable=False),  # out (forwarded from here) | in (handled here)
    Column("peer", String(16), nullable=False),  # the home it went to, or the node it came from
    Column("case_id", String(40), nullable=False, index=True),
    Column("command", String(48), nullable=False),  # the command's slug
    Column("actor", String(48), nullable=False),  # the department that issued it
    Column("ledger_index", BigInteger().with_variant(Integer, "sqlite"), nullable=False, unique=True),
    Column("digest", String(64), nullable=False),  # SHA-256 of the signed note
    Column("outcome", String(16), nullable=False),  # pending | done | refused
    Column("reason_code", String(64), nullable=True),
    Column("reason", Text, nullable=True),  # the refusal in Chinese, then English
    Column("at", UtcDateTime, nullable=False),
    Column("answered_at", UtcDateTime, nullable=True),
)
