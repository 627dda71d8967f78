"""Load harness (issue 11): a real ``liandong serve`` on loopback, on a fresh store of its own, driven
by a scripted mix of the case journey at target rates, bounded in count and time.

Open-loop arrivals (Poisson, seeded) in four streams: new reports (``POST /api/cases`` with an
Idempotency-Key, at 梁溪区's streets, about matters whose lead has a demo account); commands, each
the next step of the oldest case waiting for one (派单 by the 12345 centre, 签收 by the lead, 吹哨 by
the street office, 报到 by the summoned district department, its rating, 办结 by the lead, 回访 and
归档 by the centre); reads (a lead's inbox, a case); and the city dashboard page. Printed: per
operation the count, errors by status, throughput and p50/p95/p99 latency (from when the request
was due, so falling behind shows), the client's and the server's CPU, and the checks at the end:
every acknowledged report is stored exactly once (all of them in the store, and a sample re-posted
with its key answers duplicate=true with the same id) and ``liandong ledger verify`` passes.

Run (the defaults are the lines below; ``--out FILE`` writes the result as JSON):
    .venv/bin/python bench/load.py --reports-per-s 50 --commands-per-s 150 --reads-per-s 50 --duration 60
    .venv/bin/python bench/load.py --backend postgres --workers 2 --reports-per-s 100 --commands-per-s 400
PostgreSQL: a database ``load_<random>`` is made on LIANDONG_TEST_PG_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432) and dropped at the end. Exit 1 if a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from liandong.services.intake import scoped_key

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_mix import ACCOUNTS, EXTRA_ACCOUNTS, OPERATIONS, READS, SCENARIOS, STEPS, Driver, Rates, RawClient

PG_SERVER = os.environ.get("LIANDONG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
# ``liandong``'s main started with -c, as tests/e2e/test_crash.py does: uvicorn's spawned workers then
# do not re-import the heavy CLI module before answering the supervisor's health ping.
LIANDONG = [sys.executable, "-c", "import sys; from liandong.cli import main; sys.exit(main())"]
ACCOUNTS_AND_KEYS = """
from datetime import UTC, datetime
from liandong.bootstrap import bootstrap
from liandong.services.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from liandong.services.accounts import create_account
from liandong.services.ledger import PLATFORM_SIGNER
platform = bootstrap()
ensure_demo_accounts(uow=platform.uow(), now=datetime.now(UTC))
ledger = platform.ledger  # loaded before the write transaction: it reads with a connection of its own
with platform.uow() as uow:  # the keys a server would otherwise create on its first requests
    now = datetime.now(UTC)
    for username, department, roles in EXTRA:
        create_account(uow=uow, username=username, password=DEMO_PASSWORD, department=department,
                       roles=roles, now=now)
    ledger.private_key(uow, PLATFORM_SIGNER, "platform", now)
    ledger.log_signer(uow, now)
    for code in ledger.witnesses:
        ledger.witness(uow, code, now)
    uow.commit()
"""
COMMAND_P99_MS, READ_P99_MS = 150.0, 300.0  # the targets (commands incl. reports; inbox and case)


@dataclass(frozen=True)
class Config:
    backend: str = "sqlite"
    workers: int = 1
    reports_per_s: float = 50
    commands_per_s: float = 150
    reads_per_s: float = 50
    dashboards_per_s: float = 0.2
    duration: float = 60
    seed: int = 11
    connections: int = 256
    max_inflight: int = 2000
    timeout: float = 30
    drain: float = 30
    sample: int = 500
    keep: bool = False


@dataclass(frozen=True)
class Store:
    data_dir: Path
    database_url: str | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIANDONG_")}
        env.update(LIANDONG_DATA_DIR=str(self.data_dir), LIANDONG_PUBLIC_INTAKE_LIMIT="100000000/minute")
        if self.database_url:
            env["LIANDONG_DATABASE_URL"] = self.database_url
        return env

    def url(self) -> str:
        return self.database_url or f"sqlite+pysqlite:///{self.data_dir / 'liandong.sqlite3'}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def initialise(store: Store) -> None:
    """``liandong init --scope 320200``, the demo accounts (and the harness's extra ones) and the
    platform's keys."""
    accounts = f"EXTRA = {EXTRA_ACCOUNTS!r}\n{ACCOUNTS_AND_KEYS}"
    for args in ([*LIANDONG, "init", "--scope", "320200"], [sys.executable, "-c", accounts]):
        done = subprocess.run(args, env=store.env(), capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[-3:])} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")


