"""The sums beside the 事实表 on SQL (``assessment.sums``): kept by the case store in the
transaction of the events, rebuilt from the fact rows, and read per period."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select

from liandong.adapters.sql import read_sums as read_sql
from liandong.adapters.sql import sum_periods as periods
from liandong.adapters.sql import tables as t
from liandong.services.ports import FactRow
from liandong.services.ports.sums import SUM_COLUMNS

if TYPE_CHECKING:
    from liandong.assessment.sums import Deltas
    from liandong.domain.hierarchy import HierarchyIndex

SQL = {  # the case store's statements (named, so the volume generator's capture sees each)
    "sum_add": read_sql.adding("case_sum", {"places": "places", "received_day": "rday", "day": "day"},
                               SUM_COLUMNS),
    "sum_add_now": read_sql.adding("case_sum_now", {"places": "places", "received_day": "rday"}, SUM_COLUMNS),
    "sum_add_due": "INSERT INTO case_sum_due (places, received_day, day, kind, due_day, n) VALUES "
                   "(:places, :rday, :day, :kind, :due_day, :n) "
                   "ON CONFLICT (places, received_day, day, kind, due_day) "
                   "DO UPDATE SET n = case_sum_due.n + excluded.n",
    "sum_skipped": "SELECT 1 FROM case_sum_skip WHERE case_id = :id",
    "sum_skip": "INSERT INTO case_sum_skip (case_id, received_at) VALUES (:id, :received_at)",
    "sum_rows": "SELECT version, valid_from, irregular, body FROM case_fact "
                "WHERE case_id = :id AND version < :v ORDER BY version",
    "sum_unpend": "DELETE FROM case_pending WHERE case_id = :id",
    "sum_pend": "INSERT INTO case_pending (case_id, seq, kind, due_at, places, received_day) "
                "VALUES (:id, :seq, :kind, :due_at, :places, :rday)",
    **read_sql.SQL,
}
Run = Callable[[str, dict[str, Any]], Any]
"""The store's ``_exec``: a statement of ``SQL`` by name, with its parameters."""


def geography() -> HierarchyIndex:
    """The hierarchy the sums decide 共同在场 with (the national list: the one every reader has)."""
    from liandong.adapters.reference_data import national_hierarchy

    return national_hierarchy()


def write(run: Run, d: Deltas) -> None:
    """In key order, table by table: concurrent saves take the rows' locks in one order (PostgreSQL).
    ``d`` per place set; the tables hold the sums per node (``Deltas.by_node``)."""
    d = d.by_node()
    for (places, rday, day), vec in sorted(d.sums.items()):
        run("sum_add", {"places": places, "rday": rday, "day": day,
                                **dict(zip(SUM_COLUMNS, vec, strict=True))})
    for (places, rday, day, kind, due_day), n in sorted(d.due.items()):
        run("sum_add_due", {"places": places, "rday": rday, "day": day, "kind": kind,
                                "due_day": due_day, "n": n})
    for (places, rday), vec in sorted(d.now().items()):
        run("sum_add_now", {"places": places, "rday": rday, **dict(zip(SUM_COLUMNS, vec, strict=True))})
    read_sql.write(run, d)


def flush(run: Run, staged: list[Deltas]) -> None:
    """The staged changes of a unit of work, merged and written in key order (before its commit)."""
    if not staged:
        return
    from liandong.assessment.sums import Deltas

    total = Deltas()
    for d in staged:
        total.merge(d)
    write(run, total.compact())


def on_save(run: Run, time: Callable[[datetime | None], Any], previous: str | None, row: FactRow,
            parse: Callable[[Any], datetime], stage: Callable[[Deltas], None]) -> None:
    """The sums' share of a save that wrote ``row`` (after the row whose body is ``previous``). The
    sums' change is staged (``stage``) and written once, at the commit, in key order (``flush``): the
    rows of a busy township are shared by every writer, and a batch of commands that added to them
    in its commands' order would take their locks in an order another batch can cross (PostgreSQL's
    deadlocks); the cases' own rows (``case_pending``, ``case_sum_skip``) are written at once."""
    from liandong.assessment.sums import Deltas, case_deltas, pending_of, save_deltas  # not for `org show`

    if previous is not None and run("sum_skipped", {"id": row.case_id}).fetchone() is not None:
        return  # (a new case is never left out yet)
    if row.irregular:  # the case leaves the sums: what its earlier rows added is taken back
        earlier = [FactRow(row.case_id, v, parse(at), bool(irr), body, row.received_at)
                   for v, at, irr, body in run("sum_rows", {"id": row.case_id, "v": row.version}).fetchall()]
        stage((case_deltas(earlier, geography()) or Deltas()).negated())
        read_sql.on_leave(run, parse, row.case_id, earlier, stage)
        run("sum_skip", {"id": row.case_id, "received_at": time(row.received_at)})
        if previous is not None:
            run("sum_unpend", {"id": row.case_id})
        return
    h = geography()
    stage(save_deltas(previous, row, h))
    read_sql.on_save(run, parse, previous, row, stage)
    before, after = pending_of(previous, h), pending_of(row.body, h)
    if before != after:
        if before[2]:
            run("sum_unpend", {"id": row.case_id})
        from liandong.assessment.fact_rows import moment

        for seq, (kind, due) in enumerate(after[2]):
            run("sum_pend", {"id": row.case_id, "seq": seq, "kind": kind,
                                        "due_at": time(moment(due)), "places": after[0], "rday": after[1]})


