"""Dashboards served from a real streaming standby (issue 11, scale-out), and the replication lag
of a burst of reports.

Starts a throwaway PostgreSQL primary and a hot standby made with ``pg_basebackup -R`` (streaming
replication) in a temporary directory on free loopback ports, initialises 梁溪区 on the primary,
wires the platform with ``replica_url`` at the standby, and measures:

1. the lag of each report of a burst: from its commit on the primary to the moment the standby
   has replayed its WAL position (a sampler polls ``pg_last_wal_replay_lsn()`` every ~1 ms);
2. that the dashboard is served from the standby: with replay paused, reports written on the
   primary are not on the dashboard; after resuming, they are, and the time it took;
3. the dashboard's time on the standby and on the primary.

Needs the server binaries (``/usr/lib/postgresql/15/bin`` or ``--bin``); run as root, the clusters
run as the ``postgres`` user (``runuser``). Nothing of the shared server on 5432 is touched.

    .venv/bin/python bench/replica_standby.py --reports 2000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from liandong.bootstrap import Platform, bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole
from liandong.domain.cases import commands as c
from liandong.web.dashboard import choose_period, dashboard_view

SCOPE = "320213"
STREETS = ("320213001", "320213015", "320213018")
LEADER = Principal(account_id="bench", username="bench", roles=frozenset({StaffRole.LEADER}),
                   department=f"{SCOPE}-gov")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lsn(value: str) -> int:
    high, low = value.split("/")
    return (int(high, 16) << 32) | int(low, 16)


class Cluster:
    """The primary and its standby, run as the postgres user when we are root."""

    def __init__(self, bin_dir: Path, base: Path) -> None:
        self.bin, self.base = bin_dir, base
        self.primary, self.standby = base / "primary", base / "standby"
        self.ports = {"primary": free_port(), "standby": free_port()}
        self.started: list[Path] = []

    def run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, cwd=self.base)

    def start(self, data: Path, port: int) -> None:
        self.run("pg_ctl", "-D", str(data), "-l", str(data.with_suffix(".log")), "-w", "-t", "60",
                 "-o", f"-p {port} -k {self.base} -c listen_addresses=127.0.0.1", "start")
        self.started.append(data)

    def up(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.run("initdb", "-D", str(self.primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8")
        with (self.primary / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nwal_keep_size = '512MB'\n"
                       "hot_standby = on\nhot_standby_feedback = on\n")
        self.start(self.primary, self.ports["primary"])
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres",
                 "-D", str(self.standby), "-R", "-X", "stream", "-c", "fast")
        self.start(self.standby, self.ports["standby"])

    def down(self) -> None:
        for data in reversed(self.started):
            try:
                self.run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
            except subprocess.CalledProcessError as exc:
                print(f"could not stop {data}: {exc.stderr.decode(errors='replace')}", file=sys.stderr)

    def url(self, which: str, database: str = "liandong") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.ports[which]}/{database}"

    def connect(self, which: str, database: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(host="127.0.0.1", port=self.ports[which], user="postgres", dbname=database,
                               autocommit=True)


@contextmanager
def cluster(bin_dir: Path) -> Iterator[Cluster]:
    base = Path(tempfile.mkdtemp(prefix="liandong-replica-"))
    found = Cluster(bin_dir, base)
    try:
        found.up()
        yield found
    finally:
        found.down()
        shutil.rmtree(base, ignore_errors=True)


def wait_replayed(standby: psycopg.Connection[Any], target: int, timeout: float = 60) -> float:
    """Seconds until the standby has replayed up to ``target``."""
    began = time.perf_counter()
    while True:
        row = standby.execute("SELECT pg_last_wal_replay_lsn()").fetchone()
        if row and row[0] is not None and lsn(str(row[0])) >= target:
            return time.perf_counter() - began
        if time.perf_counter() - began > timeout:
            raise TimeoutError("the standby did not catch up")
        time.sleep(0.001)


def current_lsn(primary: psycopg.Connection[Any]) -> int:
    row = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
    assert row is not None
    return lsn(str(row[0]))


def received(platform: Platform) -> tuple[int, float]:
    """The county dashboard's received count and the time the view took."""
    began = time.perf_counter()
    period, _, _ = choose_period(datetime.now(UTC), "", "", "")
    data = dashboard_view(platform, LEADER, SCOPE, period, "zh")
    return int(data["totals"]["received"]), time.perf_counter() - began


def report(platform: Platform, i: int) -> None:
    platform.bus().handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREETS[i % 3],),
                                       description=f"压测第{i}件：夜间施工噪声"))


