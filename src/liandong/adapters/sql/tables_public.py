"""The tables of the citizen side and of answers at intake: the knowledge base and consultations,
photos, the phone digests of the tracking code's recovery, area alerts (``tables`` re-exports them;
they share its metadata)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from liandong.adapters.sql.tables_base import UtcDateTime, metadata

knowledge_entry = Table(  # 知识库: answers to consultations, searched at intake (services: insight.knowledge)
    "knowledge_entry", metadata,
    Column("id", String(24), primary_key=True),
    Column("title", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("owner", String(48), nullable=False),
    Column("source", Text, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date),
    Column("reviewed_by", String(100), nullable=False),
    Column("reviewed_on", Date, nullable=False),
    Column("scope", String(12), nullable=False),
    Column("matter", String(64), nullable=False, server_default=""),
    Column("keywords", Text, nullable=False, server_default=""),  # one per line
    # the words a search reads, segmented (jieba) and joined by spaces: SQLite indexes them in the
    # FTS5 table knowledge_search, PostgreSQL in a GIN index over their tsvector (migration 0016)
    Column("search_title", Text, nullable=False),
    Column("search_body", Text, nullable=False),
)
Index("ix_knowledge_entry_owner", knowledge_entry.c.owner, knowledge_entry.c.id)
Index("ix_knowledge_entry_scope", knowledge_entry.c.scope)

consultation = Table(  # 咨询办结: a question answered at intake from the knowledge base; not a case
    "consultation", metadata,
    Column("id", String(24), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("scope", String(12), nullable=False),
    Column("question", Text, nullable=False),
    Column("entry_id", String(24), ForeignKey("knowledge_entry.id"), nullable=False),
    Column("answered_by", String(48), nullable=False),
)
Index("ix_consultation_scope_at", consultation.c.scope, consultation.c.at)

case_photo = Table(  # 现场照片: a report's photos, cleaned (services.photos); the bytes in a blob store
    "case_photo", metadata,
    Column("case_id", String(40), ForeignKey("case_record.id"), primary_key=True),
    Column("photo_key", String(64), primary_key=True),  # SHA-256 of the cleaned JPEG
    Column("thumbnail_key", String(64), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
)

reporter_phone = Table(  # the cases a phone number reported, by its digest (the tracking code's recovery)
    "reporter_phone", metadata,
    Column("phone_hash", String(64), primary_key=True),
    Column("case_id", String(40), ForeignKey("case_record.id"), primary_key=True),
)
area_alert = Table(  # 区域提醒: an e-mail address told of new public reports in an area (double opt-in)
    "area_alert", metadata,
    Column("token_digest", String(64), primary_key=True),  # SHA-256 of the token its links carry
    Column("email", String(254), nullable=False),
    Column("area", String(12), nullable=False),  # a jurisdiction code
    Column("created_at", UtcDateTime, nullable=False),
    Column("confirmed_at", UtcDateTime, nullable=True),
    UniqueConstraint("email", "area"),
)
Index("ix_area_alert_area", area_alert.c.area)
