"""Today's inboxes and dashboards at a megacity's volume (issue 28): stores of 200,000 and
2,000,000 cases of 北京市 in November 2026 made by ``bench/volume.py`` (the demo's commands over the
simulator's workload, loaded in bulk), then on each, on SQLite:

- 待办 (``Work.waiting``, a page of 50 with countdowns and the total) of the department owing the
  most duties (the 12345 centre: follow-ups) and of the one owing the number nearest ``--duties``
  (10,000), beside the bare range of ``ix_duty_department_order``; target p95 ≤ 50 ms;
- the old inbox (``case_reads.inbox``: the department's open member cases sorted on every read)
  of the lead department with the most open cases;
- the dashboard (``web.dashboard.dashboard_view``: the month and the month before, engine, rankings,
  trend) of the city (北京市) and of a district (朝阳区): cold (a new ``FactsCache``, as after a
  restart) and warm (the same cache again, as the next request), wall and CPU seconds; target
  (with precomputed facts, not today's code) ≤ 300 ms p95.

Stores are kept in ``--dir`` and reused: generate one once (``--cases`` sizes missing there are
made first, which takes about a minute per 50,000 cases on both cores). Anything else that wants a
store of this shape imports ``store_for`` from here or ``generate_volume`` from ``bench/volume.py``.

Run: .venv/bin/python bench/bench_volume_inbox.py [--cases 200000 2000000] [--dir /tmp/liandong-volume]
     [--reads 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import queue
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from liandong.adapters.sql import tables as t
from liandong.assessment.periods import Period
from liandong.assessment.service import FactsCache
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole

sys.path.insert(0, str(Path(__file__).resolve().parent))
from volume import END, generate_volume  # bench/ is not a package

SCOPE, DAYS, SEED = "110000", 30, 1
MONTH = Period(datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC), "2026-11")
NOW = END.astimezone(UTC)
PAGE = 50
DISTRICT = "110105"  # 朝阳区
LEADER = Principal(account_id="bench", username="bench", roles=frozenset({StaffRole.LEADER}),
                   department="100000-gov")


def store_for(cases: int, folder: Path, *, scope: str = SCOPE, days: int = DAYS, seed: int = SEED) -> Path:
    """The SQLite store of ``cases`` reports of ``scope`` over ``days`` days ending at ``volume.END``,
    made (in bulk, both cores) if ``folder`` does not hold it yet."""
    path = folder / f"volume-{scope}-{days}d-{cases}-s{seed}.sqlite3"
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        for stale in folder.glob(partial.name + "*"):
            stale.unlink()
        started = time.perf_counter()
        s = generate_volume(f"sqlite+pysqlite:///{partial}", scope=scope, days=days, cases=cases, seed=seed,
                            workers=2)
        for tail in ("", "-wal", "-shm"):  # the log and shared memory, if SQLite left them
            if Path(f"{partial}{tail}").exists():
                Path(f"{partial}{tail}").rename(f"{path}{tail}")
        print(f"made {path.name}: {s.cases:,} cases, {s.commands:,} commands in "
              f"{time.perf_counter() - started:.0f} s ({s.per_minute:,.0f} cases/min, CPU {s.cpu_seconds:.0f} s)",
              flush=True)
    return path


def timed(fn: Callable[[], object], reads: int, warm: int = 10) -> list[float]:
    """``reads`` timings of ``fn`` after up to ``warm`` calls that are not counted."""
    for _ in range(min(warm, reads)):
        fn()
    out = []
    for _ in range(reads):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def busiest(platform: Platform, nearest: int) -> tuple[list[tuple[str, int]], str, int]:
    """Departments to read: the one owing most duties and the one nearest ``nearest``; the lead
    with most open member cases (the old inbox) and how many."""
    assert platform.engine is not None
    with platform.engine.connect() as conn:
        owed = [(r[0], int(r[1])) for r in conn.execute(text(
            "SELECT department_code, count(*) FROM duty GROUP BY department_code ORDER BY 2 DESC"))]
        lead, open_cases = conn.execute(text(
            "SELECT m.department_code, count(*) FROM case_member m JOIN case_record c ON c.id = m.case_id "
            "WHERE c.is_open AND m.role = 'lead' GROUP BY 1 ORDER BY 2 DESC LIMIT 1")).one()
    chosen = [owed[0]]
    near = min(owed, key=lambda row: abs(row[1] - nearest))
    if near != owed[0]:
        chosen.append(near)
    return chosen, str(lead), int(open_cases)


def inboxes(platform: Platform, label: str, reads: int, nearest: int) -> None:
    work = platform.work()
    deps, lead, open_cases = busiest(platform, nearest)
    engine = platform.engine
    assert engine is not None
    d = t.duty
    for dep, n in deps:
        bare = (select(d.c.subject_id, d.c.kind, d.c.due_at).where(d.c.department_code == dep)
                .order_by(d.c.order_at, d.c.subject_id).limit(PAGE))

        def bare_read(q: Any = bare) -> object:
            with engine.connect() as conn:
                return conn.execute(q).all()

        page = timed(lambda dep=dep: work.waiting(dep, NOW, limit=PAGE), reads)
        floor = timed(bare_read, reads)
        print(f"| {label} | 待办 `Work.waiting` of {dep} | {n:,} duties | {p(page, 50) * 1000:.1f} | "
              f"{p(page, 95) * 1000:.1f} | bare range {p(floor, 95) * 1000:.2f} ms p95 | "
              f"{'yes' if p(page, 95) <= 0.050 else 'NO'} (≤ 50 ms) |", flush=True)

    def old_inbox() -> object:
        with platform.read_uow() as uow:
            return uow.case_reads.inbox(lead, limit=PAGE)

    old = timed(old_inbox, max(10, reads // 10))
    print(f"| {label} | old inbox `case_reads.inbox` of {lead} | {open_cases:,} open cases led | "
          f"{p(old, 50) * 1000:.1f} | {p(old, 95) * 1000:.1f} | sorted on every read | |", flush=True)


def _dashboard_runs(url: str, scope: str, repeat: int, out: Any) -> None:
    """In a child process: the dashboard of ``scope`` cold, then ``repeat`` times warm, each
    (wall, cpu, cases in the month) put on ``out`` as soon as it is done."""
    from liandong.web.dashboard import dashboard_view

    with tempfile.TemporaryDirectory() as folder:
        platform = bootstrap(Settings(database_url=url, data_dir=Path(folder)))
        cache = FactsCache()
        for _ in range(1 + repeat):
            w, c = time.perf_counter(), time.process_time()
            view = dashboard_view(platform, LEADER, scope, MONTH, "zh", cache)
            out.put((time.perf_counter() - w, time.process_time() - c, view["totals"]["received"]))


def dashboards(platform: Platform, label: str, repeat: int, timeout: float) -> None:
    """Each dashboard in a process of its own, stopped after ``timeout`` seconds (today's code reads
    and replays every case of the month and the month before: at millions it may not finish)."""
    url = platform.engine.url.render_as_string(hide_password=False) if platform.engine is not None else ""
    context = multiprocessing.get_context("fork")
    for scope in (SCOPE, DISTRICT):
        name = platform.hierarchy.get(scope).name
        out = context.Queue()
        child = context.Process(target=_dashboard_runs, args=(url, scope, repeat, out), daemon=True)
        child.start()
        runs: list[tuple[float, float, int]] = []
        deadline = time.monotonic() + timeout
        while len(runs) < 1 + repeat:
            try:
                runs.append(out.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                break
        if child.is_alive():
            child.terminate()
        child.join()
        if not runs:
            print(f"| {label} | dashboard {name} | cold | did not finish in {timeout:.0f} s | | | NO (≤ 300 ms) |",
                  flush=True)
            continue
        (wall, cpu, received), warm = runs[0], runs[1:]
        after = (f"warm median {statistics.median(w for w, _, _ in warm) * 1000:,.0f} ms "
                 f"(cpu {statistics.median(c for _, c, _ in warm) * 1000:,.0f})" if warm
                 else f"warm: not done in {timeout:.0f} s")
        worst = max((w for w, _, _ in warm), default=wall)
        print(f"| {label} | dashboard {name} ({received:,} cases in the month) | cold {wall * 1000:,.0f} | "
              f"cpu {cpu * 1000:,.0f} | {after} | {'yes' if worst <= 0.300 else 'NO'} (≤ 300 ms) |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, nargs="+", default=[200_000, 2_000_000])
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "liandong-volume")
    ap.add_argument("--reads", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3, help="warm dashboard reads after the cold one")
    ap.add_argument("--duties", type=int, default=10_000, help="also the inbox owing about this many")
    ap.add_argument("--skip-dashboards", action="store_true")
    ap.add_argument("--timeout", type=float, default=600, help="seconds a dashboard may take in all")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print("| store | read | size | p50 ms (dashboard: cold ms) | p95 ms (dashboard: cpu ms) | beside | target |\n"
          "|---|---|---:|---:|---:|---|---|")
    for cases in args.cases:
        path = store_for(cases, args.dir)
        with tempfile.TemporaryDirectory() as folder:
            platform = bootstrap(Settings(database_url=f"sqlite+pysqlite:///{path}", data_dir=Path(folder)))
            label = f"SQLite, {cases:,} cases"
            try:
                inboxes(platform, label, args.reads, args.duties)
                if not args.skip_dashboards:
                    dashboards(platform, label, args.repeat, args.timeout)
            finally:
                if platform.engine is not None:
                    platform.engine.dispose()


if __name__ == "__main__":
    main()
