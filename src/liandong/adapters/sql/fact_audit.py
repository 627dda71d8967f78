"""The state cross-check's reads of the 事实表 and its sums on SQL (``StateRows.derived``): each
case's events (those the replay decoded, shared; the others read here) and its fact rows in one
ordered scan, compared by ``assessment.fact_audit``; on a full check, the sums against a
recomputation from the fact rows of that same scan."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, select

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
                    r.valid_from if r.record is None else r.received_at, r.viewers) for r in found]
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


def derived(conn: Connection, ids: Sequence[str] | None,
            decoded: Mapping[str, Sequence[ev.Event]]) -> Iterator[Mismatch]:
    """``decoded``: the streams the replay read already (the same rows of ``case_event``)."""
    e, f, c = t.case_event, t.case_fact, t.case_record
    sums = Recomputed(all_marks(conn)) if ids is None else None  # a full check: the sums from this same scan
    for chunk in _chunks(ids):
        qe = select(e.c.case_id).group_by(e.c.case_id).order_by(e.c.case_id)  # the cases with events
        qf = (select(f.c.case_id, f.c.version, f.c.valid_from, f.c.irregular, f.c.body, f.c.viewers,
                     c.c.id.label("record"), c.c.received_at)
              .outerjoin(c, c.c.id == f.c.case_id).order_by(f.c.case_id, f.c.version))
        if chunk is not None:
            qe, qf = qe.where(e.c.case_id.in_(chunk)), qf.where(f.c.case_id.in_(chunk))
        facts = groupby(conn.execute(qf).yield_per(5000), key=lambda r: r.case_id)
        pending = next(facts, None)
        with_events = list(conn.execute(qe).scalars())
        loaded = _streams(conn, [cid for cid in with_events if cid not in decoded])
        streams = [(cid, decoded[cid] if cid in decoded else loaded[cid]) for cid in with_events]
        for case_id, events in streams:
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
