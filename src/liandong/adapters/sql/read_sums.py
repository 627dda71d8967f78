"""The read-mark sums on SQL (信息对称, ``assessment.read_sums``): ``case_sum_read`` and
``case_sum_read_now``, kept by the case store with its saves and with ``mark_read`` (staged and
written at the commit with the other sums, in key order), rebuilt and checked with them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select

from liandong.adapters.sql import tables as t
from liandong.services.ports import FactRow
from liandong.services.ports.sums import READ_COLUMNS

if TYPE_CHECKING:
    from liandong.assessment.read_sums import Mark
    from liandong.assessment.sums import Deltas


def adding(table: str, keys: dict[str, str], columns: Sequence[str]) -> str:
    """An insert of one row of sums into ``table`` that adds to the row of the same ``keys``
    (column → parameter) where there is one."""
    names = ", ".join((*keys, *columns))
    values = ", ".join(f":{v}" for v in (*keys.values(), *columns))
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    return (f"INSERT INTO {table} ({names}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}")


SQL = {
    "read_add": adding("case_sum_read", {"places": "places", "received_day": "rday", "day": "day"},
                       READ_COLUMNS),
    "read_add_now": adding("case_sum_read_now", {"places": "places", "received_day": "rday"}, READ_COLUMNS),
    "read_marks": "SELECT department_code, version, read_at FROM case_read WHERE case_id = :id",
    "read_rows": "SELECT version, valid_from, irregular, body FROM case_fact WHERE case_id = :id "
                 "ORDER BY version",
}
Run = Callable[[str, dict[str, Any]], Any]
Parse = Callable[[Any], datetime]
TABLES = (t.case_sum_read, t.case_sum_read_now)


def write(run: Run, d: Deltas) -> None:
    for (places, rday, day), vec in sorted(d.reads.items()):
        run("read_add", {"places": places, "rday": rday, "day": day,
                         **dict(zip(READ_COLUMNS, vec, strict=True))})
    for (places, rday), vec in sorted(d.reads_now().items()):
        run("read_add_now", {"places": places, "rday": rday, **dict(zip(READ_COLUMNS, vec, strict=True))})


def marks_of(run: Run, parse: Parse, case_id: str) -> dict[str, Mark]:
    return {dep: (int(v), parse(at)) for dep, v, at in run("read_marks", {"id": case_id}).fetchall()}


def on_save(run: Run, parse: Parse, previous: str | None, row: FactRow, stage: Callable[[Deltas], None],
            ) -> None:
    """A regular save: each mark of the case counts under the new row from then on."""
    if previous is None:  # a new case has no marks
        return
    marks = marks_of(run, parse, row.case_id)
    if marks:
        from liandong.assessment.read_sums import save_reads

        stage(save_reads(previous, row, marks))


def on_leave(run: Run, parse: Parse, case_id: str, earlier: list[FactRow], stage: Callable[[Deltas], None],
             ) -> None:
    """A case leaving the sums (an irregular save): what its marks added is taken back."""
    marks = marks_of(run, parse, case_id)
    if marks and earlier:
        from liandong.assessment.read_sums import case_reads

        stage(case_reads(earlier, marks).negated())


def on_mark(run: Run, parse: Parse, case_id: str, department: str, old: Mark | None, new: Mark,
            stage: Callable[[Deltas], None]) -> None:
    """A department's mark made or moved on (``mark_read``), unless the case is left out of the sums."""
    if run("sum_skipped", {"id": case_id}).fetchone() is not None:
        return
    rows = [FactRow(case_id, int(v), parse(at), bool(irr), body, parse(at))
            for v, at, irr, body in run("read_rows", {"id": case_id}).fetchall()]
    if rows:
        from liandong.assessment.read_sums import mark_change

        stage(mark_change(rows, department, old, new))


def all_marks(conn: Connection) -> dict[str, dict[str, Mark]]:
    r = t.case_read
    out: dict[str, dict[str, Mark]] = {}
    for row in conn.execute(select(r.c.case_id, r.c.department_code, r.c.version, r.c.read_at)):
        out.setdefault(row.case_id, {})[row.department_code] = (int(row.version), row.read_at)
    return out


def insert_all(conn: Connection, total: Deltas) -> None:
    if total.reads:
        conn.execute(insert(t.case_sum_read), [
            {"places": k[0], "received_day": k[1], "day": k[2], **dict(zip(READ_COLUMNS, v, strict=True))}
            for k, v in total.reads.items()])
    now = total.reads_now()
    if now:
        conn.execute(insert(t.case_sum_read_now), [
            {"places": k[0], "received_day": k[1], **dict(zip(READ_COLUMNS, v, strict=True))}
            for k, v in now.items()])


def _rounded(vec: list[float] | None) -> list[float]:
    return [round(x, 6) for x in vec or []]


def differences(conn: Connection, want: Deltas) -> list[str]:
    """The keys of the two tables whose stored value is not what ``want`` (recomputed) gives."""
    have = {(r.places, r.received_day, r.day): [float(getattr(r, c)) for c in READ_COLUMNS]
            for r in conn.execute(select(t.case_sum_read))}
    have = {k: v for k, v in have.items() if any(v)}
    have_now = {(r.places, r.received_day): [float(getattr(r, c)) for c in READ_COLUMNS]
                for r in conn.execute(select(t.case_sum_read_now))}
    have_now = {k: v for k, v in have_now.items() if any(v)}
    want_now = want.reads_now()
    out = [f"case_sum_read:{'/'.join(k)}" for k in sorted(set(want.reads) | set(have))
           if _rounded(want.reads.get(k)) != _rounded(have.get(k))]
    return out + [f"case_sum_read_now:{'/'.join(k)}" for k in sorted(set(want_now) | set(have_now))
                  if _rounded(want_now.get(k)) != _rounded(have_now.get(k))]
