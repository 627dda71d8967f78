"""The dashboard from the sums (``case_sum``, decision 0045) against today's code (the 事实表's
rows, ``facts="stored"``), side by side on one store made by ``bench/volume.py``.

Run: .venv/bin/python bench/bench_dashboard_sums.py --cases 20000 [--scope 110000] [--days 60]
     [--folder /tmp] [--repeat 5] [--events]

The store (SQLite) is made once by the volume generator (``bench_volume_inbox.store_for``: the
simulator's workload over ``--scope``, ``--days`` days ending at ``volume.END``, every report
through the platform's commands) and kept in ``--folder``. For the scope and for its busiest unit
one level down, the dashboard of an oversight leader (``dashboard_view``: the last 30 days up to
``volume.END``, a midnight, and the last 30 days up to "now" — a few minutes after the store's last
event — each with the 30 before) is made from the rows and from the sums, checked equal, and
timed: wall p50/p95 and median CPU of ``--repeat`` runs each, after one untimed run. With
``--events`` the replay of every case's events (``facts="events"``, cold cache) is timed too.

Wall time and this process's CPU time: the machine may be shared; say whether it was quiet.
The megacity-month of issue 28: ``--cases 2000000 --scope 110000 --days 60``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


FIRST: list[float] = []  # the untimed first run's wall time (a first request: caches cold)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], float, Any]:
    """``repeat`` timed runs after an untimed one; with ``repeat`` 0, one run, timed (a first request)."""
    w = time.perf_counter()
    out = fn() if repeat else None  # untimed: imports, the engine's first connection, the page cache
    FIRST.append(time.perf_counter() - w)
    walls, cpus = [], []
    for _ in range(repeat or 1):
        w, p = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - p)
    return walls, statistics.median(cpus), out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=20_000)
    ap.add_argument("--scope", default="110000")
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--folder", type=Path, default=Path("/tmp"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--events", action="store_true", help="time the replay of the events too")
    ap.add_argument("--store", type=Path, help="a store made by bench/volume.py (instead of --cases)")
    ap.add_argument("--today-repeat", type=int, help="timed runs of today's code (default --repeat; 0: one "
                    "run, timed, where today's code takes minutes; -1: not run)")
    ap.add_argument("--shown", default="30", help="the dashboard's days (the last N days, today included)")
    ap.add_argument("--later", type=float, default=0.0, help="hours after the store's end taken as now (the "
                    "period before one up to now then starts within a day: its first part day is read)")
    args = ap.parse_args()

    from bench_volume_inbox import store_for
    from liandong.assessment.service import FactsCache
    from liandong.bootstrap import bootstrap
    from liandong.config import Settings
    from liandong.services.clock import ManualClock
    from liandong.web.dashboard import _NEXT_LEVEL, choose_period, dashboard_view
    from volume import END

    path = args.store or store_for(args.cases, args.folder, scope=args.scope, days=args.days)
    platform = bootstrap(Settings(database_url=f"sqlite+pysqlite:///{path}", data_dir=args.folder))
    h = platform.hierarchy
    with platform.uow() as u:  # "now": after the store's last event (chunks run past the end)
        from sqlalchemy import text

        last = u.case_reads.conn.execute(text("SELECT max(at) FROM case_event")).scalar()
        cases = u.case_reads.conn.execute(text("SELECT count(*) FROM case_record")).scalar()
    now = max(END, datetime.fromisoformat(str(last)).replace(tzinfo=UTC)) + timedelta(minutes=7,
                                                                                      hours=args.later)
    platform.clock = ManualClock(now)
    closed, _, _ = choose_period(END, args.shown, "", "")
    current, _, _ = choose_period(now, args.shown, "", "")
    first = dashboard_view(platform, leader(args.scope), args.scope, closed, "zh", facts="sums")
    children = sorted(first["children"], key=lambda c: -c["figures"]["received"])
    scopes = [args.scope] + ([children[0]["code"]] if children and _NEXT_LEVEL.get(h.get(args.scope).level) else [])
    print(f"store {path.name}: {cases:,} reports of {args.scope} over {args.days} days to {END.date()}; "
          f"now = {now:%Y-%m-%d %H:%M} UTC")
    print(f"\n| dashboard ({args.shown} days + the {args.shown} before) | cases | from | first | p50 wall | p95 wall "
          "| cpu (median) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for scope, label, period in [(s, w, p) for s in scopes
                                 for w, p in (("to a midnight", closed), ("to now", current))]:
        kept = FactsCache(10_000_000)  # the sums' first part days kept across requests, as the server's

        def page(facts: str, scope: str = scope, period: Any = period, kept: FactsCache = kept) -> Any:
            cache = kept if facts == "sums" else FactsCache(10_000_000)  # events: cold, as a first request
            return dashboard_view(platform, leader(scope), scope, period, "zh", cache, facts=facts)

        today = args.repeat if args.today_repeat is None else args.today_repeat
        ways: list[tuple[str, Callable[[], Any], int]] = [
            ("rows (today)", lambda: page("stored"), today), ("sums", lambda: page("sums"), args.repeat)]
        if today < 0:  # today's code not run (it was timed once already: minutes a page)
            ways = ways[1:]
        if args.events:
            ways.insert(0, ("events (cold)", lambda: page("events"), max(1, args.repeat // 2)))
        FIRST.clear()
        results = [(name, timed(fn, n)) for name, fn, n in ways]
        firsts = list(FIRST)
        views = [r[1][2] for r in results]
        assert all(v == views[-1] for v in views), f"the figures differ for {scope}"
        n = views[-1]["totals"]["received"] + views[-1]["previous"]["received"]
        for (name, (walls, cpu, _)), first in zip(results, firsts, strict=True):
            print(f"| {scope} {h.get(scope).name}, {label} | {n:,} | {name} | {first * 1000:,.0f} ms | "
                  f"{statistics.median(walls) * 1000:,.0f} ms | {p95(walls) * 1000:,.0f} ms | {cpu * 1000:,.0f} ms |",
                  flush=True)
    if platform.engine is not None:
        platform.engine.dispose()


def leader(scope: str) -> Any:
    from liandong.domain.access import Principal, StaffRole

    return Principal(account_id="bench", username="bench", roles=frozenset({StaffRole.LEADER}),
                     department=f"{scope}-gov")


if __name__ == "__main__":
    main()
