"""Crash safety: a real server is killed (SIGKILL, its whole process group) in the middle of concurrent
reports, dispatches and acknowledgements, then restarted on the same data. Every acknowledged command
(2xx received) must be there exactly once, every stored case whole (its events replay, each has its
ledger entry, the ledger verifies), and the outbox must still deliver each stored event exactly once
to NATS JetStream. On SQLite (one worker) and on PostgreSQL (two workers).

``bench/bench_crash.py`` runs :func:`crash_run` ten times in a row and prints each run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import random
import shutil
import signal
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.bootstrap import Platform, bootstrap
from liandong.cli import app as cli_app
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.services.demo_accounts import ensure_demo_accounts
from liandong.services.intake import scoped_key
from liandong.services.ledger import PLATFORM_SIGNER
from tests.support.nats import NATS_URL, nats_answers
from tests.support.processes import free_port, start, wait_healthy

PLACES = ["320213001", "320213015"]  # 梁溪区: the lead is 梁溪区城市管理局 (account liangxi_chengguan)
REPORTERS, COMMANDERS = 6, 2
# ``liandong`` itself (its ``main``), started with -c: uvicorn's spawned workers then do not re-import
# the heavy ``liandong.cli`` as their __main__ before answering the supervisor's 5-second health ping;
# with ``-m liandong.cli`` on a loaded machine they were killed and respawned for up to a minute.
LIANDONG = [sys.executable, "-c", "import sys; from liandong.cli import main; sys.exit(main())"]


@dataclass(frozen=True)
class Store:
    """Where one platform's data lives: a data directory (the secret, SQLite) and maybe PostgreSQL."""

    data_dir: Path
    database_url: str | None = None

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIANDONG_")}
        env.update(LIANDONG_DATA_DIR=str(self.data_dir), LIANDONG_PUBLIC_INTAKE_LIMIT="1000000/minute",
                   **({"LIANDONG_DATABASE_URL": self.database_url} if self.database_url else {}), **extra)
        return env

    def invoke(self, *args: str, **extra: str) -> tuple[int, str]:
        """``liandong …`` in this process, seeing this store only (other LIANDONG_* unset)."""
        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("LIANDONG_")}
        env.update(self.env(**extra))
        result = CliRunner().invoke(cli_app, list(args), env=env)
        return result.exit_code, result.output

    def url(self) -> str:
        return self.database_url or f"sqlite+pysqlite:///{self.data_dir / 'liandong.sqlite3'}"


def prepare(store: Store) -> Store:
    """``liandong init --scope 320200`` and the demo accounts, as tests/e2e/conftest.py does."""
    code, output = store.invoke("init", "--scope", "320200")
    assert code == 0, output
    platform = bootstrap(Settings(data_dir=store.data_dir, database_url=store.database_url))
    ensure_demo_accounts(uow=platform.uow(), now=datetime.now(UTC))
    with platform.uow() as uow:  # the keys a server would otherwise create on first use (see below)
        now = datetime.now(UTC)
        platform.ledger.private_key(uow, PLATFORM_SIGNER, "platform", now)
        platform.ledger.log_signer(uow, now)
        for code in platform.ledger.witnesses:
            platform.ledger.witness(uow, code, now)
        uow.commit()
    assert platform.engine is not None
    platform.engine.dispose()
    return store


def clone(template: Store, work: Path, admin: Engine | None) -> Store:
    """A copy of an initialised store: the data directory, and a database made from the template."""
    shutil.copytree(template.data_dir, work / "data")
    if template.database_url is None:
        return Store(work / "data")
    assert admin is not None
    name = f"liandong_crash_{uuid.uuid4().hex[:10]}"
    source = template.database_url.rsplit("/", 1)[1]
    with admin.connect() as conn:  # a template must have no sessions (the in-process init left some)
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": source})
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    return Store(work / "data", f"{template.database_url.rsplit('/', 1)[0]}/{name}")


class Server:
    """``liandong serve`` in its own process group (uvicorn's workers die with it)."""

    def __init__(self, store: Store, log: Path, *, workers: int, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc = start([*LIANDONG, "serve", "--port", str(self.port), "--workers", str(workers)],
                          log=log, env=store.env(**env))

    def wait(self) -> Server:
        """Until /healthz answers (the process may be started while the caller does other work)."""
        wait_healthy(self.proc, f"{self.base}/healthz", log=self.log, deadline=90, every=0.1)
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=30)


