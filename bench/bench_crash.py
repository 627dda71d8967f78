"""Crash safety, ten times in a row: a real server killed with SIGKILL in the middle of concurrent
reports, dispatches and acknowledgements, restarted on the same data, and checked (nothing
acknowledged lost, each report once, every case whole, the ledger verifies, the outbox delivers each
stored event once to NATS JetStream). The run itself is ``tests/e2e/test_crash.py``'s ``crash_run``.

Run: .venv/bin/python bench/bench_crash.py [--runs 10] [--backend sqlite|postgres|both]
Needs NATS with JetStream (LIANDONG_TEST_NATS_URL, default nats://127.0.0.1:4222) and, for
postgres, a server at LIANDONG_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package

from sqlalchemy import create_engine
from tests.conftest import PG_SERVER
from tests.e2e.test_crash import Outcome, Store, crash_run, drop_database, pg_template, prepare


def series(backend: str, runs: int, folder: Path) -> list[Outcome | None]:
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT") if backend == "postgres" else None
    t = time.monotonic()
    template = (pg_template(admin, PG_SERVER, folder / "template") if admin is not None
                else prepare(Store(folder / "template")))
    print(f"\n{backend}: template initialised (scope 320200, demo accounts) in {time.monotonic() - t:.1f} s",
          flush=True)
    outcomes: list[Outcome | None] = []
    try:
        for run in range(1, runs + 1):
            t = time.monotonic()
            try:
                outcome = crash_run(template, folder / f"run-{run}", seed=run,
                                    workers=2 if admin is not None else 1, admin=admin)
            except Exception as exc:  # a failed check: say which, go on with the next run
                outcomes.append(None)
                print(f"  run {run:2}: FAIL after {time.monotonic() - t:.1f} s: {type(exc).__name__}: {exc}",
                      flush=True)
                traceback.print_exc(limit=3)
                continue
            outcomes.append(outcome)
            print(f"  run {run:2}: pass  {outcome.line()}", flush=True)
    finally:
        if admin is not None:
            assert template.database_url is not None
            drop_database(admin, template.database_url)
            admin.dispose()
    return outcomes


def summary(backend: str, outcomes: list[Outcome | None]) -> None:
    passed = [o for o in outcomes if o is not None]
    print(f"{backend}: {len(passed)}/{len(outcomes)} runs passed, {len(outcomes)} kills")
    if passed:
        def stat(values: list[float]) -> str:
            return f"median {statistics.median(values):,.1f}, min {min(values):,.1f}, max {max(values):,.1f}"

        print(f"  reports acknowledged per run: {stat([o.acked_reports for o in passed])}")
        print(f"  dispatches + acknowledgements acknowledged per run: {stat([o.acked_commands for o in passed])}")
        print(f"  unanswered at the kill (sent, no answer): {stat([o.unanswered for o in passed])}; "
              f"of them stored: {sum(o.stored_cases - o.acked_reports for o in passed)} in all runs")
        print(f"  load before the kill (s): {stat([o.load_seconds for o in passed])}")
        print(f"  events relayed after the restart: {stat([o.relayed_after for o in passed])}")
        print(f"  seconds per run: {stat([o.seconds for o in passed])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = {}
    with tempfile.TemporaryDirectory(prefix="liandong-crash-") as folder:
        for backend in backends:
            results[backend] = series(backend, args.runs, Path(folder) / backend)
    print()
    for backend, outcomes in results.items():
        summary(backend, outcomes)
    return 0 if all(o is not None for outcomes in results.values() for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
