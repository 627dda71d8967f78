"""SQLAlchemy Core tables. Alembic migrations create them; tests compare the two."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from liandong.adapters.sql.tables_base import UtcDateTime as UtcDateTime
from liandong.adapters.sql.tables_base import metadata as metadata
from liandong.domain.cases.publication import PUBLIC_STEPS

jurisdiction = Table(
    "jurisdiction", metadata,
    Column("code", String(12), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("parent_code", String(12), ForeignKey("jurisdiction.code"), nullable=True),
    # Materialised path "100000/320000/320200/": ancestors by splitting, subtrees by prefix.
    Column("path", String(80), nullable=False),
    # Ancestors by level (NULL where the branch skips one): subtrees are an indexed equality.
    Column("province_code", String(12), nullable=True),
    Column("city_code", String(12), nullable=True),
    Column("county_code", String(12), nullable=True),
    CheckConstraint("level BETWEEN 0 AND 4", name="level_range"),
)
Index("ix_jurisdiction_parent", jurisdiction.c.parent_code)
Index("ix_jurisdiction_province", jurisdiction.c.province_code)
Index("ix_jurisdiction_city", jurisdiction.c.city_code)
Index("ix_jurisdiction_county", jurisdiction.c.county_code)
Index("ix_jurisdiction_name", jurisdiction.c.name)

department = Table(
    "department", metadata,
    Column("code", String(48), primary_key=True),
    Column("jurisdiction_code", String(12), ForeignKey("jurisdiction.code"), nullable=False),
    Column("system_code", String(32), nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("name", String(128), nullable=False),
    CheckConstraint("level BETWEEN 0 AND 4", name="level_range"),
)
Index("ix_department_jurisdiction", department.c.jurisdiction_code)
Index("ix_department_system_level", department.c.system_code, department.c.level)

reference_document = Table(
    "reference_document", metadata,
    Column("name", String(64), primary_key=True),
    Column("version", String(32), nullable=False),
    Column("content", Text, nullable=False),
)

store_setting = Table(  # what a store was initialised as: ("mode", "live" | "sandbox"); no row: live
    "store_setting", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(64), nullable=False),
    CheckConstraint("name <> 'mode' OR value IN ('live', 'sandbox')", name="mode_value"),
)


CASE_STATES = ("received", "dispatched", "acknowledged", "in_progress", "resolved",
               "followed_up", "closed", "returned", "shelved", "merged")

case_record = Table(
    "case_record", metadata,
    Column("id", String(40), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("matter", String(64), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("owner_code", String(12), nullable=True),
    Column("lead_code", String(48), nullable=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=True),
    Column("is_open", Boolean, nullable=False),
    Column("idempotency_key", String(128), nullable=True, unique=True),
    Column("public_consent", Boolean, nullable=False, server_default=false()),
    Column("public_withheld", Boolean, nullable=False, server_default=false()),  # 公开审核: taken off
    CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in CASE_STATES) + ")", name="state_known"),
)
Index("ix_case_record_open_due", case_record.c.is_open, case_record.c.due_at)
Index("ix_case_record_received", case_record.c.received_at)
PUBLIC_LISTED = "public_consent AND NOT public_withheld"
"""The reports the public feed may list (the reporter agreed, the centre has not withheld them)."""
Index("ix_case_record_public", case_record.c.received_at, case_record.c.id,
      postgresql_where=text(PUBLIC_LISTED), sqlite_where=text(PUBLIC_LISTED))

case_event = Table(
    "case_event", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("case_id", String(40), ForeignKey("case_record.id"), nullable=False),
    Column("case_version", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(48), nullable=False),
    Column("payload", Text, nullable=False),
    UniqueConstraint("case_id", "case_version", name="uq_case_event_case_version"),
)
PUBLIC_STEP = "type IN (" + ", ".join(f"'{s}'" for s in PUBLIC_STEPS) + ")"
"""The steps a public history names, the only events indexed by time (in the order Open311's updates list)."""
Index("ix_case_event_public_step", case_event.c.at, case_event.c.case_id, case_event.c.case_version,
      postgresql_where=text(PUBLIC_STEP), sqlite_where=text(PUBLIC_STEP))

case_member = Table(
    "case_member", metadata,
    Column("case_id", String(40), ForeignKey("case_record.id"), primary_key=True),
    Column("department_code", String(48), primary_key=True),
    Column("role", String(16), nullable=False),
)
Index("ix_case_member_department", case_member.c.department_code)

outbox = Table(
    "outbox", metadata,
    Column("event_seq", BigInteger().with_variant(Integer, "sqlite"),
           ForeignKey("case_event.seq"), primary_key=True),
    Column("delivered", Boolean, nullable=False, default=False),
)
Index("ix_outbox_pending", outbox.c.delivered)

# -- the shared record (ledger) -------------------------------------------------------------------
ledger_entry = Table(
    "ledger_entry", metadata,
    Column("idx", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("event_seq", BigInteger().with_variant(Integer, "sqlite"), nullable=True, unique=True),
    Column("case_id", String(40), nullable=True, index=True),
    Column("signer", String(48), nullable=False),
    Column("leaf", LargeBinary, nullable=False),
)

ledger_node = Table(
    "ledger_node", metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("idx", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("hash", LargeBinary, nullable=False),
)

ledger_checkpoint = Table(
    "ledger_checkpoint", metadata,
    Column("size", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("root", LargeBinary, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

signing_key = Table(
    "signing_key", metadata,
    Column("name", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # department, log, witness
    Column("public_key", LargeBinary, nullable=False),
    Column("sealed_private", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

witness_state = Table(
    "witness_state", metadata,
    Column("witness", String(64), primary_key=True),
    Column("origin", String(128), primary_key=True),
    Column("size", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("root", LargeBinary, nullable=False),
)

APPEND_ONLY = ("ledger_entry", "ledger_node", "ledger_checkpoint")

# -- linkage instruments -----------------------------------------------------------------------------
instrument = Table(
    "instrument", metadata,
    Column("id", String(40), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("issuer", String(48), nullable=False),
    Column("title", String(200), nullable=False),
    Column("state", String(12), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=True),
)
Index("ix_instrument_open_due", instrument.c.state, instrument.c.due_at)

instrument_event = Table(
    "instrument_event", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("instrument_id", String(40), ForeignKey("instrument.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(48), nullable=False),
    Column("payload", Text, nullable=False),
    UniqueConstraint("instrument_id", "version", name="uq_instrument_event_version"),
)

instrument_salt = Table(  # the salt of the ledger's commitments to an instrument's texts; never published
    "instrument_salt", metadata,
    Column("instrument_id", String(40), ForeignKey("instrument.id"), primary_key=True),
    Column("salt", LargeBinary, nullable=False),
)

instrument_party = Table(  # who issued an instrument and to whom it is addressed (the inboxes)
    "instrument_party", metadata,
    Column("instrument_id", String(40), ForeignKey("instrument.id"), primary_key=True),
    Column("department_code", String(48), primary_key=True),
    Column("role", String(12), nullable=False),  # issuer, addressee, promoted
)
Index("ix_instrument_party_department", instrument_party.c.department_code)

notification = Table(  # the outbox of notices to departments, written in the transaction of the event
    "notification", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("department_code", String(48), nullable=False),
    Column("subject_id", String(40), nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered", Boolean, nullable=False, default=False),
)
Index("ix_notification_department", notification.c.department_code, notification.c.seq)
Index("ix_notification_pending", notification.c.delivered, notification.c.seq)

resource_holding = Table(  # 资源池: what each department holds and can allocate
    "resource_holding", metadata,
    Column("department_code", String(48), primary_key=True),
    Column("item", String(64), primary_key=True),
    Column("unit", String(16), nullable=False),
    Column("quantity", BigInteger, nullable=False),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
)

# -- accounts and tokens --------------------------------------------------------------------------
account = Table(
    "account", metadata,
    Column("id", String(40), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("department_code", String(48), nullable=True),
    Column("roles", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

auth_token = Table(
    "auth_token", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", String(40), ForeignKey("account.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

api_key = Table(
    "api_key", metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

tracking_code = Table(
    "tracking_code", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("case_id", String(40), ForeignKey("case_record.id"), nullable=False),
)

case_salt = Table(  # the salt of the ledger's commitments to a case's personal data; never published
    "case_salt", metadata,
    Column("case_id", String(40), ForeignKey("case_record.id"), primary_key=True),
    Column("salt", LargeBinary, nullable=False),
)

case_read = Table(  # who on a team has read a case up to which version (information symmetry)
    "case_read", metadata,
    Column("case_id", String(40), ForeignKey("case_record.id"), primary_key=True),
    Column("department_code", String(48), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("read_at", UtcDateTime, nullable=False),
)

case_place = Table(  # every place a case affects (reported, then widened): the reads of a scope
    "case_place", metadata,
    Column("case_id", String(40), ForeignKey("case_record.id"), primary_key=True),
    Column("unit_code", String(12), primary_key=True),
)
# A scope is one range of codes (services.ports.scope_prefix); the case id rides in the index.
Index("ix_case_place_unit", case_place.c.unit_code, case_place.c.case_id)

case_spot = Table(  # 已有人反映？ what the nearby query reads of a case (domain.nearby.Spot)
    "case_spot", metadata,
    Column("case_id", String(40), ForeignKey("case_record.id"), primary_key=True),
    Column("matter", String(64), nullable=False),
    Column("place", String(12), nullable=False),
    Column("lat_e6", Integer, nullable=True),  # WGS-84, micro-degrees
    Column("lng_e6", Integer, nullable=True),
    Column("open", Boolean, nullable=False),  # takes a "me too" (taken in, not yet resolved)
)
# one range scan each: the township's open cases of a matter, and those in a box around a pin
Index("ix_case_spot_place", case_spot.c.matter, case_spot.c.open, case_spot.c.place, case_spot.c.case_id)
Index("ix_case_spot_point", case_spot.c.matter, case_spot.c.open, case_spot.c.lat_e6, case_spot.c.lng_e6)

case_number = Table(  # 案件编号: the readable number of each case (domain.cases.numbers)
    "case_number", metadata,
    Column("number", String(24), primary_key=True),
    Column("case_id", String(40), ForeignKey("case_record.id"), nullable=False, unique=True),
)

case_number_day = Table(  # the last sequence given per jurisdiction and Beijing day
    "case_number_day", metadata,
    Column("prefix", String(6), primary_key=True),
    Column("day", String(8), primary_key=True),
    Column("last", Integer, nullable=False),
)

duty = Table(  # 待办: what waits on which department (domain.duties), kept with the events that change it
    "duty", metadata,
    Column("subject_id", String(40), primary_key=True),  # a case or an instrument
    Column("department_code", String(48), primary_key=True),
    Column("kind", String(24), primary_key=True),
    Column("ref", String(40), primary_key=True, server_default=""),  # a task inside an instrument
    Column("subject", String(12), nullable=False),  # case, instrument
    Column("since_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=True),
    Column("order_at", UtcDateTime, nullable=False),  # the deadline, or since when it has waited
)
# A department's inbox is one range of this index, already in order: never a sort of its cases.
Index("ix_duty_department_order", duty.c.department_code, duty.c.order_at, duty.c.subject_id)

case_fact = Table(  # 事实表: a case's facts after each save (assessment.fact_rows), kept with its events
    "case_fact", metadata,
    Column("case_id", String(40), ForeignKey("case_record.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("valid_from", UtcDateTime, nullable=False),  # the earliest event of the save
    Column("irregular", Boolean, nullable=False),  # backfilled or of several moments: replay
    Column("body", Text, nullable=False),
    Column("viewers", Text, nullable=True),  # who sees the case by its record (assessment.viewers)
    Column("fair", Text, nullable=True),  # what the fair rules read of the events (assessment.fair_facts)
)


# the tables of the sibling modules, re-exported (they need the metadata above)
from liandong.adapters.sql.tables_federation import (  # noqa: E402
    federation_alarm as federation_alarm,
)
from liandong.adapters.sql.tables_federation import (  # noqa: E402
    federation_fact as federation_fact,
)
from liandong.adapters.sql.tables_federation import (  # noqa: E402
    federation_handover as federation_handover,
)
from liandong.adapters.sql.tables_federation import (  # noqa: E402
    federation_outbox as federation_outbox,
)
from liandong.adapters.sql.tables_federation import (  # noqa: E402
    federation_received as federation_received,
)
from liandong.adapters.sql.tables_federation import (  # noqa: E402
    federation_reference as federation_reference,
)
from liandong.adapters.sql.tables_public import area_alert as area_alert  # noqa: E402
from liandong.adapters.sql.tables_public import case_photo as case_photo  # noqa: E402
from liandong.adapters.sql.tables_public import consultation as consultation  # noqa: E402
from liandong.adapters.sql.tables_public import knowledge_entry as knowledge_entry  # noqa: E402
from liandong.adapters.sql.tables_public import reporter_phone as reporter_phone  # noqa: E402
from liandong.adapters.sql.tables_sums import (  # noqa: E402
    case_pending as case_pending,
)
from liandong.adapters.sql.tables_sums import (  # noqa: E402
    case_sum as case_sum,
)
from liandong.adapters.sql.tables_sums import (  # noqa: E402
    case_sum_due as case_sum_due,
)
from liandong.adapters.sql.tables_sums import (  # noqa: E402
    case_sum_now as case_sum_now,
)
from liandong.adapters.sql.tables_sums import (  # noqa: E402
    case_sum_read as case_sum_read,
)
from liandong.adapters.sql.tables_sums import (  # noqa: E402
    case_sum_read_now as case_sum_read_now,
)
from liandong.adapters.sql.tables_sums import (  # noqa: E402
    case_sum_skip as case_sum_skip,
)