@dataclass
class Load:
    """What the clients sent and what the server acknowledged (2xx received)."""

    run: str
    sent: set[str] = field(default_factory=set)
    acked: dict[str, str] = field(default_factory=dict)  # idempotency key → case id
    unanswered: set[str] = field(default_factory=set)  # sent, no answer: may or may not be stored
    dispatched: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)  # 4xx/5xx answers, which must not happen here
    lock: threading.Lock = field(default_factory=threading.Lock)
    todo: queue.Queue[str] = field(default_factory=queue.Queue)


def body(key: str) -> dict[str, object]:
    return {"matter": "social_life_noise", "affected": PLACES, "description": f"广场舞噪声 {key}",
            "reporter_name": "张三", "reporter_phone": "13812345678"}


def reporter(base: str, load: Load, worker: int, stop: threading.Event) -> None:
    with httpx.Client(base_url=base, timeout=15) as client:
        i = 0
        while not stop.is_set():
            key = f"{load.run}-{worker}-{i}"
            i += 1
            with load.lock:
                load.sent.add(key)
            try:
                answer = client.post("/api/cases", json=body(key), headers={"Idempotency-Key": key})
            except httpx.TransportError:
                with load.lock:
                    load.unanswered.add(key)
                return  # the server is gone
            with load.lock:
                if answer.status_code == 201 and not answer.json()["duplicate"]:
                    load.acked[key] = answer.json()["case_id"]
                    load.todo.put(answer.json()["case_id"])
                else:
                    load.refused.append(f"report {answer.status_code} {answer.text[:200]}")


def commander(base: str, load: Load, headers: dict[str, dict[str, str]], stop: threading.Event) -> None:
    """Dispatches (the 12345 centre) and acknowledges (the lead) the reported cases."""
    with httpx.Client(base_url=base, timeout=15) as client:
        while not stop.is_set():
            try:
                case_id = load.todo.get(timeout=0.05)
            except queue.Empty:
                continue
            for command, who, done in (("dispatch", "centre", load.dispatched),
                                       ("acknowledge", "handler", load.acknowledged)):
                try:
                    answer = client.post(f"/api/cases/{case_id}/{command}", headers=headers[who])
                except httpx.TransportError:
                    return
                with load.lock:
                    if answer.is_success:
                        done.add(case_id)
                    else:
                        load.refused.append(f"{command} {answer.status_code} {answer.text[:200]}")
                        break


