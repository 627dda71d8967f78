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