def burst(platform: Platform, primary: psycopg.Connection[Any], standby: psycopg.Connection[Any],
          standby_port: int, n: int) -> dict[str, Any]:
    """n reports back to back; each one's lag from its commit to its replay on the standby."""
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(host="127.0.0.1", port=standby_port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            while not stop.is_set():
                row = conn.execute("SELECT pg_last_wal_replay_lsn()").fetchone()
                if row and row[0] is not None:
                    samples.append((time.perf_counter(), lsn(str(row[0]))))
                time.sleep(0.001)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    commits: list[tuple[float, int]] = []
    began = time.perf_counter()
    for i in range(n):
        report(platform, i)
        commits.append((time.perf_counter(), current_lsn(primary)))
    wrote = time.perf_counter() - began
    time.sleep(0.05)
    caught = wait_replayed(standby, commits[-1][1])
    time.sleep(0.01)
    stop.set()
    sampler.join()
    lags, j = [], 0
    for at, position in commits:  # samples and commits are both in time order
        while j < len(samples) and (samples[j][1] < position or samples[j][0] < at):
            j += 1
        if j < len(samples):
            lags.append((samples[j][0] - at) * 1000)
    lags.sort()

    def pct(p: float) -> float:
        return lags[min(len(lags) - 1, int(p * len(lags)))]

    return {"reports": n, "reports_per_s": round(n / wrote, 1), "lag_ms_p50": round(pct(0.50), 2),
            "lag_ms_p95": round(pct(0.95), 2), "lag_ms_p99": round(pct(0.99), 2),
            "lag_ms_max": round(lags[-1], 2), "lag_ms_mean": round(statistics.fmean(lags), 2),
            "caught_up_after_last_s": round(caught, 4), "sampler_interval_ms": round(
                (samples[-1][0] - samples[0][0]) * 1000 / max(len(samples) - 1, 1), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", type=Path, default=Path("/usr/lib/postgresql/15/bin"))
    parser.add_argument("--reports", type=int, default=2000, help="reports in the burst")
    parser.add_argument("--paused", type=int, default=50, help="reports written while replay is paused")
    parser.add_argument("--out", type=Path, help="write the result as JSON here")
    args = parser.parse_args(argv)
    if not (args.bin / "initdb").exists() or not (args.bin / "pg_basebackup").exists():
        print(f"no initdb/pg_basebackup in {args.bin}: skipped", file=sys.stderr)
        return 0
    result: dict[str, Any] = {}
    data_dir = Path(tempfile.mkdtemp(prefix="liandong-replica-data-"))
    try:
        measure(args, data_dir, result)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def measure(args: argparse.Namespace, data_dir: Path, result: dict[str, Any]) -> None:
    with cluster(args.bin) as pg:
        with pg.connect("primary") as admin:
            admin.execute("CREATE DATABASE liandong")
        from typer.testing import CliRunner

        done = CliRunner().invoke(cli, ["init", "--scope", SCOPE, "--database-url", pg.url("primary"),
                                        "--data-dir", str(data_dir)])
        assert done.exit_code == 0, done.output
        platform = bootstrap(Settings(database_url=pg.url("primary"), replica_url=pg.url("standby"),
                                      data_dir=data_dir))
        primary_only = bootstrap(Settings(database_url=pg.url("primary"), data_dir=data_dir))
        primary = pg.connect("primary")
        standby = pg.connect("standby")
        try:
            wait_replayed(standby, current_lsn(primary))
            report(platform, -1)  # warm the caches (ledger, rules) outside the timings
            result["burst"] = burst(platform, primary, standby, pg.ports["standby"], args.reports)
            print("burst:", json.dumps(result["burst"], ensure_ascii=False))

            standby.execute("SELECT pg_wal_replay_pause()")
            before, _ = received(platform)
            for i in range(args.paused):
                report(platform, i)
            target = current_lsn(primary)
            on_standby, _ = received(platform)
            on_primary, _ = received(primary_only)
            standby.execute("SELECT pg_wal_replay_resume()")
            catch_up = wait_replayed(standby, target)
            after, _ = received(platform)
            result["paused"] = {"reports": args.paused, "dashboard_before": before,
                                "dashboard_from_standby_while_paused": on_standby,
                                "dashboard_from_primary_while_paused": on_primary,
                                "caught_up_after_resume_s": round(catch_up, 4),
                                "dashboard_from_standby_after": after}
            print("paused replay:", json.dumps(result["paused"], ensure_ascii=False))
            assert on_standby == before and on_primary == before + args.paused == after, result["paused"]

            timings = {"standby": [received(platform)[1] for _ in range(5)],
                       "primary": [received(primary_only)[1] for _ in range(5)]}
            result["dashboard_ms"] = {k: {"best": round(min(v) * 1000, 1),
                                          "median": round(statistics.median(v) * 1000, 1)}
                                      for k, v in timings.items()}
            result["cases"] = after
            print("dashboard view (county, 30 days):", json.dumps(result["dashboard_ms"]))
        finally:
            primary.close()
            standby.close()
            for p in (platform, primary_only):
                for engine in (p.engine, p.replica):
                    if engine is not None:
                        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