def token(base: str, username: str) -> dict[str, str]:
    answer = httpx.post(f"{base}/api/auth/token", json={"username": username, "password": "liandong-demo"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@dataclass(frozen=True)
class Outcome:
    backend: str
    load_seconds: float  # from the first request to the kill
    sent: int
    acked_reports: int
    acked_commands: int  # dispatches and acknowledgements acknowledged
    unanswered: int
    stored_cases: int  # after the restart, before any retry
    stored_events: int  # at the end (after the retries and one report to the restarted server)
    relayed_before_kill: int  # messages the killed server's own relay had put in the stream
    relayed_after: int  # what ``liandong relay --once`` found pending after the restart
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each step

    def line(self) -> str:
        return (f"{self.backend}: load {self.load_seconds:.2f} s, sent {self.sent}, acknowledged "
                f"{self.acked_reports} reports + {self.acked_commands} commands, unanswered "
                f"{self.unanswered}, stored at the restart {self.stored_cases} cases, events at the end "
                f"{self.stored_events}, "
                f"relayed {self.relayed_before_kill} live + {self.relayed_after} after restart, "
                f"{self.seconds:.1f} s ("
                + ", ".join(f"{name} {spent:.1f}" for name, spent in self.phases.items()) + ")")


def crash_run(template: Store, work: Path, *, seed: int, workers: int = 1,
              admin: Engine | None = None) -> Outcome:
    """One run: load, SIGKILL, restart, and every check; an AssertionError names what failed."""
    started = time.monotonic()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        phases[name] = time.monotonic() - started - sum(phases.values())

    work.mkdir(parents=True, exist_ok=True)
    store = clone(template, work, admin)
    lap("clone")
    stream = f"CRASH{uuid.uuid4().hex[:10].upper()}"
    nats_env = {"LIANDONG_NATS_STREAM": stream, "LIANDONG_NATS_PREFIX": stream.lower()}
    try:
        load = Load(run=f"r{seed}-{uuid.uuid4().hex[:6]}")
        server = Server(store, work / "server.log", workers=workers, LIANDONG_NATS_URL=NATS_URL, **nats_env)
        stop, begun = threading.Event(), 0.0
        try:
            server.wait()
            headers = {"centre": token(server.base, "centre"),
                       "handler": token(server.base, "liangxi_chengguan")}
            lap("start")
            threads = [threading.Thread(target=reporter, args=(server.base, load, n, stop))
                       for n in range(REPORTERS)]
            threads += [threading.Thread(target=commander, args=(server.base, load, headers, stop))
                        for _ in range(COMMANDERS)]
            begun = time.monotonic()
            for thread in threads:
                thread.start()
            kill_at = begun + random.Random(seed).uniform(1.5, 3.5)  # somewhere in the middle of the load
            while time.monotonic() < kill_at or len(load.acked) < 20:
                assert time.monotonic() < begun + 60, "the load made no progress"
                time.sleep(0.01)
        finally:
            server.kill()  # SIGKILL to the whole process group
            load_seconds = time.monotonic() - begun if begun else 0.0
            stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert not load.refused, f"{load.refused[:5]}\n{server_errors(work / 'server.log')}"
        live = stream_ids(stream)
        lap("load")
        # the same data, one worker, no relay of its own; it boots while the store is checked
        restarted = Server(store, work / "server.log", workers=1, **nats_env)
        try:
            stored = check_store(store, load)
            check_retries(restarted.wait().base, store, load, stored)
            fresh = httpx.post(f"{restarted.base}/api/cases", json=body(f"{load.run}-after"),
                               headers={"Idempotency-Key": f"{load.run}-after"})
            assert fresh.status_code == 201, fresh.text  # the restarted server takes new reports
        finally:
            restarted.kill(signal.SIGTERM)
        lap("restart+retries")
        events = check_whole(store)
        lap("whole+verify")
        after = relay_and_check(store, stream, nats_env, events)
        lap("relay")
        return Outcome(backend="postgresql" if store.database_url else "sqlite", load_seconds=load_seconds,
                       sent=len(load.sent), acked_reports=len(load.acked),
                       acked_commands=len(load.dispatched) + len(load.acknowledged),
                       unanswered=len(load.unanswered), stored_cases=len(stored), stored_events=len(events),
                       relayed_before_kill=len(live), relayed_after=after,
                       seconds=time.monotonic() - started, phases=phases)
    finally:
        drop_stream(stream)
        if store.database_url and admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{store.database_url.rsplit("/", 1)[1]}" '
                                  "WITH (FORCE)"))


def server_errors(log: Path) -> str:
    """The server's last traceback, to say why a request failed."""
    text_ = log.read_text(errors="replace")
    start = text_.rfind("Traceback (most recent call last)")
    return text_[max(0, start - 300):start + 4000] if start >= 0 else "(no traceback in the server log)"


def raw_keys(load: Load) -> dict[str, str]:
    """The keys the clients sent, by the form the store keeps them in (their owner's, an anonymous
    client at 127.0.0.1: ``scoped_key``)."""
    return {scoped_key("anonymous:127.0.0.1", key): key for key in load.sent}


def check_store(store: Store, load: Load) -> dict[str, str]:
    """Right after the crash: every acknowledged command is stored, once; nothing unsent is."""
    engine = make_engine(store.url())
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT idempotency_key, id FROM case_record")).all()
            types = conn.execute(text("SELECT case_id, type FROM case_event WHERE type IN "
                                      "('CaseDispatched', 'CaseAcknowledged')")).all()
    finally:
        engine.dispose()
    raw = raw_keys(load)
    stored = {raw.get(key, key): case_id for key, case_id in rows}
    assert len(stored) == len(rows) and None not in stored  # one case per key, every case has its key
    missing = {k for k in load.acked if stored.get(k) != load.acked[k]}
    assert not missing, f"acknowledged reports lost or changed: {sorted(missing)[:5]}"
    assert set(stored) <= load.sent, "a case whose report was never sent"
    assert set(stored) - set(load.acked) <= load.unanswered
    dispatched = {cid for cid, kind in types if kind == "CaseDispatched"}
    acknowledged = {cid for cid, kind in types if kind == "CaseAcknowledged"}
    assert load.dispatched <= dispatched, f"acknowledged dispatches lost: {load.dispatched - dispatched}"
    assert load.acknowledged <= acknowledged, "acknowledged acknowledgements lost"
    return stored


