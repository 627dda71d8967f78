"""Cases on SQL, the read side (``uow.case_reads``): inboxes, listings and the reads of a period,
on SQLAlchemy Core over the unit of work's connection. A case by its id is loaded through the
command store's cached streams (``SqlCaseStore``), so a page and a command share that cache."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from liandong.adapters.sql import facts as fact_sql
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import SqlCaseStore
from liandong.adapters.sql.sums import SqlSumView
from liandong.adapters.sql.tables import PUBLIC_LISTED, PUBLIC_STEP
from liandong.adapters.sql.windows import received_in as _received
from liandong.domain.cases import events as ev
from liandong.domain.cases.case import Case
from liandong.domain.cases.publication import public_note
from liandong.domain.nearby import Point, Spot, near
from liandong.services.ports import (
    CaseReads,
    CaseSummary,
    FactRow,
    PublicStepRow,
    ReportRow,
    prefix_end,
    scope_prefix,
)
from liandong.services.ports.aggregates import ReadsThroughStore


def _source(payload: str | None) -> str:
    """来源 of a case from the stored payload of its report ('' if there is none)."""
    if payload is None:
        return ""
    return str(json.loads(payload).get("source", ""))


class SqlCaseReads(ReadsThroughStore[Case, ev.Event], CaseReads):
    def __init__(self, store: SqlCaseStore) -> None:
        super().__init__(store)
        self.store: SqlCaseStore = store
        self.conn = store.conn

    def by_idempotency_key(self, key: str) -> str | None:
        return self.store.by_idempotency_key(key)

    def inbox(self, department: str, *, open_only: bool = True, limit: int = 200) -> list[CaseSummary]:
        """The source (来源) is read from each case's first event, the report, rather than copied
        into a column: version 1 of a stream is always its ``CaseReported``."""
        c, m, e, n = t.case_record, t.case_member, t.case_event, t.case_number
        q = (select(c, m.c.role, e.c.payload, n.c.number).join(m, m.c.case_id == c.c.id)
             .outerjoin(e, (e.c.case_id == c.c.id) & (e.c.case_version == 1))
             .outerjoin(n, n.c.case_id == c.c.id)
             .where(m.c.department_code == department))
        if open_only:
            q = q.where(c.c.is_open.is_(True))
        q = q.order_by(c.c.due_at.is_(None), c.c.due_at, c.c.received_at, c.c.id).limit(limit)
        return [CaseSummary(row.id, row.version, row.state, row.matter, row.severity,
                            row.owner_code or "", row.lead_code or "", row.role, row.received_at,
                            row.due_at, _source(row.payload), row.number or "")
                for row in self.conn.execute(q)]

    def open_in_scope(self, scope: str, *, limit: int = 500) -> list[CaseSummary]:
        c, p, e, n = t.case_record, t.case_place, t.case_event, t.case_number
        prefix = scope_prefix(scope)
        places = select(p.c.case_id)
        if prefix:
            places = places.where(p.c.unit_code >= prefix)
            end = prefix_end(prefix)
            if end is not None:
                places = places.where(p.c.unit_code < end)
        q = (select(c, e.c.payload, n.c.number)
             .outerjoin(e, (e.c.case_id == c.c.id) & (e.c.case_version == 1))
             .outerjoin(n, n.c.case_id == c.c.id)
             .where(c.c.is_open.is_(True) & c.c.id.in_(places))
             .order_by(c.c.due_at.is_(None), c.c.due_at, c.c.received_at, c.c.id).limit(limit))
        return [CaseSummary(row.id, row.version, row.state, row.matter, row.severity,
                            row.owner_code or "", row.lead_code or "", "", row.received_at,
                            row.due_at, _source(row.payload), row.number or "")
                for row in self.conn.execute(q)]

    def nearby_open(self, matter: str, *, place: str = "", point: Point | None = None,
                    radius_m: float = 500, limit: int = 20) -> list[Spot]:
        """Two range scans (``ix_case_spot_place``, ``ix_case_spot_point``), then the exact distance."""
        s, n = t.case_spot, t.case_number
        base = (select(s, n.c.number).outerjoin(n, n.c.case_id == s.c.case_id)
                .where(s.c.matter == matter, s.c.open.is_(True)))
        parts = []
        if place:
            at_place = base.where(s.c.place == place).order_by(s.c.case_id.desc()).limit(limit)
            parts.append((at_place, place, None))
        if point is not None:  # a box holds the circle: ten times the rows, then the exact distance
            lat_lo, lat_hi, lng_lo, lng_hi = point.box(radius_m)
            box = base.where(s.c.lat_e6.between(lat_lo, lat_hi), s.c.lng_e6.between(lng_lo, lng_hi))
            parts.append((box.order_by(s.c.case_id.desc()).limit(limit * 10), "", point))
        found: dict[str, Spot] = {}
        for query, at, pin in parts:
            kept = 0
            for row in self.conn.execute(query):
                spot = Spot(row.case_id, row.matter, row.place,
                            Point(row.lat_e6, row.lng_e6) if row.lat_e6 is not None else None, row.open,
                            row.number or "")
                if kept < limit and near(spot, matter=matter, place=at, point=pin, radius_m=radius_m):
                    found[spot.case_id] = spot
                    kept += 1
        return sorted(found.values(), key=lambda sp: sp.case_id, reverse=True)

    def number_of(self, case_id: str) -> str:
        n = t.case_number
        found = self.conn.execute(select(n.c.number).where(n.c.case_id == case_id)).scalar()
        return str(found or "")

    def case_for_tracking(self, code_hash: str) -> str | None:
        k = t.tracking_code
        found: str | None = self.conn.execute(select(k.c.case_id).where(k.c.code_hash == code_hash)).scalar()
        return found

    def cases_for_phone(self, phone_hash: str, *, limit: int = 5) -> list[str]:
        p, c = t.reporter_phone, t.case_record
        q = (select(c.c.id).join(p, p.c.case_id == c.c.id).where(p.c.phone_hash == phone_hash)
             .order_by(c.c.received_at.desc(), c.c.id.desc()).limit(limit))
        return list(self.conn.execute(q).scalars())

    def in_states(self, states: Sequence[str], limit: int = 2000) -> list[str]:
        c = t.case_record
        q = select(c.c.id).where(c.c.state.in_(list(states))).order_by(c.c.received_at, c.c.id).limit(limit)
        return list(self.conn.execute(q).scalars())

    def read_marks(self, case_id: str) -> dict[str, tuple[int, datetime]]:
        r = t.case_read
        rows = self.conn.execute(select(r.c.department_code, r.c.version, r.c.read_at)
                                 .where(r.c.case_id == case_id))
        return {row.department_code: (row.version, row.read_at) for row in rows}

    def recent_ids(self, *, since: datetime | None = None, until: datetime | None = None,
                   limit: int = 1000, offset: int = 0, matters: Collection[str] | None = None,
                   exclude_matters: Collection[str] = (), is_open: bool | None = None,
                   consented: bool = False, scope: str | None = None, public: bool = False) -> list[str]:
        c, p = t.case_record, t.case_place
        q = select(c.c.id)
        if consented and public:  # as the partial index ix_case_record_public says it, to be used
            q = q.where(text(PUBLIC_LISTED))
        elif consented:
            q = q.where(c.c.public_consent.is_(True))
        elif public:
            q = q.where(c.c.public_withheld.is_(False))
        if (prefix := scope_prefix(scope) if scope is not None else ""):
            places = select(p.c.case_id).where(p.c.unit_code >= prefix)
            if (end := prefix_end(prefix)) is not None:
                places = places.where(p.c.unit_code < end)
            q = q.where(c.c.id.in_(places))
        if since is not None:
            q = q.where(c.c.received_at >= since)
        if until is not None:
            q = q.where(c.c.received_at <= until)
        if matters is not None:
            q = q.where(c.c.matter.in_(list(matters)))
        if exclude_matters:
            q = q.where(c.c.matter.not_in(list(exclude_matters)))
        if is_open is not None:
            q = q.where(c.c.is_open.is_(is_open))
        q = q.order_by(c.c.received_at.desc(), c.c.id.desc()).offset(offset).limit(limit)
        return list(self.conn.execute(q).scalars())

    def public_steps(self, since: datetime, until: datetime, *, exclude_matters: Collection[str] = (),
                     limit: int = 1000) -> list[PublicStepRow]:
        """One range of ``ix_case_event_public_step`` (its condition written as the index's, so that
        SQLite and PostgreSQL use it), already in order; each row's case by its primary key; only the
        payloads of the steps listed are decoded."""
        c, e = t.case_record, t.case_event
        q = (select(e.c.case_id, e.c.case_version, e.c.type, e.c.at, e.c.payload)
             .join(c, c.c.id == e.c.case_id)
             .where(text(PUBLIC_STEP), e.c.at >= since, e.c.at <= until, c.c.public_withheld.is_(False)))
        if exclude_matters:
            q = q.where(c.c.matter.not_in(list(exclude_matters)))
        q = q.order_by(e.c.at, e.c.case_id, e.c.case_version).limit(limit)
        return [PublicStepRow(row.case_id, row.case_version, row.type, row.at,
                              public_note(ev.from_payload(json.loads(row.payload))))
                for row in self.conn.execute(q)]

    def versions_received(self, since: datetime, until: datetime, *,
                          scope: str | None = None) -> list[tuple[str, int]]:
        c = t.case_record
        q = (select(c.c.id, c.c.version).where(_received(since, until, scope))
             .order_by(c.c.received_at, c.c.id))
        return [(row.id, row.version) for row in self.conn.execute(q)]

    def reads_received(self, since: datetime, until: datetime, *, scope: str | None = None,
                       ) -> dict[str, dict[str, tuple[int, datetime]]]:
        c, r = t.case_record, t.case_read
        reads: dict[str, dict[str, tuple[int, datetime]]] = {}
        for row in self.conn.execute(select(r.c.case_id, r.c.department_code, r.c.version, r.c.read_at)
                                     .join(c, c.c.id == r.c.case_id)
                                     .where(_received(since, until, scope))):
            reads.setdefault(row.case_id, {})[row.department_code] = (row.version, row.read_at)
        return reads

    def reads_of(self, case_ids: Sequence[str]) -> dict[str, dict[str, tuple[int, datetime]]]:
        r, ids = t.case_read, list(case_ids)
        reads: dict[str, dict[str, tuple[int, datetime]]] = {}
        for start in range(0, len(ids), 500):
            for row in self.conn.execute(select(r.c.case_id, r.c.department_code, r.c.version, r.c.read_at)
                                         .where(r.c.case_id.in_(ids[start:start + 500]))):
                reads.setdefault(row.case_id, {})[row.department_code] = (row.version, row.read_at)
        return reads

    def streams_of(self, case_ids: Sequence[str]) -> Iterator[tuple[str, list[ev.Event]]]:
        e = t.case_event
        ids = list(case_ids)
        for start in range(0, len(ids), 500):
            q = (select(e.c.case_id, e.c.payload).where(e.c.case_id.in_(ids[start:start + 500]))
                 .order_by(e.c.case_id, e.c.case_version))
            yield from self._grouped(self.conn.execute(q))

    @staticmethod
    def _grouped(rows: Iterable[Any]) -> Iterator[tuple[str, list[ev.Event]]]:
        current, events = "", list[ev.Event]()
        for case_id, payload in rows:
            if case_id != current:
                if events:
                    yield current, events
                current, events = case_id, []
            events.append(ev.from_payload(json.loads(payload)))
        if events:
            yield current, events

    def reports_received(self, since: datetime, until: datetime, *,
                         scope: str | None = None) -> list[ReportRow]:
        c, e = t.case_record, t.case_event
        window = _received(since, until, scope)
        rated: dict[str, str] = {}
        q = (select(e.c.case_id, e.c.payload).join(c, c.c.id == e.c.case_id)
             .where(window & (e.c.type == "CaseFollowedUp")).order_by(e.c.seq))
        for case_id, payload in self.conn.execute(q):
            rated[case_id] = json.loads(payload).get("rating", "")
        q = (select(c.c.id, c.c.received_at, c.c.matter, c.c.is_open, e.c.payload)
             .join(e, (e.c.case_id == c.c.id) & (e.c.case_version == 1))
             .where(window).order_by(c.c.received_at, c.c.id))
        rows = []
        for case_id, received, matter, is_open, payload in self.conn.execute(q):
            p = json.loads(payload)
            rows.append(ReportRow(case_id, received, matter, p.get("matter", matter),
                                  tuple(p.get("affected", ())), p.get("description", ""),
                                  p.get("address", ""), bool(is_open), rated.get(case_id, "")))
        return rows

    def facts_received(self, since: datetime, until: datetime, as_of: datetime, *,
                       scope: str | None = None) -> Iterator[FactRow]:
        return fact_sql.rows_received(self.conn, since, until, as_of, scope)

    def fact_rows(self, case_id: str) -> list[FactRow]:
        return fact_sql.rows_of(self.conn, case_id)

    def sum_view(self) -> SqlSumView:
        return SqlSumView(self.conn)

    def streams_received(self, since: datetime, until: datetime, *, scope: str | None = None,
                         ) -> Iterator[tuple[str, list[ev.Event], dict[str, tuple[int, datetime]]]]:
        c, e = t.case_record, t.case_event
        reads = self.reads_received(since, until, scope=scope)
        q = (select(e.c.case_id, e.c.payload).join(c, c.c.id == e.c.case_id)
             .where(_received(since, until, scope))
             .order_by(c.c.received_at, e.c.case_id, e.c.case_version))
        for case_id, events in self._grouped(self.conn.execute(q).yield_per(20_000)):
            yield case_id, events, reads.get(case_id, {})
