"""Run every benchmark and print the markdown for docs/benchmarks.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = [["bench_hierarchy.py"], ["bench_init.py"], ["bench_cli_startup.py"], ["bench_engine.py", "--sqlite"],
           ["bench_ledger.py"], ["bench_http.py"], ["bench_tiles.py"],
           ["bench_assessment.py"], ["bench_insight_place.py"], ["bench_insight_matter.py"]]

if __name__ == "__main__":
    for name, *args in BENCHES:
        print(f"\n### {name} {' '.join(args)}\n", flush=True)
        subprocess.run([sys.executable, str(HERE / name), *args], check=True)
