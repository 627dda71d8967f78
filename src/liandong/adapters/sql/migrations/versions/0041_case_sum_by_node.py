"""case sums by node, 共同在场 decided when kept (issue 28, decision 0059)

- The rows of ``case_sum``, ``case_sum_now``, ``case_sum_due``, ``case_sum_read`` and
  ``case_sum_read_now`` kept under a place set of several places move to the nodes of that set's
  prefix tree, with their weights (``assessment.sums.nodes_of``): each place +1, each prefix where
  the places branch 1 − the number of branches. A place set of one place is its own node, so
  those rows (most) stay as they are.
- 共同在场 is decided per case when its sums are kept (the hierarchy of the national list): two
  columns, ``copresence_due`` and ``copresent``, on ``case_sum`` and ``case_sum_now``, filled from
  the candidates ``case_sum_team`` and ``case_sum_team_now`` held (each group decided as the reader
  decided it, then moved to its nodes); those two tables are dropped.
- A period's sums are now read as those of every change less the changes filed since its cut
  (``adapters.sql.sum_periods``): ``case_sum_due`` is found by day of receipt and day of change
  (``ix_case_sum_due_changed``) instead of by day of receipt and day due; ``case_pending``'s
  deadlines passed by a moment by deadline first, the index holding what is counted
  (``ix_case_pending_due``: due_at, received_day, kind, places).

Every step is linear (weights and decisions multiply counts), so the tables after it equal a
rebuild from the fact rows. A store that reached 0033 with the code of this revision has the
columns and node keys already (0033 builds its sums with the code it runs with): only what is
missing is done.

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
)  # services.ports.sums.SUM_COLUMNS before this revision
_ADDED = ("copresence_due", "copresent")
_READS = ("team_read_latest", "read_lag_seconds", "reads")  # READ_COLUMNS, as of 0041
# table → (its keys after the place set, its summed columns)
_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "case_sum": (("received_day", "day"), _SUMS),
    "case_sum_now": (("received_day",), _SUMS),
    "case_sum_due": (("received_day", "day", "kind", "due_day"), ("n",)),
    "case_sum_read": (("received_day", "day"), _READS),
    "case_sum_read_now": (("received_day",), _READS),
}


def _add(conn: Any, table: str, names: tuple[str, ...], columns: tuple[str, ...],
         rows: dict[tuple[Any, ...], list[float]]) -> None:
    """``rows`` (keys ``names``) added to ``table``'s ``columns``."""
    if not rows:
        return
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    statement = sa.text(
        f"INSERT INTO {table} ({', '.join((*names, *columns))}) "
        f"VALUES ({', '.join(f':{c}' for c in (*names, *columns))}) "
        f"ON CONFLICT ({', '.join(names)}) DO UPDATE SET {added}")
    integer = columns == ("n",)
    conn.execute(statement, [
        {**dict(zip(names, key, strict=True)),
         **{c: (int(v) if integer else v) for c, v in zip(columns, vec, strict=True)}}
        for key, vec in sorted(rows.items())])


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
    _add(conn, table, names, columns, moved)


def _decide(conn: Any, team: str, table: str, keys: tuple[str, ...]) -> None:
    """``team``'s candidates of 共同在场, decided per group, added to ``table``'s new columns."""
    from liandong.adapters.reference_data import national_hierarchy
    from liandong.assessment.facts import _units
    from liandong.assessment.sums import nodes_of

    h = national_hierarchy()
    decided: dict[tuple[Any, ...], list[float]] = {}
    for row in conn.execute(sa.text(f"SELECT places, {', '.join(keys)}, team_units, major, n FROM {team}")):
        places, key, units, major, n = row[0], tuple(row[1:1 + len(keys)]), row[-3], row[-2], int(row[-1])
        where = places.split("|") if places else []
        if not n or not (major or len({_units(h, p)[2] for p in where}) > 1):
            continue
        levels = {int(h.get(u).level) for u in (units.split("|") if units else []) if u in h}
        met = 0
        if levels:
            top, deepest = min(levels), max(levels)
            met = int({int(u.level) for p in where if p in h for u in h.path(p)
                       if top <= int(u.level) <= deepest} <= levels)
        for node, w in nodes_of(places):
            found = decided.setdefault((node, *key), [0.0, 0.0])
            found[0] += w * n
            found[1] += w * n * met
    _add(conn, table, ("places", *keys), _ADDED, {k: v for k, v in decided.items() if any(v)})


def upgrade() -> None:
    conn = op.get_bind()
    have = sa.inspect(conn)
    for table, (keys, columns) in _TABLES.items():
        _move(conn, table, keys, columns)
    for table in ("case_sum", "case_sum_now"):
        present = {c["name"] for c in have.get_columns(table)}
        with op.batch_alter_table(table) as batch:
            for name in _ADDED:
                if name not in present:
                    batch.add_column(sa.Column(name, sa.Float(), server_default='0', nullable=False))
    tables = set(have.get_table_names())
    for team, table, keys in (("case_sum_team", "case_sum", ("received_day", "day")),
                              ("case_sum_team_now", "case_sum_now", ("received_day",))):
        if team in tables:
            _decide(conn, team, table, keys)
            op.drop_table(team)
    indexes = {i["name"] for i in have.get_indexes("case_sum_due")}
    if "ix_case_sum_due_received" in indexes:
        op.drop_index('ix_case_sum_due_received', table_name='case_sum_due')
    if "ix_case_sum_due_changed" not in indexes:
        op.create_index('ix_case_sum_due_changed', 'case_sum_due', ['received_day', 'day'], unique=False)
    op.drop_index('ix_case_pending_due', table_name='case_pending')
    op.create_index('ix_case_pending_due', 'case_pending', ['due_at', 'received_day', 'kind', 'places'],
                    unique=False)