def check_retries(base: str, store: Store, load: Load, stored: dict[str, str]) -> None:
    """Clients retry with the same key: an acknowledged or stored report answers as a duplicate of the
    same case; an unanswered one that never reached the store is taken now. Then there is exactly one
    case per key, for every key that reached the store."""
    keys = sorted(set(load.acked) | load.unanswered)

    def retry(share: list[str]) -> None:
        with httpx.Client(base_url=base, timeout=15) as client:
            for key in share:
                answer = client.post("/api/cases", json=body(key), headers={"Idempotency-Key": key})
                if key in stored:
                    assert answer.status_code == 200 and answer.json()["duplicate"] is True, answer.text
                    assert answer.json()["case_id"] == stored[key]
                else:
                    assert answer.status_code == 201 and answer.json()["duplicate"] is False, answer.text

    with ThreadPoolExecutor(4) as pool:
        for done in [pool.submit(retry, keys[i::4]) for i in range(4)]:
            done.result()  # an assertion in a thread fails here
    engine = make_engine(store.url())
    try:
        with engine.connect() as conn:
            raw = raw_keys(load)
            rows = conn.execute(text("SELECT idempotency_key FROM case_record"))
            keys_now = [raw.get(k, k) for (k,) in rows]
    finally:
        engine.dispose()
    assert len(keys_now) == len(set(keys_now)) and set(keys_now) == set(stored) | load.unanswered


def check_whole(store: Store) -> set[int]:
    """Every case replays from its events to its stored version and state; every event has its ledger
    entry and outbox row; ``liandong ledger verify`` passes. The stored events' sequence numbers."""
    engine = make_engine(store.url())
    try:
        with engine.connect() as conn:
            cases = conn.execute(text("SELECT id, version, state FROM case_record")).all()
            versions: dict[str, list[int]] = {}
            for case_id, version in conn.execute(text("SELECT case_id, case_version FROM case_event")):
                versions.setdefault(case_id, []).append(version)
            events = {int(s) for (s,) in conn.execute(text("SELECT seq FROM case_event"))}
            ledger = [int(s) for (s,) in conn.execute(text("SELECT event_seq FROM ledger_entry"))]
            outbox = {int(s) for (s,) in conn.execute(text("SELECT event_seq FROM outbox"))}
        with SqlUnitOfWork(engine) as uow:
            for case_id, version, state in cases:
                assert sorted(versions[case_id]) == list(range(1, version + 1)), case_id
                case = uow.cases.get(case_id)
                assert case is not None and (case.version, case.record.state.value) == (version, state)
    finally:
        engine.dispose()
    assert len(ledger) == len(set(ledger)) and set(ledger) == events, "events without their ledger entry"
    assert outbox == events
    code, output = store.invoke("ledger", "verify")
    assert code == 0 and "核验通过" in output, output
    return events


def relay_and_check(store: Store, stream: str, nats_env: dict[str, str], events: set[int]) -> int:
    """``liandong relay --once`` delivers what is pending; the stream then holds each event once."""
    engine = make_engine(store.url())
    try:
        with engine.connect() as conn:
            pending = conn.execute(text("SELECT count(*) FROM outbox WHERE NOT delivered")).scalar_one()
    finally:
        engine.dispose()
    code, output = store.invoke("relay", "--once", "--nats", NATS_URL, **nats_env)
    assert code == 0 and f"已投递 {pending} 条案件事件" in output and pending > 0, output
    ids = stream_ids(stream)
    assert len(ids) == len(set(ids)), "a message kept twice"
    assert set(ids) == {f"case-event-{seq}" for seq in events} and len(ids) == len(events)
    return int(pending)


