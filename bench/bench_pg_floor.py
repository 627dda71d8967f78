"""The floor under issue 11's throughput target: how many requests a second *any* FastAPI service on
PostgreSQL can answer on this machine, when each request does the least a command must do.

Run: .venv/bin/python bench/bench_pg_floor.py [--seconds 10] [--workers 2] [--connections 64]

A bare FastAPI app (uvicorn, served as ``liandong serve`` serves: h11 with TCP_NODELAY, no access
log), 2 worker processes, each request one INSERT committed on PostgreSQL through a pool of psycopg
connections (the same driver as Liandong), driven by wrk on loopback. Three rungs, each adding what
every Liandong command needs at the least: (1) the insert alone; (2) plus reading the caller's
account by token; (3) plus reading the case before writing it (a command loads the case, checks
it and writes its events). Liandong does more than rung 3 on every command (the event stream,
outbox, team, ledger leaf and its signature), so rung 3's rate bounds what it could reach here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parent))
from bench_http import free_port, run_wrk, wait

PG_SERVER = os.environ.get("LIANDONG_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")

FLOOR_APP = textwrap.dedent('''
    import asyncio, json, os, queue, uuid
    import psycopg
    from fastapi import FastAPI

    app = FastAPI()
    RUNG = int(os.environ["FLOOR_RUNG"])
    DSN = os.environ["FLOOR_DSN"]
    _pool = queue.SimpleQueue()
    _apool = asyncio.Queue()

    if RUNG == 0:  # the event loop's own connections, no thread pool
        @app.on_event("startup")
        async def _open() -> None:
            for _ in range(8):
                _apool.put_nowait(await psycopg.AsyncConnection.connect(DSN))

        @app.post("/api/cases", status_code=201)
        async def report_async(body: dict) -> dict:
            conn = await _apool.get()
            try:
                case_id = uuid.uuid4().hex[:20]
                await conn.execute("INSERT INTO report VALUES (%s, 1, %s)",
                                   (case_id, json.dumps(body, ensure_ascii=False)))
                await conn.commit()
                return {"case_id": case_id}
            finally:
                _apool.put_nowait(conn)
    else:  # a sync endpoint on the thread pool, as Liandong's command endpoints are
        for _ in range(8):
            _pool.put(psycopg.connect(DSN))

        @app.post("/api/cases", status_code=201)
        def report(body: dict) -> dict:
            conn = _pool.get()
            try:
                if RUNG >= 2:
                    conn.execute("SELECT a.id FROM account a JOIN token t ON t.account_id = a.id "
                                 "WHERE t.hash = %s", ("t1",)).fetchone()
                if RUNG >= 3:
                    conn.execute("SELECT version FROM report WHERE id = %s", ("c1",)).fetchone()
                case_id = uuid.uuid4().hex[:20]
                conn.execute("INSERT INTO report VALUES (%s, 1, %s)",
                             (case_id, json.dumps(body, ensure_ascii=False)))
                conn.commit()
                return {"case_id": case_id}
            finally:
                _pool.put(conn)
''')

LAUNCH = textwrap.dedent('''
    import sys, uvicorn
    from liandong.server.http_protocol import NoDelayH11Protocol
    uvicorn.run("floor_app:app", port=int(sys.argv[2]), workers=int(sys.argv[1]), http=NoDelayH11Protocol,
                log_level="warning", access_log=False)
''')

SCHEMA = ["CREATE TABLE report (id text PRIMARY KEY, version int, body text)",
          "CREATE TABLE account (id text PRIMARY KEY)",
          "CREATE TABLE token (hash text PRIMARY KEY, account_id text)",
          "INSERT INTO account VALUES ('a1')", "INSERT INTO token VALUES ('t1', 'a1')",
          "INSERT INTO report VALUES ('c1', 1, '{}')"]

RUNGS = {0: "INSERT + COMMIT, async endpoint on the event loop's connections",
         1: "INSERT + COMMIT, sync endpoint on the thread pool",
         2: "+ the caller's account by token",
         3: "+ the case read before the write"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    name = f"floor_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    rows = []
    try:
        with create_engine(f"{PG_SERVER}/{name}").begin() as conn:
            for statement in SCHEMA:
                conn.execute(text(statement))
        dsn = f"{PG_SERVER.replace('postgresql+psycopg', 'postgresql')}/{name}"
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "floor_app.py").write_text(FLOOR_APP)
            for rung, label in RUNGS.items():
                port = free_port()
                env = {**os.environ, "FLOOR_DSN": dsn, "FLOOR_RUNG": str(rung)}
                proc = subprocess.Popen([sys.executable, "-c", LAUNCH, str(args.workers), str(port)], env=env,
                                        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    wait(f"http://127.0.0.1:{port}/docs", proc)
                    url = f"http://127.0.0.1:{port}/api/cases"
                    run_wrk(url, folder, 2, args.connections)  # warm up
                    rows.append((label, *run_wrk(url, folder, args.seconds, args.connections)))
                finally:
                    proc.terminate()
                    proc.wait(timeout=20)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"| bare FastAPI on PostgreSQL (wrk, {args.connections} connections, {args.seconds:.0f} s, "
          f"{args.workers} uvicorn workers), each request | requests/s | p50 ms | p90 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, rate, p50, p90, p99, errors in rows:
        print(f"| {label} | {rate:,.0f} | {p50:.1f} | {p90:.1f} | {p99:.1f} | {errors} |")


if __name__ == "__main__":
    main()