def rebuild(conn: Connection, *, reads: bool = True) -> int:
    """The sums derived again from every case's fact rows and read marks (the old ones dropped),
    inside the caller's transaction: the number of cases left out (irregular). ``reads=False``:
    without the read-mark sums (migration 0033, before their tables)."""
    for table in (t.case_sum, t.case_sum_now, t.case_sum_due, t.case_pending, t.case_sum_skip,
                  *(read_sql.TABLES if reads else ())):
        conn.execute(delete(table))
    total, skipped, pending = recompute(conn, reads=reads)
    total = total.by_node()
    if total.sums:
        conn.execute(insert(t.case_sum), [
            {"places": k[0], "received_day": k[1], "day": k[2], **dict(zip(SUM_COLUMNS, v, strict=True))}
            for k, v in total.sums.items()])
    if total.due:
        conn.execute(insert(t.case_sum_due), [
            {"places": k[0], "received_day": k[1], "day": k[2], "kind": k[3], "due_day": k[4], "n": n}
            for k, n in total.due.items()])
    sums = total.now()
    if sums:
        conn.execute(insert(t.case_sum_now), [
            {"places": k[0], "received_day": k[1], **dict(zip(SUM_COLUMNS, v, strict=True))}
            for k, v in sums.items()])
    read_sql.insert_all(conn, total)
    if skipped:
        conn.execute(insert(t.case_sum_skip), [{"case_id": c, "received_at": at} for c, at in skipped])
    if pending:
        conn.execute(insert(t.case_pending), pending)
    return len(skipped)


def _cases(conn: Connection) -> Iterator[list[FactRow]]:
    f, c = t.case_fact, t.case_record
    q = (select(f.c.case_id, f.c.version, f.c.valid_from, f.c.irregular, f.c.body, c.c.received_at)
         .join(c, c.c.id == f.c.case_id).order_by(f.c.case_id, f.c.version))
    rows: list[FactRow] = []
    for r in conn.execute(q).yield_per(20_000):
        if rows and rows[0].case_id != r.case_id:
            yield rows
            rows = []
        rows.append(FactRow(r.case_id, r.version, r.valid_from, bool(r.irregular), r.body, r.received_at))
    if rows:
        yield rows


class Recomputed:
    """The sums, the cases left out and the pending deadlines, taken case by case from the fact
    rows (each case's rows in version order, ``received_at`` its record's) and the read marks."""

    def __init__(self, marks: dict[str, dict[str, Any]]) -> None:
        from liandong.assessment.sums import Deltas

        self.marks = marks
        self.total = Deltas()
        self.skipped: list[tuple[str, datetime]] = []
        self.pending: list[dict[str, Any]] = []

    def add(self, rows: list[FactRow]) -> None:
        from liandong.assessment.fact_rows import moment
        from liandong.assessment.read_sums import case_reads
        from liandong.assessment.sums import add_case, pending_of

        h = geography()
        if not add_case(self.total, rows, h):
            self.skipped.append((rows[0].case_id, rows[0].received_at))
            return
        marks = self.marks.get(rows[0].case_id)
        if marks:
            self.total.merge(case_reads(rows, marks))
        places, rday, waits = pending_of(rows[-1].body, h)
        self.pending.extend({"case_id": rows[0].case_id, "seq": i, "kind": kind, "due_at": moment(due),
                             "places": places, "received_day": rday} for i, (kind, due) in enumerate(waits))

    def result(self) -> tuple[Deltas, list[tuple[str, datetime]], list[dict[str, Any]]]:
        return self.total.compact(), self.skipped, self.pending


def recompute(conn: Connection, *, reads: bool = True,
              ) -> tuple[Deltas, list[tuple[str, datetime]], list[dict[str, Any]]]:
    """The sums, the cases left out and the pending deadlines, from the fact rows and read marks."""
    out = Recomputed(read_sql.all_marks(conn) if reads else {})
    for rows in _cases(conn):
        out.add(rows)
    return out.result()


