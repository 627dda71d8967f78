"""Start-up of the command line (issue 21), each beside its baseline in the same run:

- `python -c "import typer, rich"` vs `liandong --help` (target: within 3× its time, ≤ 80 MiB);
- reading one row with the `sqlite3` shell vs `liandong org show 320213` on a national store
  (`liandong init --scope all`; target ≤ 1 s).

Wall time is the median of N runs (and the fastest); memory is each process's peak resident set
(the `ru_maxrss` that `/usr/bin/time -v` reports), the largest of the runs.

Run: .venv/bin/python bench/bench_cli_startup.py [--runs 21] [--store DIR]
The national store is built once into var/bench-national (about 40 s) unless --store names one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIANDONG = str(Path(sys.executable).with_name("liandong"))
CODE = "320213"


def measure(cmd: Sequence[str], runs: int, env: dict[str, str]) -> tuple[float, float, float]:
    """(median s, fastest s, peak MiB) of ``runs`` runs of ``cmd``, output discarded."""
    walls, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
    return statistics.median(walls), min(walls), max(peaks)


def national_store(folder: Path, env: dict[str, str]) -> Path:
    if not (folder / "liandong.sqlite3").exists():
        print(f"building a national store in {folder} (liandong init --scope all) …", file=sys.stderr)
        subprocess.run([LIANDONG, "init", "--scope", "all", "--data-dir", str(folder)], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "bench-national",
                        help="data directory of a national store (built there when missing)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("LIANDONG_DATABASE_URL", "LIANDONG_DATA_DIR")}
    env["COLUMNS"] = "120"
    store = national_store(args.store, env)
    database = store / "liandong.sqlite3"
    sqlite3 = shutil.which("sqlite3")
    one_row = ([sqlite3, "-readonly", str(database), f"SELECT * FROM jurisdiction WHERE code = '{CODE}'"]
               if sqlite3 else [sys.executable, "-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1])"
                                ".execute(\"SELECT * FROM jurisdiction WHERE code = ?\", (sys.argv[2],))"
                                ".fetchone()", str(database), CODE])
    rows = [
        ("`python -c \"import typer, rich\"` (baseline)", [sys.executable, "-c", "import typer, rich"]),
        ("`liandong --help`", [LIANDONG, "--help"]),
        (f"`sqlite3` reads the row of {CODE} (baseline)" if sqlite3 else
         f"Python's sqlite3 reads the row of {CODE} (baseline)", one_row),
        (f"`liandong org show {CODE}` (national store)", [LIANDONG, "org", "show", CODE, "--data-dir", str(store)]),
    ]
    measured = [measure(cmd, args.runs, env) for _, cmd in rows]
    print(f"| command ({args.runs} runs each) | median | fastest | × baseline (median) | peak memory |")
    print("|---|---:|---:|---:|---:|")
    for i, ((name, _), (median, fastest, peak)) in enumerate(zip(rows, measured, strict=True)):
        base = measured[i - i % 2][0]
        print(f"| {name} | {median * 1000:,.0f} ms | {fastest * 1000:,.0f} ms | {median / base:.1f} | "
              f"{peak:,.0f} MiB |")


if __name__ == "__main__":
    main()
