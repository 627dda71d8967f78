"""事实表 on SQL: a case's fact rows (``assessment.fact_rows``) written by the case store in the
transaction of its events, read per period (the row valid at the moment the figures are taken
at), and rebuilt from the log."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from liandong.adapters.sql import tables as t
from liandong.adapters.sql.windows import received_in
from liandong.domain.cases import events as ev
from liandong.services.ports import FactRow

LAST = "SELECT body, fair FROM case_fact WHERE case_id = :id ORDER BY version DESC LIMIT 1"
INSERT = ("INSERT INTO case_fact (case_id, version, valid_from, irregular, body, viewers, fair) "
          "VALUES (:id, :version, :valid_from, :irregular, :body, :viewers, :fair)")
CHUNK = 2000


def params(row: FactRow, time: Callable[[datetime | None], Any]) -> dict[str, Any]:
    return {"id": row.case_id, "version": row.version, "valid_from": time(row.valid_from),
            "irregular": row.irregular, "body": row.body, "viewers": row.viewers, "fair": row.fair}


def _insert(conn: Connection, rows: Sequence[FactRow]) -> None:
    if rows:
        known = any(r.viewers is not None for r in rows)  # migration 0024 runs before the columns
        fair = any(r.fair is not None for r in rows)
        conn.execute(insert(t.case_fact), [
            {"case_id": r.case_id, "version": r.version, "valid_from": r.valid_from,
             "irregular": r.irregular, "body": r.body, **({"viewers": r.viewers} if known else {}),
             **({"fair": r.fair} if fair else {})}
            for r in rows])


def rebuild(conn: Connection, rows_of: Callable[[str, Sequence[ev.Event]], Sequence[FactRow]]) -> int:
    """Every case's fact rows derived again from its events (the old rows dropped): the number of
    cases. Inside the caller's transaction."""
    conn.execute(delete(t.case_fact))
    e = t.case_event
    q = select(e.c.case_id, e.c.payload).order_by(e.c.case_id, e.c.case_version)
    current, stream, rows, cases = "", list[ev.Event](), list[FactRow](), 0
    for case_id, payload in [*conn.execute(q), (None, None)]:
        if case_id != current:
            if stream:
                rows.extend(rows_of(current, stream))
                cases += 1
                if len(rows) >= CHUNK:
                    _insert(conn, rows)
                    rows = []
            current, stream = case_id, []
        if payload is not None:
            stream.append(ev.from_payload(json.loads(payload)))
    _insert(conn, rows)
    return cases


def rows_received(conn: Connection, since: datetime, until: datetime, as_of: datetime,
                  scope: str | None) -> Iterator[FactRow]:
    """The row valid at ``as_of`` of each case received in [since, until) with a place under
    ``scope``, oldest case first: per case, the latest version whose save began by ``as_of``."""
    c, f = t.case_record, t.case_fact
    g, h = f.alias("g"), f.alias("h")  # h: the latest row (its finding counts whenever it was made)
    where = received_in(since, until, scope)
    latest = (select(func.max(g.c.version)).where(g.c.case_id == c.c.id, g.c.valid_from <= as_of)
              .scalar_subquery())
    q = (select(c.c.id, c.c.received_at, f.c.version, f.c.valid_from, f.c.irregular, f.c.body, f.c.viewers,
                f.c.fair, h.c.fair.label("fair_now"))
         .select_from(c).join(f, (f.c.case_id == c.c.id) & (f.c.version == latest))
         .outerjoin(h, (h.c.case_id == c.c.id) & (h.c.version == c.c.version))
         .where(where).order_by(c.c.received_at, c.c.id))
    for row in conn.execute(q).yield_per(20_000):
        yield FactRow(row.id, row.version, row.valid_from, bool(row.irregular), row.body, row.received_at,
                      row.viewers, row.fair, row.fair_now)


def rows_of(conn: Connection, case_id: str) -> list[FactRow]:
    c, f = t.case_record, t.case_fact
    q = (select(f.c.version, f.c.valid_from, f.c.irregular, f.c.body, c.c.received_at, f.c.viewers, f.c.fair)
         .join(c, c.c.id == f.c.case_id).where(f.c.case_id == case_id).order_by(f.c.version))
    return [FactRow(case_id, r.version, r.valid_from, bool(r.irregular), r.body, r.received_at, r.viewers,
                    r.fair) for r in conn.execute(q)]


def fill_fair(conn: Connection, fair_of: Callable[[Sequence[ev.Event], Sequence[int]], Sequence[str]]) -> int:
    """Migration 0035: the fair part of every stored fact row, from its case's events (``fair_of``
    gives it after each of the versions asked for); the number of rows. Inside the caller's
    transaction."""
    e, f = t.case_event, t.case_fact
    versions: dict[str, list[int]] = {}
    for case_id, version in conn.execute(select(f.c.case_id, f.c.version).order_by(f.c.case_id, f.c.version)):
        versions.setdefault(case_id, []).append(version)
    q = select(e.c.case_id, e.c.payload).order_by(e.c.case_id, e.c.case_version)
    current, stream, updates, n = "", list[ev.Event](), list[dict[str, Any]](), 0
    for case_id, payload in [*conn.execute(q), (None, None)]:
        if case_id != current:
            if stream and current in versions:
                wanted = [v for v in versions[current] if v <= len(stream)]
                updates += [{"cid": current, "v": v, "fair": text}
                            for v, text in zip(wanted, fair_of(stream, wanted), strict=True)]
            if updates and (len(updates) >= CHUNK or case_id is None):
                row = (f.c.case_id == bindparam("cid")) & (f.c.version == bindparam("v"))
                conn.execute(update(f).where(row).values(fair=bindparam("fair")), updates)
                n, updates = n + len(updates), []
            current, stream = case_id, []
        if payload is not None:
            stream.append(ev.from_payload(json.loads(payload)))
    return n
