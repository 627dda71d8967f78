"""The assessment page of a closed period from its snapshot (考核结果固化, decision 0058) against
today's code (the 事实表's rows and the events' attributions), on one store made by ``bench/volume.py``.

Run: .venv/bin/python bench/bench_assessment_frozen.py --store /tmp/vol/month.sqlite3
     [--scope 110000] [--period 2026-11-01..2026-11-30] [--by county] [--repeat 5]
     [--today-seconds 900] [--today-period 2026-11-28..2026-11-30]

For an oversight leader of ``--scope``: the snapshot of the period and of the one before is made
(``Snapshots.freeze``, timed: a night's batch), then the page's work — the assessment from the
snapshots and ``page_data`` (KPI table by ``--by``, ranking, accountability) — and the xlsx export
of the KPI of every unit one level down (``tables.kpi_sheets`` and ``export.write``) are timed:
wall p50/p95 and median CPU of ``--repeat`` runs after one untimed run. Today's code
(``assess_stored`` and ``page_data``, cold as a first request) is timed on the shorter
``--today-period`` side by side with the snapshot of that period, where the two pages are checked
equal first, and with ``--today-full`` on the whole period too when it finishes within
``--today-seconds`` (else reported as not finished). Say whether the machine was quiet.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from liandong.assessment import export, tables
from liandong.assessment.frozen import FrozenAssessment, Snapshots, frozen_assessment
from liandong.assessment.periods import Period, parse_period
from liandong.assessment.rules import load_rules
from liandong.assessment.service import Assessment, FactsCache
from liandong.assessment.stored import assess_stored
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole
from liandong.web.assessment_page import page_data


class TooLong(Exception):
    pass


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], float]:
    fn()  # untimed: the files' first read, DuckDB's first plan
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return walls, statistics.median(cpus)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def leader(scope: str) -> Principal:
    return Principal(account_id="bench", username="bench", roles=frozenset({StaffRole.LEADER}),
                     department=f"{scope}-gov")


def page(platform: Platform, a: Assessment, scope: str, by: str) -> dict[str, Any]:
    try:
        return page_data(platform, a, scope, by, "zh")
    finally:
        a.close()


def xlsx(platform: Platform, a: Assessment, scope: str, by: str) -> int:
    name = tables.namer(platform.hierarchy, platform.rules().router, platform.catalogue, by, "zh")
    try:
        sheets = tables.kpi_sheets(a, scope, by, name, "zh")
    finally:
        a.close()
    with tempfile.TemporaryDirectory() as folder:
        return export.write(Path(folder) / "kpi.xlsx", sheets, "zh").stat().st_size


def today(platform: Platform, period: Period, now: datetime, scope: str, seconds: float) -> Assessment | None:
    """Today's assessment, cold; None when it takes longer than ``seconds``."""
    def stop(*_: object) -> None:
        raise TooLong

    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return assess_stored(FactsCache(10_000_000), platform.reads, platform.hierarchy, period, now, load_rules(),
                             principal=leader(scope), scope=scope)
    except TooLong:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--scope", default="110000")
    ap.add_argument("--period", default="2026-11-01..2026-11-30")
    ap.add_argument("--today-period", default="2026-11-28..2026-11-30")
    ap.add_argument("--by", default="county")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--today-seconds", type=float, default=900)
    ap.add_argument("--today-full", action="store_true", help="also today's code on --period (at 2 M cases it "
                    "holds every case's events in memory: tens of GB)")
    args = ap.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="frozen-"))
    platform = bootstrap(Settings(database_url=f"sqlite+pysqlite:///{args.store}", data_dir=folder))
    rules = load_rules()
    with platform.reads() as u:
        last = u.case_reads.conn.execute(text("SELECT max(at) FROM case_event")).scalar()
        cases = u.case_reads.conn.execute(text("SELECT count(*) FROM case_record")).scalar()
    now = datetime.fromisoformat(str(last)).replace(tzinfo=UTC) + timedelta(hours=1)
    snaps = Snapshots(folder / "assessment")
    print(f"store {args.store.name}: {cases:,} cases; now = {now:%Y-%m-%d %H:%M} UTC; snapshots in {folder}")
    print("\n| what | period | cases | p50 wall | p95 wall | cpu (median) |\n|---|---|---:|---:|---:|---:|")

    def row(what: str, p: Period, n: int, walls: list[float], cpu: float) -> None:
        print(f"| {what} | {p.label} | {n:,} | {statistics.median(walls) * 1000:,.0f} ms | "
              f"{p95(walls) * 1000:,.0f} ms | {cpu * 1000:,.0f} ms |", flush=True)

    for label, seconds in ((args.today_period, args.today_seconds), (args.period, args.today_seconds)):
        period = parse_period(label, rules.period.cutoff_day)
        made = []
        for p in (period.previous(), period):
            w, c = time.perf_counter(), time.process_time()
            made.append(snaps.freeze(platform.reads, platform.hierarchy, args.scope, p, rules, now))
            row(f"freeze (a night's batch) of {p.label}", p, made[-1].cases, [time.perf_counter() - w],
                time.process_time() - c)
        n = made[-1].cases

        def frozen(period: Period = period) -> FrozenAssessment:
            found = frozen_assessment(snaps, platform.hierarchy, period, now, rules, args.scope)
            assert found is not None
            return found

        walls, cpu = timed(lambda: page(platform, frozen(), args.scope, args.by), args.repeat)
        row("page from the snapshot (page_data)", period, n, walls, cpu)
        walls, cpu = timed(lambda: xlsx(platform, frozen(), args.scope, args.by), args.repeat)
        row(f"xlsx export by {args.by} from the snapshot", period, n, walls, cpu)
        if label == args.period and not args.today_full:
            print(f"| page, today's code (cold) | {period.label} | {n:,} | not run (--today-full) | | |")
            continue
        w, c = time.perf_counter(), time.process_time()
        live = today(platform, period, now, args.scope, seconds)
        if live is None:
            print(f"| page, today's code (cold) | {period.label} | {n:,} | not finished in {seconds:,.0f} s | | |")
            continue
        theirs = page(platform, live, args.scope, args.by)
        row("page, today's code (cold)", period, n, [time.perf_counter() - w], time.process_time() - c)
        mine = page(platform, frozen(), args.scope, args.by)
        assert {**mine, "frozen": ""} == theirs, f"the pages differ for {period.label}"
    platform.close()


if __name__ == "__main__":
    sys.exit(main())