class Server:
    """``liandong serve`` in its own process group, so that uvicorn's workers stop with it."""

    def __init__(self, store: Store, workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [*LIANDONG, "serve", "--port", str(self.port), "--workers", str(workers)],
                env=store.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """CPU used so far by the server's processes (reaped workers included through cutime)."""
        return sum(cpu for pgrp, cpu in _processes() if pgrp == self.proc.pid)

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=wait)
                return


def _processes() -> list[tuple[int, float]]:
    """(process group, CPU seconds incl. reaped children) of every process."""
    tick = os.sysconf("SC_CLK_TCK")
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                found.append((int(fields[2]), sum(int(x) for x in fields[11:15]) / tick))
    return found


def _postgres_cpu() -> float:
    """CPU used so far by the PostgreSQL cluster's processes (the postmaster's cutime holds the
    backends that ended). The whole cluster: other databases' work counts too."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                if stat.partition("(")[2].startswith("postgres"):
                    total += sum(int(x) for x in stat.rpartition(")")[2].split()[11:15]) / tick
    return total


def _machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - values[3] - values[4]) / tick, sum(values) / tick


def tokens(base: str) -> dict[str, str]:
    found = {}
    for name in ACCOUNTS:
        answer = httpx.post(f"{base}/api/auth/token", json={"username": name, "password": "liandong-demo"},
                            timeout=30)
        answer.raise_for_status()
        found[name] = answer.json()["access_token"]
    return found


async def probe(client: RawClient, auth: dict[str, str]) -> None:
    """Before the load (and unmeasured): one whole journey per scenario, checking that the lead is
    the department whose demo account acts for it, then a read of each kind; warms the server too."""

    def bearer(account: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {auth[account]}"}

    for scenario in SCENARIOS:
        key = f"probe-{uuid.uuid4().hex[:12]}"
        answer = await client.request("POST", "/api/cases", body=scenario.body(key), headers={"Idempotency-Key": key})
        if answer.status != 201:
            raise RuntimeError(f"probe report ({scenario.name}): {answer.status} {answer.body[:300]!r}")
        case_id = json.loads(answer.body)["case_id"]
        for n, step in enumerate(STEPS[scenario.name]):
            answer = await client.request("POST", f"/api/cases/{case_id}/{step.command}", body=step.body,
                                          headers=bearer(step.account))
            if not 200 <= answer.status < 300:
                raise RuntimeError(f"probe {step.command} ({scenario.name}): {answer.status} {answer.body[:300]!r}")
            if n == 0:
                lead = json.loads((await client.request("GET", f"/api/cases/{case_id}",
                                                        headers=bearer("centre"))).body)["lead"]
                if lead != ACCOUNTS[scenario.lead]:
                    raise RuntimeError(f"probe ({scenario.name}): the lead is {lead}, not {ACCOUNTS[scenario.lead]}")
    for scenario in SCENARIOS:
        await client.request("GET", f"/api/inbox/{ACCOUNTS[scenario.lead]}", headers=bearer(scenario.lead))
    answer = await client.request("GET", "/work/dashboard", headers={"Cookie": f"ld_session={auth['centre']}"})
    if answer.status != 200:
        raise RuntimeError(f"probe dashboard: {answer.status}")


async def resubmit(client: RawClient, driver: Driver, sample: int, seed: int) -> dict[str, Any]:
    """A sample of the acknowledged reports posted again with their keys: each must answer
    200 duplicate=true with the same case id."""
    by_name = {s.name: s for s in SCENARIOS}
    keys = sorted(driver.acked)
    chosen = random.Random(seed).sample(keys, min(sample, len(keys)))
    wrong: list[str] = []

    async def again(share: list[str]) -> None:
        for key in share:
            case_id, name = driver.acked[key]
            answer = await client.request("POST", "/api/cases", body=by_name[name].body(key),
                                          headers={"Idempotency-Key": key})
            data = json.loads(answer.body) if answer.status in (200, 201) else {}
            if answer.status != 200 or data.get("duplicate") is not True or data.get("case_id") != case_id:
                wrong.append(f"{key}: {answer.status} {answer.body[:200]!r}")

    await asyncio.gather(*(again(chosen[i::8]) for i in range(8)))
    return {"resubmitted": len(chosen), "wrong": len(wrong), "examples": wrong[:5]}


def stored_check(store: Store, driver: Driver) -> dict[str, Any]:
    """Every acknowledged report in the store exactly once, under its key, with the id it was given."""
    engine = create_engine(store.url())
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT idempotency_key, id FROM case_record "
                                     "WHERE idempotency_key IS NOT NULL")).all()
    finally:
        engine.dispose()
    # the store keeps a key as its owner's (an anonymous client at 127.0.0.1): ``scoped_key``
    raw = {scoped_key("anonymous:127.0.0.1", key): key for key in driver.acked}
    rows = [(raw[key], case_id) for key, case_id in rows if key in raw]
    seen: dict[str, list[str]] = {}
    for key, case_id in rows:
        seen.setdefault(key, []).append(case_id)
    lost = [k for k, (case_id, _) in driver.acked.items() if case_id not in seen.get(k, [])]
    duplicated = [k for k, ids in seen.items() if len(ids) > 1]
    return {"acknowledged": len(driver.acked), "stored": len(rows), "lost": len(lost),
            "duplicated": len(duplicated), "examples": (lost + duplicated)[:5]}


def ledger_verify(store: Store) -> dict[str, Any]:
    began = time.monotonic()
    done = subprocess.run([*LIANDONG, "ledger", "verify", "--lang", "en"], env=store.env(), capture_output=True,
                          text=True, timeout=900)
    output = (done.stdout + done.stderr).strip()
    return {"ok": done.returncode == 0, "seconds": round(time.monotonic() - began, 1),
            "output": output.splitlines()[-1][:300] if output else ""}


def _pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile, in ms."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] * 1000, 1)


def summarise(driver: Driver, loaded: float) -> dict[str, Any]:
    rec, ops = driver.rec, {}
    for op in OPERATIONS:
        latencies, statuses = rec.latencies[op], rec.statuses[op]
        sent = sum(statuses.values())
        ops[op] = {"sent": sent, "ok": len(latencies), "errors": sent - len(latencies),
                   "error_statuses": {s: n for s, n in sorted(statuses.items()) if not s.startswith("2")},
                   "ok_per_s": round(len(latencies) / loaded, 1), "p50_ms": _pct(latencies, 0.50),
                   "p95_ms": _pct(latencies, 0.95), "p99_ms": _pct(latencies, 0.99),
                   "max_ms": _pct(latencies, 1.0)}
    sent = sum(o["sent"] for o in ops.values())
    errors = sum(o["errors"] for o in ops.values()) + rec.shed
    commands = [op for op in OPERATIONS if op not in READS]
    return {"operations": ops, "sent": sent, "errors": errors, "shed": rec.shed,
            "error_rate": errors / (sent + rec.shed) if sent + rec.shed else 0.0,
            "requests_per_s": round(sent / loaded, 1),
            "commands_sent_per_s": round(sum(ops[op]["sent"] for op in commands if op != "report") / loaded, 1),
            "command_arrivals_idle": rec.idle,
            "cases_completed": driver.completed, "cases_abandoned": driver.abandoned,
            "cases_waiting": len(driver.ready),
            "command_p99_ms": max((ops[op]["p99_ms"] or 0.0) for op in commands),
            "read_p99_ms": max((ops[op]["p99_ms"] or 0.0) for op in ("inbox", "case")),
            "client_lag_p99_ms": _pct(rec.lag, 0.99), "refusals": rec.samples[:10],
            "by_minute": by_minute(rec.timeline)}


def by_minute(timeline: list[tuple[float, str, float]]) -> list[dict[str, Any]]:
    """Per minute of load (by when each request was due): the commands' and reads' p99 and the
    dashboards' p50 / p99 — whether a figure holds throughout or grows with the store."""
    if not timeline:
        return []
    start = min(due for due, _, _ in timeline)
    minutes: dict[int, dict[str, list[float]]] = {}
    for due, op, seconds in timeline:
        group = "dashboard" if op == "dashboard" else "read" if op in READS else "command"
        minutes.setdefault(int((due - start) // 60), {}).setdefault(group, []).append(seconds)
    return [{"minute": m + 1, "requests": sum(len(v) for v in g.values()),
             "command_p99_ms": _pct(g.get("command", []), 0.99), "read_p99_ms": _pct(g.get("read", []), 0.99),
             "dashboard_p50_ms": _pct(g.get("dashboard", []), 0.50),
             "dashboard_p99_ms": _pct(g.get("dashboard", []), 0.99)} for m, g in sorted(minutes.items())]


async def drive(config: Config, server: Server, auth: dict[str, str], admin: Any) -> dict[str, Any]:
    client = RawClient("127.0.0.1", server.port, connections=config.connections)
    try:
        await probe(client, auth)
        run = f"load{uuid.uuid4().hex[:8]}"
        rates = Rates(config.reports_per_s, config.commands_per_s, config.reads_per_s, config.dashboards_per_s)
        total = sum(asdict(rates).values()) * config.duration
        driver = Driver(client, auth, rates=rates, seed=config.seed, run=run, timeout=config.timeout,
                        max_inflight=config.max_inflight, max_requests=int(total * 1.5) + 100)
        pg = admin is not None
        cpu = (time.process_time(), server.cpu_seconds(), _machine(), _postgres_cpu() if pg else 0.0)
        loaded, drained = await driver.run_for(config.duration, config.drain)
        wall = loaded + drained
        busy, whole = _machine()
        result = summarise(driver, loaded)
        result.update(load_seconds=round(loaded, 2), drain_seconds=round(drained, 2), cpu={
            "client_core_share": round((time.process_time() - cpu[0]) / wall, 3),
            "server_core_share": round((server.cpu_seconds() - cpu[1]) / wall, 3),
            "postgres_core_share": round((_postgres_cpu() - cpu[3]) / wall, 3) if pg else None,
            "machine_busy_share": round((busy - cpu[2][0]) / (whole - cpu[2][1]), 3),
            "cores": os.cpu_count()})
        result["resubmission"] = await resubmit(client, driver, config.sample, config.seed)
        result["_driver"] = driver
        return result
    finally:
        client.close()


def run(config: Config, folder: Path | None = None) -> dict[str, Any]:
    """One whole run: a fresh store, the server, the probe, the load, the checks. The result as data."""
    began = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="liandong-load-", dir=folder))
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT") if config.backend == "postgres" else None
    store = Store(work / "data")
    server: Server | None = None
    phases: dict[str, float] = {}
    try:
        if admin is not None:
            name = f"load_{uuid.uuid4().hex[:10]}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            store = Store(work / "data", f"{PG_SERVER}/{name}")
        initialise(store)
        phases["initialise"] = time.monotonic() - began
        server = Server(store, config.workers, work / "server.log")
        server.wait()
        auth = tokens(server.base)
        phases["start"] = time.monotonic() - began - sum(phases.values())
        result = asyncio.run(drive(config, server, auth, admin))
        driver = result.pop("_driver")
        phases["load and resubmit"] = time.monotonic() - began - sum(phases.values())
        server.stop()
        server = None
        result["stored"] = stored_check(store, driver)
        result["ledger"] = ledger_verify(store)
        phases["checks"] = time.monotonic() - began - sum(phases.values())
        result["phases_s"] = {k: round(v, 1) for k, v in phases.items()}
        result["config"] = asdict(config)
        result["passed_checks"] = bool(result["stored"]["lost"] == result["stored"]["duplicated"] == 0
                                       and result["resubmission"]["wrong"] == 0 and result["ledger"]["ok"])
        result["sustained"] = bool(result["error_rate"] == 0 and result["command_p99_ms"] < COMMAND_P99_MS
                                   and result["read_p99_ms"] < READ_P99_MS)
        return result
    finally:
        if server is not None:
            server.stop()
        if admin is not None:
            if store.database_url is not None and config.keep:
                print(f"kept: {store.database_url}", file=sys.stderr)
            elif store.database_url is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{store.database_url.rsplit("/", 1)[1]}" WITH (FORCE)'))
            admin.dispose()
        if config.keep:
            print(f"kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def markdown(result: dict[str, Any]) -> str:
    c = result["config"]
    lines = [f"**{c['backend']}, {c['workers']} worker(s)**: offered {c['reports_per_s']:g} reports/s + "
             f"{c['commands_per_s']:g} commands/s + {c['reads_per_s']:g} reads/s + {c['dashboards_per_s']:g} "
             f"dashboards/s for {result['load_seconds']:.1f} s (seed {c['seed']})", "",
             "| operation | sent | 2xx | errors (status × n) | 2xx/s | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|"]
    for op, o in result["operations"].items():
        errors = ", ".join(f"{s} × {n}" for s, n in o["error_statuses"].items()) or "0"
        lines.append(f"| {op} | {o['sent']:,} | {o['ok']:,} | {errors} | {o['ok_per_s']:,.1f} | {_ms(o['p50_ms'])} | "
                     f"{_ms(o['p95_ms'])} | {_ms(o['p99_ms'])} | {_ms(o['max_ms'])} |")
    cpu, stored, again, ledger = result["cpu"], result["stored"], result["resubmission"], result["ledger"]
    lines += ["",
              f"- requests: {result['sent']:,} ({result['requests_per_s']:,.1f}/s), errors {result['errors']} "
              f"(shed by the client: {result['shed']}), error rate {result['error_rate']:.4%}",
              f"- commands sent {result['commands_sent_per_s']:,.1f}/s of {c['commands_per_s']:g}/s offered "
              f"({result['command_arrivals_idle']:,} arrivals found no case ready); cases completed "
              f"{result['cases_completed']:,}, abandoned after a refusal {result['cases_abandoned']:,}, "
              f"still waiting for a step {result['cases_waiting']:,}",
              f"- p99: commands {result['command_p99_ms']:,.1f} ms (target < {COMMAND_P99_MS:g}), reads "
              f"{result['read_p99_ms']:,.1f} ms (target < {READ_P99_MS:g}); client send lag p99 "
              f"{_ms(result['client_lag_p99_ms'])} ms",
              f"- CPU in cores (of {cpu['cores']}): client {cpu['client_core_share']:.2f}, server "
              f"{cpu['server_core_share']:.2f}"
              + (f", postgres cluster {cpu['postgres_core_share']:.2f}" if cpu["postgres_core_share"] is not None else "")
              + f"; the whole machine {cpu['machine_busy_share']:.0%} busy",
              f"- stored: {stored['acknowledged']:,} acknowledged reports, lost {stored['lost']}, duplicated "
              f"{stored['duplicated']}; re-posted {again['resubmitted']} with their keys, wrong {again['wrong']}",
              f"- ledger verify: {'ok' if ledger['ok'] else 'FAILED'} in {ledger['seconds']} s ({ledger['output']})",
              f"- phases (s): {result['phases_s']}",
              f"- verdict: {'SUSTAINED' if result['sustained'] else 'not sustained'} "
              f"(error rate 0 and the p99 targets); checks {'passed' if result['passed_checks'] else 'FAILED'}"]
    if len(result["by_minute"]) > 1:
        lines += ["", "| minute | requests | commands p99 ms | reads p99 ms | dashboards p50 / p99 ms |",
                  "|---:|---:|---:|---:|---:|",
                  *(f"| {m['minute']} | {m['requests']:,} | {_ms(m['command_p99_ms'])} | {_ms(m['read_p99_ms'])} "
                    f"| {_ms(m['dashboard_p50_ms'])} / {_ms(m['dashboard_p99_ms'])} |" for m in result["by_minute"])]
    if result["refusals"]:
        lines += ["", "first refusals:", *(f"    {r}" for r in result["refusals"])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--backend", choices=["sqlite", "postgres"], default="sqlite")
    add("--workers", type=int, default=1)
    add("--reports-per-s", type=float, default=Config.reports_per_s)
    add("--commands-per-s", type=float, default=Config.commands_per_s)
    add("--reads-per-s", type=float, default=Config.reads_per_s, help="inbox (3 in 4) and case reads")
    add("--dashboards-per-s", type=float, default=Config.dashboards_per_s)
    add("--duration", type=float, default=Config.duration, help="seconds of load (at most 900)")
    add("--seed", type=int, default=Config.seed)
    add("--connections", type=int, default=Config.connections)
    add("--max-inflight", type=int, default=Config.max_inflight)
    add("--timeout", type=float, default=Config.timeout, help="seconds per request")
    add("--sample", type=int, default=Config.sample, help="acknowledged reports re-posted at the end")
    add("--keep", action="store_true", help="keep the data directory and the database (and print where)")
    add("--out", type=Path, help="write the result as JSON")
    args = parser.parse_args()
    options = {k: v for k, v in vars(args).items() if k != "out"}
    options["duration"] = min(options["duration"], 900.0)
    result = run(Config(**options))
    print(markdown(result))
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["passed_checks"] else 1


if __name__ == "__main__":
    sys.exit(main())
