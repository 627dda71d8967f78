"""The writer process's cost per report, without HTTP: batches of reports (the intake's command, as
``POST /api/cases`` builds it) landed through the platform's bus on SQLite (or PostgreSQL), as the
writer process lands them (``bus.handle_batch``: one transaction, a savepoint a report, the ledger).

Run: .venv/bin/python bench/bench_writer.py [--batches 300] [--batch 8] [--rounds 5]
                                            [--compare SRC --compare-name NAME]... [--postgres URL]
Each code runs in a process of its own on a store of its own made by that code (``liandong init
--scope 320200``), rounds alternated (ours, the other, ours, …) so that a slow spell of a shared
machine hits both; the figure is CPU time of the process per report (``time.process_time``), which
another process's load disturbs less than the wall clock. ``--profile FILE`` writes a cProfile of
one round of ours.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BODY = {"matter": "social_life_noise", "affected": ["320213001"], "description": "广场舞音响夜间扰民",
        "reporter_name": "张三", "reporter_phone": "13812345678", "severity": "routine", "source": "citizen",
        "address": "", "coordinates": "", "reporter_email": "", "publish": False}


def child(batches: int, batch: int, profile: str) -> None:
    """In the code's own process (``LIANDONG_DATA_DIR`` its store): the CPU µs per report."""
    import gc

    from liandong.bootstrap import bootstrap
    from liandong.config import Settings

    platform = bootstrap(Settings(), migrate_schema=False)
    platform.defer_wal_checkpoints()
    bus = platform.bus()
    if hasattr(platform, "intake"):
        intake = platform.intake()

        def command() -> object:
            return intake.command(by="reporter", owner="anonymous:127.0.0.1", key="", reporter_account="",
                                  **{**BODY, "affected": list(BODY["affected"])})[0]
    else:  # older code (before the one intake): the command as its POST /api/cases built it
        import dataclasses
        import hashlib
        import secrets

        from liandong.domain.cases import commands as c

        known = {f.name for f in dataclasses.fields(c.ReportCase)}

        def command() -> object:
            fields = {k: tuple(v) if k == "affected" else v for k, v in BODY.items() if k in known}
            return c.ReportCase(by="reporter", tracking_hash=hashlib.sha256(secrets.token_bytes(8)).hexdigest(),
                                **fields)

    def commands() -> list[object]:
        return [command() for _ in range(batch)]

    for _ in range(20):  # warm up: caches, the first save's imports
        bus.handle_batch(commands())
    gc.collect()
    gc.freeze()
    work = [commands() for _ in range(batches)]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu, wall = time.process_time(), time.perf_counter()
    for commands_ in work:
        outcomes = bus.handle_batch(commands_)
        assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    n = batches * batch
    print(json.dumps({"cpu_us": cpu / n * 1e6, "wall_us": wall / n * 1e6}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--batch", type=int, default=8, help="reports a batch (the writer's halves: ~8)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--compare", type=Path, action="append", default=[],
                        help="the src directory of another version (again for more)")
    parser.add_argument("--compare-name", action="append", default=[], help="its name (in the same order)")
    parser.add_argument("--postgres", default="", help="a server URL (postgresql+psycopg://…/dbname): "
                        "each code's store a database of its own, <dbname>_ours and <dbname>_other")
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent / "src",
                        help="the src directory of ours (default: this checkout's)")
    parser.add_argument("--profile", default="", help="write a cProfile of ours' last round here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.batches, args.batch, args.profile)
        return
    ours_src = args.src.resolve()
    names = args.compare_name + [f"other {i + 1}" for i in range(len(args.compare_name), len(args.compare))]
    codes = [("ours", ours_src)] + [(name, src.resolve()) for name, src in zip(names, args.compare, strict=False)]
    results: dict[str, list[float]] = {name: [] for name, _ in codes}
    with tempfile.TemporaryDirectory() as folder:
        envs = {}
        for index, (name, src) in enumerate(codes):
            data = Path(folder) / f"store{index}"
            data.mkdir()
            env = {**os.environ, "LIANDONG_DATA_DIR": str(data),
                   "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
            env.pop("LIANDONG_DATABASE_URL", None)
            if args.postgres:
                env["LIANDONG_DATABASE_URL"] = _database(args.postgres, f"bench_writer_{index}")
            subprocess.run([sys.executable, "-m", "liandong.cli", "init", "--scope", "320200"], env=env,
                           check=True, capture_output=True)
            envs[name] = env
        for number in range(args.rounds):
            for name, _ in codes:
                profile = args.profile if name == "ours" and number == args.rounds - 1 else ""
                out = subprocess.run([sys.executable, __file__, "--child", "--batches", str(args.batches),
                                      "--batch", str(args.batch), "--profile", profile],
                                     env=envs[name], check=True, capture_output=True, text=True).stdout
                figure = json.loads(out.strip().splitlines()[-1])
                results[name].append(figure["cpu_us"])
                print(f"round {number + 1}: {name}: {figure['cpu_us']:.0f} µs CPU a report "
                      f"({figure['wall_us']:.0f} µs wall)", flush=True)
        if args.postgres:
            for index in range(len(codes)):
                _database(args.postgres, f"bench_writer_{index}", create=False)
    for name, figures in results.items():
        print(f"{name}: median {statistics.median(figures):.0f} µs CPU a report "
              f"(rounds: {', '.join(f'{f:.0f}' for f in figures)})")
    for name, _ in codes[1:]:
        ratios = sorted(o / t for o, t in zip(results[name], results["ours"], strict=True))
        print(f"ours' speed × {name}'s (its CPU per report ÷ ours), round by round: median "
              f"{statistics.median(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")


def _database(server: str, name: str, *, create: bool = True) -> str:
    """A fresh database ``name`` on the PostgreSQL server of ``server`` (dropped first if left over;
    ``create=False``: only dropped)."""
    from sqlalchemy import create_engine, text

    base = server.rsplit("/", 1)[0]
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{base}/{name}"


if __name__ == "__main__":
    main()