def stream_ids(name: str) -> list[str]:
    """The Nats-Msg-Id of every message in the stream (none if it does not exist yet)."""
    import nats
    from nats.js.errors import NotFoundError

    async def read() -> list[str]:
        nc = await nats.connect(NATS_URL)
        try:
            js = nc.jetstream()
            try:
                info = await js.stream_info(name)
            except NotFoundError:
                return []
            ids = []
            for seq in range(info.state.first_seq, info.state.last_seq + 1) if info.state.messages else ():
                msg = await js.get_msg(name, seq)
                ids.append((msg.headers or {}).get("Nats-Msg-Id", ""))
            return ids
        finally:
            await nc.close()

    return asyncio.run(read())


def drop_stream(name: str) -> None:
    import nats
    from nats.js.errors import NotFoundError

    async def drop() -> None:
        nc = await nats.connect(NATS_URL)
        try:
            await nc.jetstream().delete_stream(name)
        except NotFoundError:
            pass
        finally:
            await nc.close()

    asyncio.run(drop())


def pg_template(admin: Engine, server: str, data_dir: Path) -> Store:
    name = f"liandong_crash_tpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return prepare(Store(data_dir, f"{server}/{name}"))


def drop_database(admin: Engine, url: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


# -- the short version in the normal suite -------------------------------------------------------

@pytest.fixture(scope="module")
def nats_server() -> str:
    if not nats_answers():
        pytest.skip(f"no NATS server with JetStream at {NATS_URL}")
    return NATS_URL


def test_sqlite_server_killed_mid_load_loses_nothing_acknowledged(
        nats_server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    template = prepare(Store(tmp_path_factory.mktemp("crash-sqlite-template")))
    outcome = crash_run(template, tmp_path_factory.mktemp("crash-sqlite"), seed=1)
    print(outcome.line())
    assert outcome.acked_reports >= 20 and outcome.stored_cases >= outcome.acked_reports


@pytest.mark.postgres
def test_postgres_server_with_two_workers_killed_mid_load_loses_nothing_acknowledged(
        nats_server: str, pg_admin: Engine, tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.support.databases import PG_SERVER

    template = pg_template(pg_admin, PG_SERVER, tmp_path_factory.mktemp("crash-pg-template"))
    try:
        outcome = crash_run(template, tmp_path_factory.mktemp("crash-pg"), seed=2, workers=2, admin=pg_admin)
    finally:
        assert template.database_url is not None
        drop_database(pg_admin, template.database_url)
    print(outcome.line())
    assert outcome.acked_reports >= 20 and outcome.stored_cases >= outcome.acked_reports



@pytest.mark.postgres
def test_two_workers_creating_the_platform_key_at_once_keep_a_ledger_that_verifies(
        pg_url: str, tmp_path: Path) -> None:
    """Found by the crash test with two workers on a fresh database: the first reports of both workers
    raced to create the platform's signing key; the loser's batch failed (HTTP 500) and that worker then
    signed with the key it cached but never stored. Keys made on first use are now derived from the
    platform secret and stored only when absent, so both workers hold the stored key.
    Interleaved here deterministically: worker B stores
    its key in a transaction that rolls back while worker A, waiting on it, stores and commits its own."""
    store = Store(tmp_path, pg_url)
    assert store.invoke("init", "--scope", "320213")[0] == 0
    a, b = (bootstrap(Settings(data_dir=tmp_path, database_url=pg_url)) for _ in range(2))

    def report(platform: Platform, description: str) -> None:
        platform.bus().handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                           description=description))

    with b.uow() as uow:
        b.ledger.private_key(uow, PLATFORM_SIGNER, "platform", datetime.now(UTC))
        first = threading.Thread(target=report, args=(a, "worker A"))
        first.start()
        first.join(timeout=1.0)  # A waits on B's uncommitted key row
        assert first.is_alive()
    first.join(timeout=30)  # B rolled back: A stored its own key and committed
    report(b, "worker B")
    try:
        with a.uow() as uow:
            verification = a.ledger.verify(uow)
        assert verification.ok, verification.bad_signature
    finally:
        for platform in (a, b):
            assert platform.engine is not None
            platform.engine.dispose()
