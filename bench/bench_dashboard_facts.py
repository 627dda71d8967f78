"""The city dashboard from the 事实表 (``case_fact``, issue 28) against today's computation from the
events, side by side on one SQLite store; and a report's write cost with and without the fact row.

Run: .venv/bin/python bench/bench_dashboard_facts.py [--cases 300000] [--db PATH] [--repeat 5]

The store is generated once (kept at ``--db``, reused when it exists): ``--cases`` cases over the
two months before ``NOW`` in the townships of 无锡 (one city carries them all), each reported, 80 %
dispatched and 60 % acknowledged through the domain (``Case.report``, the command handlers), written
in bulk with their events, places and fact rows (the rows as the migration derives them). Then the
city dashboard (``dashboard_view`` for a leader of the city, the last 30 days and the 30 before)
is timed: from the events with an empty cache (today's first request, and what every request cost
before the cache), from the events with a warm cache (today's steady state, when memory allows it),
and from the fact rows. The pages are checked equal before anything is printed.

``--writes N`` then times N reports (and their dispatch) through the bus on a fresh store, once
with this tree and once with ``--baseline SRC`` (a checkout of today's code, e.g. /work/main/src),
each in a process of its own: the write cost with fact maintenance against today's.

Wall time and this process's CPU time: the machine may be shared; say whether it was quiet.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 30, 8, tzinfo=UTC)
CITY = "320200"  # 无锡市


def generate(db: Path, n: int) -> None:
    import numpy as np
    from sqlalchemy import insert

    from liandong.adapters.calendar import ChineseWorkCalendar
    from liandong.adapters.reference_data import default_catalogue, national_hierarchy
    from liandong.adapters.sql import migrate
    from liandong.adapters.sql import tables as t
    from liandong.adapters.sql.cases import dumps
    from liandong.adapters.sql.engine import make_engine
    from liandong.assessment.fact_rows import rows_of_stream
    from liandong.domain.cases import commands as c
    from liandong.domain.cases import events as ev
    from liandong.domain.cases.case import Case
    from liandong.domain.cases.routing import Router
    from liandong.domain.cases.rules import CasePolicy, Rules
    from liandong.domain.hierarchy import Level
    from liandong.services.cases import HANDLERS

    h = national_hierarchy()
    rules = Rules(Router(h, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
    towns = [x.code for x in h.descendants(CITY, Level.TOWNSHIP)]
    rng = np.random.default_rng(11)
    span = timedelta(days=60).total_seconds()
    engine = make_engine(f"sqlite+pysqlite:///{db}")
    migrate.upgrade(engine)
    began = time.perf_counter()
    batch: dict[str, list[dict[str, Any]]] = {"record": [], "event": [], "place": [], "fact": []}

    def flush() -> None:
        with engine.begin() as conn:
            for name, table in (("record", t.case_record), ("event", t.case_event), ("place", t.case_place),
                                ("fact", t.case_fact)):
                if batch[name]:
                    conn.execute(insert(table), batch[name])
                batch[name].clear()

    for i in range(n):
        town = towns[int(rng.integers(len(towns)))]
        at = NOW - timedelta(days=60) + timedelta(seconds=float(rng.random()) * span)
        case = Case.report(case_id=f"f{i:09d}", matter="garbage_collection", severity="routine",
                           affected=(town,), description="垃圾桶满溢，请尽快清运", source="hotline",
                           now=at, rules=rules)
        u = rng.random()
        if u < 0.8 and at + timedelta(minutes=5) < NOW:
            HANDLERS[c.DispatchCase](case, c.DispatchCase(by=f"{CITY}-gov", case_id=case.id),
                                     at + timedelta(minutes=5), rules)
            if u < 0.6 and at + timedelta(hours=1) < NOW:
                HANDLERS[c.AcknowledgeCase](case, c.AcknowledgeCase(by=case.record.lead, case_id=case.id),
                                            at + timedelta(hours=1), rules)
        r, stream = case.record, list(case.pending)
        batch["record"].append({"id": r.id, "version": r.version, "state": r.state.value, "matter": r.matter,
                                "severity": r.severity, "owner_code": r.owner or None,
                                "lead_code": r.lead or None, "received_at": r.received_at, "due_at": r.due,
                                "is_open": r.state.is_open, "idempotency_key": None})
        batch["event"].extend({"case_id": r.id, "case_version": v, "type": type(e).__name__, "at": e.at,
                               "actor": e.actor, "payload": dumps(ev.to_payload(e))}
                              for v, e in enumerate(stream, 1))
        batch["place"].append({"case_id": r.id, "unit_code": town})
        batch["fact"].extend({"case_id": f.case_id, "version": f.version, "valid_from": f.valid_from,
                              "irregular": f.irregular, "body": f.body} for f in rows_of_stream(r.id, stream))
        if len(batch["record"]) == 5000:
            flush()
    flush()
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"generated {n:,} cases in {time.perf_counter() - began:.0f} s → {db}", flush=True)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], float, Any]:
    """Wall seconds of each of ``repeat`` runs, the median CPU seconds, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w, p = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - p)
    return walls, statistics.median(cpus), out