def _team_rows(conn: Any) -> tuple[dict[tuple[Any, ...], int], dict[tuple[Any, ...], int]]:
    """共同在场's candidates per place set, as the revision before kept them, from the fact rows:
    a dispatched case of a major severity or of several places, per (places, day received, day of
    change, units of the active team, major) and without the day of change."""
    import json

    from liandong.adapters.sql import sums
    from liandong.assessment import sums as pure
    from liandong.domain.cases.states import CaseState

    def key(body: str | None) -> tuple[str, str, str, int] | None:
        if body is None:
            return None
        data = json.loads(body)
        acc, rec = data["acc"], data["rec"]
        if acc["rec"] in (None, -1) or rec["st"] == CaseState.MERGED.value or not acc["disp"]:
            return None
        major = rec["sev"] in ("I", "II", "III", "IV")
        if not (major or len(set(rec["aff"])) > 1):
            return None
        received = pure.moment(acc["rec"])
        assert received is not None
        units = "|".join(sorted({m[0].rpartition("-")[0] for m in rec["members"] if m[2]}))
        return pure.places_key(rec["aff"]), pure.day_of(received), units, int(major)

    dayed: dict[tuple[Any, ...], int] = {}
    for rows in sums._cases(conn):
        if any(r.irregular for r in rows):
            continue
        previous = None
        for r in rows:
            day = pure.change_day(r.valid_from)
            for found, sign in ((key(previous), -1), (key(r.body), 1)):
                if found is not None:
                    k = (found[0], found[1], day, found[2], found[3])
                    dayed[k] = dayed.get(k, 0) + sign
            previous = r.body
    now: dict[tuple[Any, ...], int] = {}
    for (places, rday, _, units, major), n in dayed.items():
        now[places, rday, units, major] = now.get((places, rday, units, major), 0) + n
    return {k: n for k, n in dayed.items() if n}, {k: n for k, n in now.items() if n}


def downgrade() -> None:
    """The sums per place set again, recomputed from the fact rows and the read marks, and the
    candidates of 共同在场 per place set and team."""
    from liandong.adapters.sql import sums

    op.drop_index('ix_case_sum_due_changed', table_name='case_sum_due')
    op.create_index('ix_case_sum_due_received', 'case_sum_due', ['received_day', 'due_day'], unique=False)
    op.drop_index('ix_case_pending_due', table_name='case_pending')
    op.create_index('ix_case_pending_due', 'case_pending', ['received_day', 'due_at'], unique=False)
    for table in ("case_sum", "case_sum_now"):
        with op.batch_alter_table(table) as batch:
            for name in _ADDED:
                batch.drop_column(name)
    for name, keys in (("case_sum_team", ("day",)), ("case_sum_team_now", ())):
        op.create_table(name,
        sa.Column('places', sa.String(length=200), nullable=False),
        sa.Column('received_day', sa.String(length=10), nullable=False),
        *(sa.Column(k, sa.String(length=10), nullable=False) for k in keys),
        sa.Column('team_units', sa.String(length=400), nullable=False),
        sa.Column('major', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('places', 'received_day', *keys, 'team_units', 'major', name=op.f(f'pk_{name}'))
        )
    op.create_index('ix_case_sum_team_received', 'case_sum_team', ['received_day', 'day'], unique=False)
    conn = op.get_bind()
    total, _, _ = sums.recompute(conn)
    now = total.now()
    width = len(_SUMS)
    dayed_team, now_team = _team_rows(conn)
    rows: dict[str, list[dict[str, Any]]] = {
        "case_sum": [{"places": k[0], "received_day": k[1], "day": k[2], **dict(zip(_SUMS, v[:width], strict=True))}
                     for k, v in total.sums.items()],
        "case_sum_now": [{"places": k[0], "received_day": k[1], **dict(zip(_SUMS, v[:width], strict=True))}
                         for k, v in now.items()],
        "case_sum_due": [{"places": k[0], "received_day": k[1], "day": k[2], "kind": k[3], "due_day": k[4],
                          "n": n} for k, n in total.due.items()],
        "case_sum_read": [{"places": k[0], "received_day": k[1], "day": k[2], **dict(zip(_READS, v, strict=True))}
                          for k, v in total.reads.items()],
        "case_sum_read_now": [{"places": k[0], "received_day": k[1], **dict(zip(_READS, v, strict=True))}
                              for k, v in total.reads_now().items()],
        "case_sum_team": [{"places": k[0], "received_day": k[1], "day": k[2], "team_units": k[3], "major": k[4],
                           "n": n} for k, n in dayed_team.items()],
        "case_sum_team_now": [{"places": k[0], "received_day": k[1], "team_units": k[2], "major": k[3], "n": n}
                              for k, n in now_team.items()],
    }
    for table, values in rows.items():
        conn.execute(sa.text(f"DELETE FROM {table}"))
        if values:
            names = list(values[0])
            conn.execute(sa.text(f"INSERT INTO {table} ({', '.join(names)}) "
                                 f"VALUES ({', '.join(f':{c}' for c in names)})"), values)
