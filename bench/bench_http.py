"""Report intake through HTTP on SQLite, beside a bare FastAPI endpoint that only inserts a row.

Run: .venv/bin/python bench/bench_http.py [--seconds 10] [--rounds 3] [--concurrency 16]
                                          [--compare SRC [--compare-name NAME]]
Both servers run at once under uvicorn (one worker each) on loopback; wrk (or an asyncio httpx
client) drives them in alternating rounds with the same bounded load, and the median ratio of the
rounds is reported with each round's throughput and latency percentiles. ``--compare SRC`` adds a
third server: Liandong from another source tree (e.g. a worktree of an older commit, its ``src``),
on a store of its own made by that code, in the same alternation — the side-by-side comparison
of two versions of the code in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

BARE_APP = textwrap.dedent('''
    import json, os, sqlite3, uuid
    from fastapi import FastAPI, Request
    app = FastAPI()
    db = sqlite3.connect(os.environ["BARE_DB"], check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS report (id TEXT PRIMARY KEY, body TEXT)")
    @app.post("/api/cases", status_code=201)
    async def report(request: Request):
        body = await request.json()
        case_id = uuid.uuid4().hex[:20]
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO report VALUES (?, ?)", (case_id, json.dumps(body, ensure_ascii=False)))
        db.execute("COMMIT")
        return {"case_id": case_id}
''')

BARE_LAUNCH = textwrap.dedent('''
    # the bare app served exactly as `liandong serve` serves: uvicorn, h11 with TCP_NODELAY set
    import sys, uvicorn
    from liandong.server.http_protocol import NoDelayH11Protocol
    workers, access, port = int(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[4])
    uvicorn.run("bare_app:app", port=port, workers=workers, http=NoDelayH11Protocol,
                log_level="info" if access else "warning", access_log=access)
''')

BODY = {"matter": "social_life_noise", "affected": ["320213001"], "description": "广场舞音响夜间扰民",
        "reporter_name": "张三", "reporter_phone": "13812345678"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise RuntimeError("server died") from None
            time.sleep(0.2)
    raise RuntimeError("server did not start")


async def drive(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            t = time.perf_counter()
            answer = await client.post(url, json=BODY, headers=headers)
            latencies.append(time.perf_counter() - t)
            errors += answer.status_code != 201

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return len(latencies), latencies, errors


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '%s'
"""


