"""case sums by node (issue 28, decision 0059): the rows of ``case_sum``, ``case_sum_now``,
``case_sum_due``, ``case_sum_read`` and ``case_sum_read_now`` kept under a case's place set of
several places are moved to the nodes of that set's prefix tree, with their weights
(``assessment.sums.nodes_of``): each place +1, each prefix where the places branch 1 − the number
of branches. A place set of one place is its own node, so those rows (most) stay as they are.
The move is linear (the weights multiply the sums), so the tables after it equal a rebuild from the
fact rows; ``case_sum_team`` and ``case_sum_team_now`` stay per place set.

A period's sums are now read as those of every change less the changes filed since the period's
cut (``adapters.sql.sum_periods``): ``case_sum_due`` is found by day of receipt and day of change
(``ix_case_sum_due_changed``) instead of by day of receipt and day due.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None

_SUMS = (
    "received", "dispatched", "resolved", "closed", "open", "valid", "contacted", "solved",
    "satisfaction_tenths", "ack_settled", "ack_in_time", "resolved_on_time", "returned", "redone",
    "extended", "escalated", "resource_asked", "summons_answered", "summons_in_time", "assists_due",
    "assists_in_time", "team", "supporting", "dispatched_major",
)  # services.ports.sums.SUM_COLUMNS, as of 0041
_READS = ("team_read_latest", "read_lag_seconds", "reads")  # READ_COLUMNS, as of 0041
# table → (its keys after the place set, its summed columns)
_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "case_sum": (("received_day", "day"), _SUMS),
    "case_sum_now": (("received_day",), _SUMS),
    "case_sum_due": (("received_day", "day", "kind", "due_day"), ("n",)),
    "case_sum_read": (("received_day", "day"), _READS),
    "case_sum_read_now": (("received_day",), _READS),
}


def _move(conn: Any, table: str, keys: tuple[str, ...], columns: tuple[str, ...]) -> None:
    from liandong.assessment.sums import nodes_of

    names = ("places", *keys)
    rows = conn.execute(sa.text(f"SELECT {', '.join((*names, *columns))} FROM {table} "
                                "WHERE places LIKE '%|%'")).fetchall()
    if not rows:
        return
    moved: dict[tuple[Any, ...], list[float]] = {}
    for row in rows:
        for node, w in nodes_of(row[0]):
            found = moved.setdefault((node, *row[1:len(names)]), [0.0] * len(columns))
            for i, v in enumerate(row[len(names):]):
                found[i] += w * float(v)
    conn.execute(sa.text(f"DELETE FROM {table} WHERE places LIKE '%|%'"))
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    statement = sa.text(
        f"INSERT INTO {table} ({', '.join((*names, *columns))}) "
        f"VALUES ({', '.join(f':{c}' for c in (*names, *columns))}) "
        f"ON CONFLICT ({', '.join(names)}) DO UPDATE SET {added}")
    integer = columns == ("n",)
    conn.execute(statement, [
        {**dict(zip(names, key, strict=True)),
         **{c: (int(v) if integer else v) for c, v in zip(columns, vec, strict=True)}}
        for key, vec in sorted(moved.items())])


def upgrade() -> None:
    conn = op.get_bind()
    for table, (keys, columns) in _TABLES.items():
        _move(conn, table, keys, columns)
    op.drop_index('ix_case_sum_due_received', table_name='case_sum_due')
    op.create_index('ix_case_sum_due_changed', 'case_sum_due', ['received_day', 'day'], unique=False)


def downgrade() -> None:
    """The sums per place set again, recomputed from the fact rows and the read marks."""
    from liandong.adapters.sql import sums

    op.drop_index('ix_case_sum_due_changed', table_name='case_sum_due')
    op.create_index('ix_case_sum_due_received', 'case_sum_due', ['received_day', 'due_day'], unique=False)
    conn = op.get_bind()
    total, _, _ = sums.recompute(conn)
    now, _ = total.now()
    rows: dict[str, list[dict[str, Any]]] = {
        "case_sum": [{"places": k[0], "received_day": k[1], "day": k[2], **dict(zip(_SUMS, v, strict=True))}
                     for k, v in total.sums.items()],
        "case_sum_now": [{"places": k[0], "received_day": k[1], **dict(zip(_SUMS, v, strict=True))}
                         for k, v in now.items()],
        "case_sum_due": [{"places": k[0], "received_day": k[1], "day": k[2], "kind": k[3], "due_day": k[4],
                          "n": n} for k, n in total.due.items()],
        "case_sum_read": [{"places": k[0], "received_day": k[1], "day": k[2], **dict(zip(_READS, v, strict=True))}
                          for k, v in total.reads.items()],
        "case_sum_read_now": [{"places": k[0], "received_day": k[1], **dict(zip(_READS, v, strict=True))}
                              for k, v in total.reads_now().items()],
    }
    for table, values in rows.items():
        conn.execute(sa.text(f"DELETE FROM {table}"))
        if values:
            names = list(values[0])
            conn.execute(sa.text(f"INSERT INTO {table} ({', '.join(names)}) "
                                 f"VALUES ({', '.join(f':{c}' for c in names)})"), values)
