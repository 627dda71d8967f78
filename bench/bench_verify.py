"""The state cross-check of ``liandong ledger verify`` (decision 0028) beside today's verification
of the log alone, on one SQLite store: events per second of each.

Target: the cross-check (every stored event against its leaf, every projection against the replay)
at ≥ 200,000 events/s. The store is built through the bus (reported, then dispatched: three events a
case), which takes far longer than what is measured.

Run: .venv/bin/python bench/bench_verify.py [--cases 100000] [--rounds 3]   (a smoke run: --cases 200)
Two codes side by side, on one store (built by the first run), alternated:
     PYTHONPATH=<src> .venv/bin/python bench/bench_verify.py --cases 34000 --folder /tmp/verify-store --rounds 2
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app
from liandong.config import Settings
from liandong.domain.cases.commands import DispatchCase, ReportCase
from liandong.services.state_audit import check_state


def build(folder: Path, cases: int, batch: int = 500) -> None:
    assert CliRunner().invoke(app, ["init", "--scope", "320213", "--data-dir", str(folder)]).exit_code == 0
    platform = bootstrap(Settings(data_dir=folder))
    bus = platform.bus()
    for start in range(0, cases, batch):
        n = min(batch, cases - start)
        reports = [ReportCase(by="platform", matter="social_life_noise", affected=("320213001",),
                              description=f"广场夜间噪声 {start + i}", reporter_phone="13800000000")
                   for i in range(n)]
        done = bus.handle_batch(reports)
        ids = [r.aggregate_id for r in done if not isinstance(r, Exception)]
        bus.handle_batch([DispatchCase(by="320200-gov", case_id=c, expected_version=None) for c in ids])
    platform.record().checkpoint()


def cross_check_cpu(folder: Path, rounds: int) -> None:
    """Only the cross-check, on a store built before: its CPU time (the lowest of ``rounds``). Run
    once per code (``PYTHONPATH=<its src>``), alternated, on one store: the ratio is the figure on
    a shared machine (decision 0054)."""
    platform = bootstrap(Settings(data_dir=folder))
    hash_new = platform.ledger.suite.hash_new  # made before a unit of work holds the store
    best, events = float("inf"), 0
    for _ in range(rounds):
        with platform.uow() as uow:
            size = uow.ledger.size()
            cpu = time.process_time()
            state = check_state(uow.state, start=0, size=size, hash_new=hash_new)
            best = min(best, time.process_time() - cpu)
        assert state.mismatch is None, state.mismatch
        events = state.events
    print(f"state cross-check: {events:,} events, {best:.2f} CPU s, {events / best:,.0f} events per CPU second")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="each check run this often, the best kept")
    parser.add_argument("--folder", type=Path, help="a store kept here (built when it holds none), and only "
                        "the cross-check's CPU time measured")
    args = parser.parse_args()
    if args.folder is not None:
        if not (args.folder / "liandong.sqlite3").exists():
            args.folder.mkdir(parents=True, exist_ok=True)
            build(args.folder, args.cases)
        cross_check_cpu(args.folder, args.rounds)
        return
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder), args.cases)
        platform = bootstrap(Settings(data_dir=Path(folder)))
        record, ledger = platform.record(), platform.ledger
        log_seconds = state_seconds = state_cpu = float("inf")
        for _ in range(args.rounds):  # alternated: a loaded machine's drift falls on both
            began = time.perf_counter()
            log_only = record.verify(state=False)
            log_seconds = min(log_seconds, time.perf_counter() - began)
            with platform.uow() as uow:
                size = uow.ledger.size()
                began, cpu = time.perf_counter(), time.process_time()
                state = check_state(uow.state, start=0, size=size, hash_new=ledger.suite.hash_new)
                state_seconds = min(state_seconds, time.perf_counter() - began)
                state_cpu = min(state_cpu, time.process_time() - cpu)  # one process: on a shared machine
                # the figure to compare (decision 0054)
            assert log_only.ok and state.mismatch is None, (log_only.findings(), state.mismatch)
        print(f"| check | events | seconds | events/s |\n|---|---:|---:|---:|\n"
              f"| today's verify (leaves, subtrees, signatures, checkpoints) | {size:,} | "
              f"{log_seconds:.2f} | {size / log_seconds:,.0f} |\n"
              f"| state cross-check (events against leaves, projections against the replay) | "
              f"{state.events:,} | {state_seconds:.2f} | {state.events / state_seconds:,.0f} |\n"
              f"\nthe state cross-check's CPU time: {state_cpu:.2f} s, {state.events / state_cpu:,.0f} events per "
              "CPU second")


if __name__ == "__main__":
    main()