def run_wrk(url: str, folder: str, seconds: float, concurrency: int) -> tuple[float, float, float, float, int]:
    """wrk (C, from Debian's package) as the load generator: it barely competes for the CPU."""
    import json
    import re

    script = Path(folder) / "post.lua"
    script.write_text(WRK_SCRIPT % json.dumps(BODY, ensure_ascii=False))
    out = subprocess.run(["wrk", "-t2", f"-c{concurrency}", f"-d{int(seconds)}s", "--latency", "-s", str(script),
                          url], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    return rate, ms("50"), ms("90"), ms("99"), errors


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds (bare, ours, bare, ours …); the median ratio is reported")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--driver", choices=["wrk", "httpx"], default="wrk" if shutil.which("wrk") else "httpx")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes of each server")
    parser.add_argument("--access-log", action="store_true",
                        help="both servers write uvicorn's access log (default: neither does)")
    parser.add_argument("--compare", type=Path, default=None,
                        help="the src directory of another version of Liandong, run as a third server")
    parser.add_argument("--compare-name", default="the other version")
    args = parser.parse_args()
    names: tuple[str, ...] = ("bare FastAPI endpoint inserting the row (baseline)",
                              "Liandong intake: validate, store, sign, append to the ledger, commit")
    if args.compare is not None:
        names = (*names, f"Liandong intake, {args.compare_name}")
    rounds: list[list[tuple[float, float, float, float, int]]] = []
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "LIANDONG_DATA_DIR": folder, "LIANDONG_PUBLIC_INTAKE_LIMIT": "1000000/second",
               "BARE_DB": str(Path(folder) / "bare.sqlite3")}
        env.pop("LIANDONG_DATABASE_URL", None)
        cli = [sys.executable, "-m", "liandong.cli"]
        subprocess.run([*cli, "init", "--scope", "320200"], env=env, check=True, capture_output=True)
        (Path(folder) / "bare_app.py").write_text(BARE_APP)
        serve = [*cli, "serve", "--workers", str(args.workers), *([] if args.access_log else ["--no-access-log"])]
        launches = [([sys.executable, "-c", BARE_LAUNCH, str(args.workers), "1" if args.access_log else "0"],
                     "/docs", env), (serve, "/healthz", env)]
        if args.compare is not None:
            other_dir = Path(folder) / "other"
            other_dir.mkdir()
            other = {**env, "LIANDONG_DATA_DIR": str(other_dir),
                     "PYTHONPATH": os.pathsep.join([str(args.compare.resolve()), env.get("PYTHONPATH", "")])}
            subprocess.run([*cli, "init", "--scope", "320200"], env=other, check=True, capture_output=True)
            launches.append((serve, "/healthz", other))
        servers = []
        try:
            for command, path, proc_env in launches:
                port = free_port()
                proc = subprocess.Popen([*command, "--port", str(port)], env=proc_env, cwd=folder,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                servers.append(proc)
                wait(f"http://127.0.0.1:{port}{path}", proc)
                url = f"http://127.0.0.1:{port}/api/cases"
                asyncio.run(drive(url, {}, 2, 4))  # warm up
                rounds.append([])
                servers[-1].url = url  # type: ignore[attr-defined]
            time.sleep(5)  # the servers' start-up work (caches, collector) out of the way
            for _ in range(args.rounds):  # side by side: alternating, so that a slow spell hits both
                for index, proc in enumerate(servers):
                    url = proc.url  # type: ignore[attr-defined]
                    if args.driver == "wrk":
                        rounds[index].append(run_wrk(url, folder, args.seconds, args.concurrency))
                    else:
                        n, lat, errors = asyncio.run(drive(url, {}, args.seconds, args.concurrency))
                        rounds[index].append((n / args.seconds, pct(lat, 0.5), pct(lat, 0.9), pct(lat, 0.99),
                                              errors))
        finally:
            for proc in servers:
                proc.terminate()
                proc.wait(timeout=30)
    logs = "access log on" if args.access_log else "no access log"
    workers = "one uvicorn worker" if args.workers == 1 else f"{args.workers} uvicorn workers"
    print(f"| endpoint ({args.driver}, {args.concurrency} connections, {args.rounds} alternating rounds of "
          f"{args.seconds:.0f} s, {workers}, {logs}) | reports/s | × baseline | p50 ms | p90 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for number in range(args.rounds):
        base = rounds[0][number][0]
        for name, results in zip(names, rounds, strict=True):
            rate, p50, p90, p99, errors = results[number]
            print(f"| round {number + 1}: {name} | {rate:,.0f} | {rate / base:.2f} | {p50:.1f} | {p90:.1f} | "
                  f"{p99:.1f} | {errors} |")
    for index in range(1, len(rounds)):
        ratios = sorted(ours[0] / bare[0] for bare, ours in zip(rounds[0], rounds[index], strict=True))
        ours_rates = sorted(r[0] for r in rounds[index])
        label = "ours" if index == 1 else args.compare_name
        print(f"\n{label}: median ratio {statistics.median(ratios):.2f} (rounds: "
              f"{', '.join(f'{r:.2f}' for r in ratios)}); median {statistics.median(ours_rates):,.0f} reports/s, "
              f"worst p99 {max(r[3] for r in rounds[index]):.1f} ms")
    if args.compare is not None:
        versus = sorted(ours[0] / other[0] for ours, other in zip(rounds[1], rounds[2], strict=True))
        print(f"ours against {args.compare_name}, round by round: median {statistics.median(versus):.2f} "
              f"(rounds: {', '.join(f'{r:.2f}' for r in versus)})")


if __name__ == "__main__":
    main()