def dashboards(db: Path, repeat: int) -> None:
    from liandong.assessment.service import FactsCache
    from liandong.bootstrap import bootstrap
    from liandong.config import Settings
    from liandong.domain.access import Principal, StaffRole
    from liandong.web.dashboard import choose_period, dashboard_view

    platform = bootstrap(Settings(database_url=f"sqlite+pysqlite:///{db}", data_dir=db.parent))
    leader = Principal(account_id="bench", username="bench", roles=frozenset({StaffRole.LEADER}),
                       department=f"{CITY}-gov")
    period, _, _ = choose_period(NOW, "30", "", "")
    warm = FactsCache(10_000_000)

    def events_cold() -> Any:
        return dashboard_view(platform, leader, CITY, period, "zh", FactsCache(10_000_000), facts="events")

    rows = [("from the events, cold cache", timed(events_cold, max(1, repeat // 2))),
            ("from the events, warm cache",
             timed(lambda: dashboard_view(platform, leader, CITY, period, "zh", warm, facts="events"), repeat + 1)),
            ("from the fact rows", timed(lambda: dashboard_view(platform, leader, CITY, period, "zh",
                                                                facts="stored"), repeat))]
    views = [r[1][2] for r in rows]
    assert views[0] == views[1] == views[2], "the figures differ"
    print(f"city {CITY}: {views[2]['totals']['received']:,} cases in the 30 days, "
          f"{views[2]['previous']['received']:,} in the 30 before")
    print("\n| city dashboard | p50 wall | max wall | cpu (median) |")
    print("|---|---:|---:|---:|")
    for name, (walls, cpu, _) in rows:
        if name.endswith("warm cache"):
            walls = walls[1:]  # the first run fills the cache
        print(f"| {name} | {statistics.median(walls):.3f} s | {max(walls):.3f} s | {cpu:.3f} s |", flush=True)
    if platform.engine is not None:
        platform.engine.dispose()


def writes(n: int) -> None:
    """Time ``n`` reports with their dispatch through the bus on a fresh SQLite store (this tree)."""
    from liandong.bootstrap import bootstrap
    from liandong.config import Settings
    from liandong.domain.cases import commands as c

    with tempfile.TemporaryDirectory() as folder:
        platform = bootstrap(Settings(database_url=f"sqlite+pysqlite:///{folder}/w.sqlite3", data_dir=Path(folder)))
        bus = platform.bus()  # the system's clock: a live store refuses any other
        for _ in range(50):  # warm up
            bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                                    description="垃圾桶满溢"))
        began = time.perf_counter()
        for i in range(n):
            cid = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                                          description=f"垃圾桶满溢 {i}")).case_id
            bus.handle(c.DispatchCase(by=f"{CITY}-gov", case_id=cid))
        spent = time.perf_counter() - began
        print(f"WRITES {n / spent:.1f}")
        if platform.engine is not None:
            platform.engine.dispose()


def compare_writes(n: int, baseline: str, rounds: int = 3) -> None:
    """This tree and the baseline in alternation, each in a process of its own."""
    here = str(Path(__file__).resolve().parents[1] / "src")
    rates: dict[str, list[float]] = {"facts": [], "today": []}
    for _ in range(rounds):
        for name, src in (("today", baseline), ("facts", here)):
            env = {**os.environ, "PYTHONPATH": src}
            out = subprocess.run([sys.executable, __file__, "--write-only", str(n)], env=env, check=True,
                                 capture_output=True, text=True).stdout
            rates[name].append(float(out.split("WRITES")[1].split()[0]))
    today, facts = statistics.median(rates["today"]), statistics.median(rates["facts"])
    print(f"\nreports + dispatch per second ({n} each, median of {rounds}): today {today:.1f}, "
          f"with fact rows {facts:.1f} → {facts / today:.2f}× of today's")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=300_000)
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "liandong-bench-facts.sqlite3")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--writes", type=int, default=0)
    ap.add_argument("--baseline", default="")
    ap.add_argument("--write-only", type=int, default=0)
    args = ap.parse_args()
    if args.write_only:
        writes(args.write_only)
        return
    if args.cases:
        if not args.db.exists():
            generate(args.db, args.cases)
        dashboards(args.db, args.repeat)
    if args.writes and args.baseline:
        compare_writes(args.writes, args.baseline)


if __name__ == "__main__":
    main()
