"""The dashboard's reads of one scope: every case of the period read and filtered in Python (as
before ``case_place``), against the store narrowing them by place (a range scan of
``ix_case_place_unit``), on SQLite.

Run: .venv/bin/python bench/bench_dashboard_scope.py [--cases 300000] [--db PATH] [--repeat 3]

The store is generated once (kept at ``--db``; reused when it exists): one month of cases over the
townships of the 31 mainland provinces (a province drawn uniformly, then one of its townships), 1 %
naming a second township in another county of the same city; each case is reported and, for 70 %,
dispatched through the domain (``Case.report``, the dispatch handler), and written with its events
and places in bulk (no ledger). Then, for one county and one city: the raw received-reads
(``versions_received`` + ``reads_received``) and ``FactsCache.collect`` cold (an empty cache: every
stream read and replayed) and warm (the cache full: only the versions and read marks read), and the
whole dashboard view (``dashboard_view``, the engine included), old and new. Figures are checked
equal before anything is printed. Wall time and this process's CPU time (the machine may be shared).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.adapters.sql import migrate
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import dumps
from liandong.adapters.sql.engine import make_engine
from liandong.assessment.periods import Period
from liandong.assessment.service import FactsCache
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole
from liandong.domain.cases import commands as c
from liandong.domain.cases import events as ev
from liandong.domain.cases.case import Case
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.hierarchy import Level
from liandong.services.cases import HANDLERS
from liandong.web.dashboard import dashboard_view

MONTH = Period(datetime(2026, 2, 28, 16, tzinfo=UTC), datetime(2026, 3, 31, 16, tzinfo=UTC), "2026-03")
COUNTY, CITY = "320213", "320200"  # 梁溪区, 无锡市
CAPACITY = 10_000_000  # every case of the month stays cached (the default, 200,000, is below it)
LEADER = Principal(account_id="bench", username="bench", roles=frozenset({StaffRole.LEADER}),
                   department="100000-gov")


class Unscoped(FactsCache):
    """The cache as it was: every case of the period read, the scope left to the engine."""

    def _collect(self, uow: Any, hierarchy: Any, start: datetime, end: datetime, visible: Any,
                 scope: str | None) -> Any:
        return super()._collect(uow, hierarchy, start, end, visible, None)


def generate(db: Path, n: int) -> None:
    h = national_hierarchy()
    rules = Rules(Router(h, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
    provinces = [u for u in h.children("100000") if int(u.code) < 710000]
    towns = [[x.code for x in h.descendants(p.code, Level.TOWNSHIP)] for p in provinces]
    rng = np.random.default_rng(7)
    span = (MONTH.end - MONTH.start).total_seconds()
    engine = make_engine(f"sqlite+pysqlite:///{db}")
    migrate.upgrade(engine)
    began = time.perf_counter()
    records: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []

    def flush() -> None:
        with engine.begin() as conn:
            conn.execute(insert(t.case_record), records)
            conn.execute(insert(t.case_event), events)
            conn.execute(insert(t.case_place), places)
        for rows in (records, events, places):
            rows.clear()

    for i in range(n):
        p = int(rng.integers(len(provinces)))
        town = towns[p][int(rng.integers(len(towns[p])))]
        affected: tuple[str, ...] = (town,)
        if rng.random() < 0.01:  # a second township, in another county of the same city
            city = h.nearest_at_or_above(town, Level.CITY).code
            county = h.nearest_at_or_above(town, Level.COUNTY).code
            other = [x.code for x in h.descendants(city, Level.TOWNSHIP)
                     if h.nearest_at_or_above(x.code, Level.COUNTY).code != county]
            if other:
                affected = (town, other[int(rng.integers(len(other)))])
        now = MONTH.start + timedelta(seconds=float(rng.random()) * span)
        case = Case.report(case_id=f"b{i:09d}", matter="garbage_collection", severity="routine",
                           affected=affected, description="垃圾桶满溢，请尽快清运", source="hotline",
                           now=now, rules=rules)
        if rng.random() < 0.7:
            owner = rules.router.hierarchy.nearest_at_or_above(town, Level.CITY).code
            HANDLERS[c.DispatchCase](case, c.DispatchCase(by=f"{owner}-gov", case_id=case.id),
                                     now + timedelta(minutes=5), rules)
        r = case.record
        records.append({"id": r.id, "version": r.version, "state": r.state.value, "matter": r.matter,
                        "severity": r.severity, "owner_code": r.owner or None, "lead_code": r.lead or None,
                        "received_at": r.received_at, "due_at": r.due, "is_open": r.state.is_open,
                        "idempotency_key": None})
        events.extend({"case_id": r.id, "case_version": v, "type": type(e).__name__, "at": e.at,
                       "actor": e.actor, "payload": dumps(ev.to_payload(e))}
                      for v, e in enumerate(case.pending, 1))
        places.extend({"case_id": r.id, "unit_code": code} for code in affected)
        if len(records) == 5000:
            flush()
    if records:
        flush()
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"generated {n:,} cases in {time.perf_counter() - began:.0f} s → {db}")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds over ``repeat`` runs, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, p = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - p)
    return statistics.median(walls), statistics.median(cpus), out


def measure(platform: Platform, scope: str, repeat: int) -> None:
    """Old and new for one scope, printed as table rows."""
    h, uow = platform.hierarchy, platform.read_uow

    def reads(s: str | None) -> int:
        with uow() as u:
            versions = u.case_reads.versions_received(MONTH.start, MONTH.end, scope=s)
            u.case_reads.reads_received(MONTH.start, MONTH.end, scope=s)
        return len(versions)

    old_cache, new_cache = Unscoped(CAPACITY), FactsCache(CAPACITY)

    def old() -> Any:
        return old_cache.collect(uow, h, MONTH.start, MONTH.end)

    def new() -> Any:
        return new_cache.collect(uow, h, MONTH.start, MONTH.end, scope=scope)

    rows = [("versions + reads", timed(lambda: reads(None), repeat), timed(lambda: reads(scope), repeat)),
            ("collect, cold", timed(old, 1), timed(new, 1)),
            ("collect, warm", timed(old, repeat), timed(new, repeat)),
            ("dashboard view, warm",
             timed(lambda: dashboard_view(platform, LEADER, scope, MONTH, "zh", old_cache), repeat),
             timed(lambda: dashboard_view(platform, LEADER, scope, MONTH, "zh", new_cache), repeat))]
    old_view, new_view = rows[-1][1][2], rows[-1][2][2]
    assert old_view == new_view, "the figures differ"
    cases = new_view["totals"]["received"]
    for name, (ow, oc, _), (nw, nc, _) in rows:
        print(f"| {scope} | {cases:,} | {name} | {ow:.3f} s ({oc:.3f}) | {nw:.4f} s ({nc:.4f}) "
              f"| {ow / nw:,.0f}× |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=300_000)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "liandong-bench-scope.sqlite3")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not args.db.exists():
        generate(args.db, args.cases)
    platform = bootstrap(Settings(database_url=f"sqlite+pysqlite:///{args.db}", data_dir=args.db.parent))
    with platform.read_uow() as u:
        total = len(u.case_reads.versions_received(MONTH.start, MONTH.end))
        conn = u.cases.conn  # type: ignore[attr-defined]
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id, version FROM case_record WHERE received_at >= ? AND received_at < ? "
            "AND id IN (SELECT case_id FROM case_place WHERE unit_code >= ? AND unit_code < ?)",
            ("2026-03-01", "2026-04-01", "3202", "3203")).fetchall()
    print(f"{total:,} cases in the month; SQLite plan of a scoped read: "
          + "; ".join(str(row[-1]) for row in plan))
    print("\n| scope | cases | read | old wall (cpu) | new wall (cpu) | speed-up |")
    print("|---|---:|---|---:|---:|---:|")
    for scope in (COUNTY, CITY):
        measure(platform, scope, args.repeat)
    if platform.engine is not None:
        platform.engine.dispose()


if __name__ == "__main__":
    main()
