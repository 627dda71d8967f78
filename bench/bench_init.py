"""`liandong init --scope all` on a fresh SQLite file: wall time and peak memory.

Run: .venv/bin/python bench/bench_init.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time


def main() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "LIANDONG_DATA_DIR": folder}
        env.pop("LIANDONG_DATABASE_URL", None)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "liandong.cli", "init", "--scope", "all"],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - t
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kib / 1024


if __name__ == "__main__":
    seconds, mib = main()
    print("| `liandong init --scope all` (SQLite, 41,935 units, 542,083 departments) | target | measured |")
    print("|---|---:|---:|")
    print(f"| wall time | ≤ 60 s | {seconds:.1f} s |")
    print(f"| peak resident memory | < 1,536 MiB | {mib:.0f} MiB |")
