"""The log's tiles over HTTP (C2SP tlog-tiles, ``/log/…``): the cached path beside the old one.

Run: .venv/bin/python bench/bench_tiles.py [--entries 3000] [--seconds 10] [--rounds 3] [--concurrency 32]
A SQLite store gets ``--entries`` reports and a checkpoint; two servers (``liandong serve``, one
uvicorn worker each) serve copies of it, one with the tile cache off (``LIANDONG_TILE_CACHE_MIB=0``:
every request reads the store in a worker thread, as before decision 0042) and one with it on. wrk
(Debian's, ``make wrk``) drives them in alternating rounds with two mixes: the full tiles a
verifier or a mirror fetches (every level 0 hash tile and entry bundle, cycled), and what a monitor
polls (the checkpoint and the partial tiles at its edge, kept for a second). Each round's requests/s
and latency percentiles are printed as a Markdown table, then the median of the rounds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("server died")
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def make_store(folder: Path, entries: int) -> int:
    """A store of ``entries`` reports under one checkpoint; its size."""
    env = {**os.environ, "LIANDONG_DATA_DIR": str(folder)}
    subprocess.run([sys.executable, "-m", "liandong.cli", "init", "--scope", "320213"], env=env, check=True,
                   capture_output=True)
    from liandong.bootstrap import bootstrap
    from liandong.config import Settings
    from liandong.domain.cases import commands as c

    platform = bootstrap(Settings(data_dir=folder))
    bus = platform.bus()
    for start in range(0, entries, 250):
        bus.handle_batch([c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                       description=f"广场舞噪声 {n}") for n in range(start, min(entries, start + 250))])
    note = platform.record().checkpoint()
    assert note is not None
    return int(note.splitlines()[1])


def tile_path(kind: str, index: int, width: int = 256) -> str:
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    n = "/".join([*("x" + g for g in groups[:-1]), groups[-1]])
    return f"/log/tile/{kind}/{n}" + (f".p/{width}" if width < 256 else "")


def mixes(size: int) -> dict[str, list[str]]:
    full = [tile_path(kind, i) for i in range(size // 256) for kind in ("0", "entries")]
    edge = ["/log/checkpoint", tile_path("0", size // 256, size % 256),
            tile_path("entries", size // 256, size % 256), tile_path("1", 0, size // 256)]
    return {"full tiles (level 0 hash tiles and entry bundles)": full,
            "checkpoint and partial tiles": [p for p in edge if not p.endswith(".p/0")]}


def run_wrk(base: str, paths: list[str], folder: Path, seconds: float, connections: int) -> tuple[float, ...]:
    script = folder / "tiles.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "-s", str(script),
                          base], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, ms("50"), ms("90"), ms("99"), float(bad.group(1)) if bad else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: make wrk (Debian's wrk)")
    names = ("old path: no cache, a store read in a worker thread per request", "cached (decision 0042)")
    results: dict[tuple[str, str], list[tuple[float, ...]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = make_store(folder / "a", args.entries)
        shutil.copytree(folder / "a", folder / "b")
        servers: list[tuple[str, subprocess.Popen[bytes], str]] = []
        try:
            for name, data, entries in zip(names, ("a", "b"), ("0", "64"), strict=True):
                port = free_port()
                env = {**os.environ, "LIANDONG_DATA_DIR": str(folder / data), "LIANDONG_TILE_CACHE_MIB": entries,
                       "LIANDONG_LEDGER_AUDIT_SECONDS": "0", "LIANDONG_HEAT_SWEEP_SECONDS": "0"}
                env.pop("LIANDONG_DATABASE_URL", None)
                proc = subprocess.Popen([sys.executable, "-m", "liandong.cli", "serve", "--workers", "1",
                                         "--no-access-log", "--port", str(port)], env=env, cwd=folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                servers.append((name, proc, f"http://127.0.0.1:{port}"))
                wait(f"http://127.0.0.1:{port}/log/checkpoint", proc)
            time.sleep(5)  # start-up work (places, collector) out of the way
            for mix, paths in mixes(size).items():
                for _name, _, base in servers:  # warm up: every path once
                    for path in paths:
                        assert httpx.get(base + path).status_code == 200, path
                for _ in range(args.rounds):  # side by side: alternating, so that a slow spell hits both
                    for name, _, base in servers:
                        results.setdefault((mix, name), []).append(
                            run_wrk(base, paths, folder, args.seconds, args.concurrency))
        finally:
            for _, proc, _ in servers:
                proc.terminate()
                proc.wait(timeout=30)
    print(f"| /log on SQLite, {size} entries (wrk, {args.concurrency} connections, {args.rounds} alternating "
          f"rounds of {args.seconds:.0f} s, one uvicorn worker) | requests/s | p50 ms | p90 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for (mix, name), rounds in results.items():
        for number, (rate, p50, p90, p99, errors) in enumerate(rounds, 1):
            print(f"| {mix}, {name}, round {number} | {rate:,.0f} | {p50:.2f} | {p90:.2f} | {p99:.2f} | {errors:.0f} |")
    print()
    for (mix, name), rounds in results.items():
        print(f"{mix}, {name}: median {statistics.median(r[0] for r in rounds):,.0f} requests/s, "
              f"worst p99 {max(r[3] for r in rounds):.2f} ms")


if __name__ == "__main__":
    main()
