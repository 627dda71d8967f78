"""Run every benchmark and print the markdown for docs/benchmarks.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHES = ["bench_hierarchy.py", "bench_init.py"]

if __name__ == "__main__":
    for name in BENCHES:
        print(f"\n### {name}\n")
        subprocess.run([sys.executable, str(HERE / name)], check=True)
