"""The sums kept beside the 事实表 (``assessment.sums``, decision 0045); ``tables`` re-exports
them (they share its metadata)."""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, String, Table

from liandong.adapters.sql.tables_base import UtcDateTime, metadata
from liandong.services.ports.sums import READ_COLUMNS, SUM_COLUMNS

case_sum = Table(  # per place set, day of receipt and day of change: the event-only counts added
    "case_sum", metadata,
    Column("places", String(200), primary_key=True),
    Column("received_day", String(10), primary_key=True),
    Column("day", String(10), primary_key=True),
    *(Column(name, Float, nullable=False, server_default="0") for name in SUM_COLUMNS),
)
Index("ix_case_sum_received", case_sum.c.received_day, case_sum.c.day)

case_sum_now = Table(  # the same without the day of change: the figures taken now read these
    "case_sum_now", metadata,
    Column("places", String(200), primary_key=True),
    Column("received_day", String(10), primary_key=True),
    *(Column(name, Float, nullable=False, server_default="0") for name in SUM_COLUMNS),
)

case_sum_due = Table(  # pending deadlines: +1 when a case starts waiting on one, −1 when it stops
    "case_sum_due", metadata,
    Column("places", String(200), primary_key=True),
    Column("received_day", String(10), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("kind", String(1), primary_key=True),
    Column("due_day", String(10), primary_key=True),
    Column("n", Integer, nullable=False),
)
Index("ix_case_sum_due_changed", case_sum_due.c.received_day, case_sum_due.c.day)  # the changes since a cut

case_pending = Table(  # the deadlines each case waits on now (the day of today's figures)
    "case_pending", metadata,
    Column("case_id", String(40), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(1), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("places", String(200), nullable=False),
    Column("received_day", String(10), nullable=False),
)
# the deadlines passed by a moment, by deadline first (a period's received days are a wide range;
# those passed are few), holding what is counted (no row read)
Index("ix_case_pending_due", case_pending.c.due_at, case_pending.c.received_day, case_pending.c.kind,
      case_pending.c.places)

case_sum_skip = Table(  # cases left out of the sums (an irregular save): read from rows and events
    "case_sum_skip", metadata,
    Column("case_id", String(40), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
)
Index("ix_case_sum_skip_received", case_sum_skip.c.received_at)

case_sum_read = Table(  # 信息对称: what the read marks add, per place set, day of receipt and of change
    "case_sum_read", metadata,
    Column("places", String(200), primary_key=True),
    Column("received_day", String(10), primary_key=True),
    Column("day", String(10), primary_key=True),
    *(Column(name, Float, nullable=False, server_default="0") for name in READ_COLUMNS),
)
Index("ix_case_sum_read_received", case_sum_read.c.received_day, case_sum_read.c.day)

case_sum_read_now = Table(  # the same without the day of change
    "case_sum_read_now", metadata,
    Column("places", String(200), primary_key=True),
    Column("received_day", String(10), primary_key=True),
    *(Column(name, Float, nullable=False, server_default="0") for name in READ_COLUMNS),
)