def stored(conn: Connection) -> tuple[Deltas, list[str], list[tuple[Any, ...]]]:
    """What the tables hold now (for the check against ``recompute``)."""
    from liandong.assessment.sums import Deltas

    out = Deltas()
    s, d, p = t.case_sum, t.case_sum_due, t.case_pending
    for r in conn.execute(select(s)):
        out.sums[(r.places, r.received_day, r.day)] = [float(getattr(r, c)) for c in SUM_COLUMNS]
    for r in conn.execute(select(d)):
        out.due[(r.places, r.received_day, r.day, r.kind, r.due_day)] = int(r.n)
    k = t.case_sum_skip
    skipped = list(conn.execute(select(k.c.case_id).order_by(k.c.case_id)).scalars())
    pending = [tuple(r) for r in conn.execute(
        select(p.c.case_id, p.c.seq, p.c.kind, p.c.due_at, p.c.places, p.c.received_day)
        .order_by(p.c.case_id, p.c.seq))]
    return out.compact(), skipped, pending


def stored_now(conn: Connection) -> dict[tuple[str, str], list[float]]:
    sums = {(r.places, r.received_day): [float(getattr(r, c)) for c in SUM_COLUMNS]
            for r in conn.execute(select(t.case_sum_now))}
    return {k: v for k, v in sums.items() if any(v)}


class SqlSumView:
    """``SumView`` over a connection (``uow.case_reads.sum_view()``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def period_sums(self, first: str, last: str, cut: str | None, prefix: str = "",
                    ) -> Iterator[tuple[Any, ...]]:
        return periods.period_sums(self.conn, first, last, cut, prefix)

    def period_due(self, first: str, last: str, cut: str | None, passed: str, prefix: str = "",
                   ) -> Iterator[tuple[str, str, int]]:
        return periods.period_due(self.conn, first, last, cut, passed, prefix)

    def pending_between(self, first: str, last: str, since: datetime, until: datetime,
                        ) -> Iterator[tuple[str, str, int]]:
        return periods.pending_between(self.conn, first, last, since, until)

    def skipped_between(self, since: datetime, until: datetime) -> list[str]:
        return periods.skipped_between(self.conn, since, until)

    def day_stamp(self, day: str, prefix: str, since: datetime, until: datetime) -> tuple[Any, ...]:
        return periods.day_stamp(self.conn, day, prefix, since, until)

    def period_trend(self, first: str, last: str, cut: str | None, prefix: str,
                     ) -> Iterator[tuple[str, int, int]]:
        return periods.period_trend(self.conn, first, last, cut, prefix)

    def period_reads(self, first: str, last: str, cut: str | None, prefix: str = "",
                     ) -> Iterator[tuple[Any, ...]]:
        return periods.period_reads(self.conn, first, last, cut, prefix)

    def differences(self, recomputed: Recomputed | None = None) -> list[str]:
        """The keys of ``case_sum``/``case_sum_due``/``case_pending``/``case_sum_skip`` whose stored
        value is not what the fact rows give (named as table:key); ``recomputed``: those already
        taken from the fact rows by a scan of them (the state cross-check's), else read here."""
        want, want_skip, want_pending = recompute(self.conn) if recomputed is None else recomputed.result()
        want = want.by_node()
        have, have_skip, have_pending = stored(self.conn)
        out = [f"case_sum:{'/'.join(k)}" for k in sorted(set(want.sums) | set(have.sums))
               if [round(x, 6) for x in want.sums.get(k, [])] != [round(x, 6) for x in have.sums.get(k, [])]]
        out += [f"case_sum_due:{'/'.join(k)}" for k in sorted(set(want.due) | set(have.due))
                if want.due.get(k) != have.due.get(k)]
        now_sums, have_sums = want.now(), stored_now(self.conn)
        out += [f"case_sum_now:{'/'.join(k)}" for k in sorted(set(now_sums) | set(have_sums))
                if [round(x, 6) for x in now_sums.get(k, [])] != [round(x, 6) for x in have_sums.get(k, [])]]
        out += read_sql.differences(self.conn, want)
        out += [f"case_sum_skip:{c}" for c in sorted(set(c for c, _ in want_skip) ^ set(have_skip))]
        mine = {(r["case_id"], r["seq"], r["kind"], r["due_at"], r["places"], r["received_day"])
                for r in want_pending}
        theirs = {(a, b, c, _moment(d), e, f) for a, b, c, d, e, f in have_pending}
        out += [f"case_pending:{k[0]}" for k in sorted(mine ^ theirs)]
        return out


def _moment(value: Any) -> datetime:
    from datetime import UTC

    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
