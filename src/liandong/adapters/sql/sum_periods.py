"""A period's sums on SQL (``services.ports.sums.SumView``), read as *now less what changed since*
(decision 0059): the sums of the changes filed before the day ``cut`` are those of every change
(the tables without the day of change, ``case_sum_now`` …, one row per node and day of receipt)
less those filed on ``cut`` or later (an index on day of receipt and day of change finds them: for
a period ended at today's midnight, today's changes only). The deadlines pending at a midnight are
those pending now (``case_pending``, a row per deadline a case waits on now) less the changes since.
The tables hold integers (counts, tenths, seconds), so the difference is exact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import Connection, Table, func, select, true

from liandong.adapters.sql import tables as t
from liandong.domain.worktime import SHANGHAI
from liandong.services.ports import prefix_end
from liandong.services.ports.sums import READ_COLUMNS, SUM_COLUMNS


def under(column: Any, prefix: str) -> Any:
    """The nodes under a code prefix: a range of the key (no LIKE)."""
    if not prefix:
        return true()
    end = prefix_end(prefix)
    return (column >= prefix) if end is None else ((column >= prefix) & (column < end))


def _received(table: Table, first: str, last: str) -> Any:
    return (table.c.received_day >= first) & (table.c.received_day <= last)


def _now_less_since(conn: Connection, now: Table, dayed: Table, keys: tuple[str, ...],
                    columns: tuple[str, ...], first: str, last: str, cut: str | None, prefix: str,
                    ) -> dict[tuple[Any, ...], list[float]]:
    """Per ``keys``: the sums of ``columns`` of the nodes under ``prefix`` over the days received
    ``first``..``last``, of the changes filed before ``cut`` (None: all) — ``now``'s rows less
    ``dayed``'s filed on ``cut`` or later."""
    out: dict[tuple[Any, ...], list[float]] = {}
    for table, sign in ((now, 1), *(((dayed, -1),) if cut is not None else ())):
        cond = _received(table, first, last) & under(table.c.places, prefix)
        if table is dayed:
            cond = cond & (table.c.day >= cut)
        q = (select(*(table.c[k] for k in keys), *(func.sum(table.c[c]) for c in columns)).where(cond)
             .group_by(*(table.c[k] for k in keys)))
        for row in conn.execute(q):
            found = out.setdefault(tuple(row[:len(keys)]), [0.0] * len(columns))
            for i, v in enumerate(row[len(keys):]):
                found[i] += sign * float(v or 0)
    return {k: v for k, v in out.items() if any(v)}


def period_sums(conn: Connection, first: str, last: str, cut: str | None, prefix: str = "",
                ) -> Iterator[tuple[Any, ...]]:
    """Per node under ``prefix``: the event-only sums of the cases received in [first, last], of the
    changes filed before the day ``cut`` (with None: all of them)."""
    found = _now_less_since(conn, t.case_sum_now, t.case_sum, ("places",), SUM_COLUMNS, first, last, cut,
                            prefix)
    yield from ((node, *vec) for (node,), vec in found.items())


def period_reads(conn: Connection, first: str, last: str, cut: str | None, prefix: str = "",
                 ) -> Iterator[tuple[Any, ...]]:
    """Per node under ``prefix``: the read marks' sums (信息对称), as ``period_sums``."""
    found = _now_less_since(conn, t.case_sum_read_now, t.case_sum_read, ("places",), READ_COLUMNS, first,
                            last, cut, prefix)
    yield from ((node, *vec) for (node,), vec in found.items())


def period_trend(conn: Connection, first: str, last: str, cut: str | None, prefix: str,
                 ) -> Iterator[tuple[str, int, int]]:
    """Per day of receipt in [first, last]: the cases received with a place under ``prefix`` and,
    of them, those resolved (the changes before ``cut``; all with None)."""
    found = _now_less_since(conn, t.case_sum_now, t.case_sum, ("received_day",), ("received", "resolved"),
                            first, last, cut, prefix)
    yield from ((rday, int(received), int(resolved)) for (rday,), (received, resolved) in found.items())


def pending_between(conn: Connection, first: str, last: str, since: datetime, until: datetime,
                    ) -> Iterator[tuple[str, str, int]]:
    """Per place set and kind: the deadlines pending now in [since, until) of cases received in
    [first, last]."""
    p = t.case_pending
    q = (select(p.c.places, p.c.kind, func.count()).where(
        _received(p, first, last) & (p.c.due_at >= since) & (p.c.due_at < until))
        .group_by(p.c.places, p.c.kind))
    yield from ((r[0], r[1], int(r[2])) for r in conn.execute(q))


def period_due(conn: Connection, first: str, last: str, cut: str | None, passed: str, prefix: str = "",
               ) -> Iterator[tuple[str, str, int]]:
    """Per node under ``prefix`` and kind: the deadlines of cases received in [first, last] pending
    after the changes before ``cut`` (all with None) whose day is before ``passed``: those pending
    now (per place set, moved to its nodes) less the changes filed on ``cut`` or later."""
    from liandong.assessment.sums import nodes_of

    until = datetime.combine(datetime.fromisoformat(passed).date(), time(0), tzinfo=SHANGHAI).astimezone(UTC)
    out: dict[tuple[str, str], int] = {}
    for places, kind, n in pending_between(conn, first, last, datetime(1970, 1, 1, tzinfo=UTC), until):
        for node, w in nodes_of(places):
            if node.startswith(prefix):
                out[node, kind] = out.get((node, kind), 0) + w * n
    if cut is not None:
        d = t.case_sum_due
        q = (select(d.c.places, d.c.kind, func.sum(d.c.n))
             .where(_received(d, first, last) & (d.c.day >= cut) & (d.c.due_day < passed)
                    & under(d.c.places, prefix))
             .group_by(d.c.places, d.c.kind))
        for node, kind, n in conn.execute(q):
            out[node, kind] = out.get((node, kind), 0) - int(n or 0)
    yield from ((node, kind, n) for (node, kind), n in out.items() if n)


def skipped_between(conn: Connection, since: datetime, until: datetime) -> list[str]:
    k = t.case_sum_skip
    return list(conn.execute(select(k.c.case_id).where(k.c.received_at >= since, k.c.received_at < until)
                             .order_by(k.c.case_id)).scalars())


def day_stamp(conn: Connection, day: str, prefix: str, since: datetime, until: datetime) -> tuple[Any, ...]:
    """The rows of the sums taken now of the cases received on ``day`` (its nodes under ``prefix``,
    read marks) and the cases of [since, until) left out of the sums: any save or read mark of one
    of the day's cases changes them (``assessment.part_days``)."""
    out: list[tuple[Any, ...]] = []
    for table in (t.case_sum_now, t.case_sum_read_now):
        q = (select(table).where((table.c.received_day == day) & under(table.c.places, prefix))
             .order_by(table.c.places))
        out.append(tuple(tuple(r) for r in conn.execute(q)))
    out.append(tuple(skipped_between(conn, since, until)))
    return tuple(out)
