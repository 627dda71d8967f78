"""The state cross-check's reads of the 事实表 and its sums on SQL (``StateRows.derived``). The rows
at the versions of a case's events are checked during its replay (``SqlStateRows.cases`` reads
them with the events, ``fact_audit.StreamFacts`` compares them, decision 0054), the sums from the
rows of that same scan; here the rest: rows at a version without an event, cases not replayed
(each case's events and fact rows in one ordered scan, compared by ``fact_audit.fact_mismatch``),
and the sums against their recomputation."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, exists, func, select

from liandong.adapters.sql import tables as t
from liandong.adapters.sql.read_sums import all_marks
from liandong.adapters.sql.sums import Recomputed, SqlSumView
from liandong.assessment.fact_audit import Mismatch, fact_mismatch, sum_mismatches
from liandong.domain.cases import events as ev
from liandong.services.ports import FactRow

CHUNK = 500


def _chunks(ids: Sequence[str] | None) -> Iterator[list[str] | None]:
    if ids is None:
        yield None
        return
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), CHUNK):
        yield ordered[i:i + CHUNK]


def _stored(case_id: str, scanned: Iterable[Any], sums: Recomputed | None) -> list[FactRow]:
    """A case's stored fact rows; on a full check also taken into the sums' recomputation (as
    ``sums._cases`` reads them: the rows of a case with a record, ``received_at`` the record's)."""
    found = list(scanned)
    rows = [FactRow(case_id, r.version, r.valid_from, bool(r.irregular), r.body,
                    r.valid_from if r.record is None else r.received_at, r.viewers, r.fair) for r in found]
    if sums is not None and found[0].record is not None:
        sums.add(rows)
    return rows


def _streams(conn: Connection, ids: list[str]) -> dict[str, list[ev.Event]]:
    """The events of the cases the replay has not decoded (a stream without a record), read here."""
    e = t.case_event
    out: dict[str, list[ev.Event]] = {}
    for chunk in _chunks(ids):
        q = select(e.c.case_id, e.c.payload).where(e.c.case_id.in_(chunk or [])).order_by(
            e.c.case_id, e.c.case_version)
        for r in conn.execute(q):
            out.setdefault(r.case_id, []).append(ev.from_payload(json.loads(r.payload)))
    return out


def derived(conn: Connection, ids: Sequence[str] | None, followed: Collection[str],
            sums: Recomputed | None) -> Iterator[Mismatch]:
    """``followed``: the cases whose rows at the versions of their events the replay checked as it
    went (``fact_audit.StreamFacts``, decision 0054); here the rows at a version with no event,
    the cases not followed (events without a record) and, on a full check, the sums against
    ``sums`` (what the replay's scan took from the rows). Nothing followed: every case here."""
    if not followed:
        yield from _every(conn, ids)
        return
    for chunk in _chunks(ids):
        yield from _strays(conn, chunk)
    e = t.case_event
    qe = select(e.c.case_id).group_by(e.c.case_id).order_by(e.c.case_id)
    with_events: list[str] = []
    for chunk in _chunks(ids):
        with_events += conn.execute(qe if chunk is None else qe.where(e.c.case_id.in_(chunk))).scalars()
    rest = [cid for cid in with_events if cid not in followed]
    if rest:
        yield from _every(conn, rest)
    if ids is None and sums is not None:
        yield from sum_mismatches(SqlSumView(conn).differences(sums))


def _strays(conn: Connection, chunk: list[str] | None) -> Iterator[Mismatch]:
    """The fact rows at a version no event of their case has (after the last, before the first, or
    of a case without events), as ``fact_mismatch`` names them."""
    e, f = t.case_event, t.case_fact
    last = select(func.max(e.c.case_version)).where(e.c.case_id == f.c.case_id).scalar_subquery()
    q = (select(f.c.case_id, f.c.version, last.label("events"))
         .where(~exists().where(e.c.case_id == f.c.case_id, e.c.case_version == f.c.version))
         .order_by(f.c.case_id, f.c.version))
    if chunk is not None:
        q = q.where(f.c.case_id.in_(chunk))
    for case_id, version, events in conn.execute(q):
        if events is None:
            yield ("case fact", case_id, None, "version", "—", "a row")
            continue
        before = conn.execute(select(func.max(f.c.version)).where(
            f.c.case_id == case_id, f.c.version < version, f.c.version <= events)).scalar()
        yield ("case fact", case_id, version, "version", f"{(before or 0) + 1}..{events}", str(version))


def _every(conn: Connection, ids: Sequence[str] | None) -> Iterator[Mismatch]:
    """Each case's events read and replayed here against its fact rows; on a full check the sums
    recomputed from those rows."""
    e, f, c = t.case_event, t.case_fact, t.case_record
    sums = Recomputed(all_marks(conn)) if ids is None else None  # a full check: the sums from this same scan
    for chunk in _chunks(ids):
        qe = select(e.c.case_id).group_by(e.c.case_id).order_by(e.c.case_id)  # the cases with events
        qf = (select(f.c.case_id, f.c.version, f.c.valid_from, f.c.irregular, f.c.body, f.c.viewers, f.c.fair,
                     c.c.id.label("record"), c.c.received_at)
              .outerjoin(c, c.c.id == f.c.case_id).order_by(f.c.case_id, f.c.version))
        if chunk is not None:
            qe, qf = qe.where(e.c.case_id.in_(chunk)), qf.where(f.c.case_id.in_(chunk))
        facts = groupby(conn.execute(qf).yield_per(5000), key=lambda r: r.case_id)
        pending = next(facts, None)
        with_events = list(conn.execute(qe).scalars())
        loaded = _streams(conn, with_events)
        for case_id in with_events:
            events = loaded[case_id]
            while pending is not None and pending[0] < case_id:  # rows of a case without events
                _stored(pending[0], pending[1], sums)
                yield ("case fact", pending[0], None, "version", "—", "a row")
                pending = next(facts, None)
            stored: list[FactRow] = []
            if pending is not None and pending[0] == case_id:
                stored = _stored(case_id, pending[1], sums)
                pending = next(facts, None)
            found = fact_mismatch(case_id, events, stored)
            if found is not None:
                yield found
        while pending is not None:
            _stored(pending[0], pending[1], sums)
            yield ("case fact", pending[0], None, "version", "—", "a row")
            pending = next(facts, None)
    if sums is not None:
        yield from sum_mismatches(SqlSumView(conn).differences(sums))
