"""A store at a megacity's volume for benchmarks (issue 28 point 4): the simulator's workload over
a scope, scaled to the number of cases asked for, each case driven through the platform's own
commands (report, dispatch, sign, handle, summons, assists, resolution, follow-up, 重办, the
escalation chain at the platform's sweep times: the demo's plan, ``simulation.demo``) and stored.

Two ways to store, the same rows:

- ``bulk`` (the default): the commands run on the message bus against ``CaptureStore``, the SQL
  case store itself with its statements caught in memory (``bench/volume_store.py``), and the rows
  are written per chunk with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL);
- ``commands``: the same commands through the message bus on the SQL store, a transaction per
  ten minutes of virtual time, as the demo writes.

A bulk-loaded store holds exactly what the command path writes for the same commands — case rows,
events, outbox rows, 案件编号 and day counters, places, spots, members, 待办 duties, fact rows, phone
digests, notices (``tests/integration/test_volume.py`` compares them table by table) — except the shared
record: neither path here writes the ledger (no leaves, no signatures, no ``case_salt``), so
``ledger verify`` has nothing to check on this history. Cases are generated in chunks of receipt
order, each chunk run to its end before the next: event sequence numbers interleave the cases
of a chunk in time, not the whole period. Ids are the platform's (``ordered_id``) taken from the
virtual time of the report, so they sort in order of receipt as live ones do.

Megacity-month: ``--scope 110000 --days 30 --cases 2000000`` (北京市); province-year:
``--scope 320000 --days 365`` (江苏省, at the simulator's rate unless ``--cases``).

Run: .venv/bin/python bench/volume.py --cases 2000000 --backend sqlite --out /tmp/month.sqlite3
     .venv/bin/python bench/volume.py --cases 200000 --backend postgresql --out volume_month
     (PostgreSQL: ``--out`` names a database on LIANDONG_TEST_PG_URL or 127.0.0.1:5432, created
     if missing; a SQLite ``--out`` that exists is refused unless ``--append``, and a load added
     to a store needs a seed, end or length of its own: reports carry a key made of them)
Import: ``from volume import generate_volume`` (bench/ on the path), or ``load_volume`` below.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from sqlalchemy import create_engine, text

from liandong.adapters.sql.case_reads import SqlCaseReads
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.cases.states import CaseState
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.services.bus import Result
from liandong.services.cases import MessageBus
from liandong.services.clock import Clock, ManualClock
from liandong.simulation.demo import DemoLoader, DemoSummary, demo_config
from liandong.simulation.model import Run
from liandong.simulation.texts import ReportTexts
from liandong.simulation.workload import generate
from liandong.simulation.world import World

sys.path.insert(0, str(Path(__file__).resolve().parent))
from volume_store import CaptureNotices, CaptureStore, Rows, Writer

END = datetime(2026, 12, 1, tzinfo=SHANGHAI)  # the month of November 2026 by default
PG_SERVER = os.environ.get("LIANDONG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
Progress = Callable[[str, int, int], None]


@dataclass
class VolumeSummary:
    cases: int
    commands: int
    refused: int
    chain_events: int
    open_cases: int
    plan_seconds: float
    store_seconds: float
    refusals: dict[str, int] = field(default_factory=dict)
    """The codes of the refused commands (the plan asks for steps the case may no longer take)."""
    cpu_seconds: float = 0.0
    """CPU time of storing, this process and its workers (on a shared machine: the cost that counts)."""

    @property
    def per_minute(self) -> float:
        return self.cases / max(self.store_seconds, 1e-9) * 60


class _NoLedger:
    def checkpoint(self, uow: Any, now: datetime) -> None:
        return None


class _Platform:
    """What ``DemoLoader`` reads of a platform: its reference data and rules, a unit of work and a
    bus on the given clock, and no ledger (no checkpoints)."""

    def __init__(self, platform: Platform, uow: Callable[[], Any], bus: Callable[[Clock], MessageBus]) -> None:
        self.hierarchy, self.catalogue, self.rules = platform.hierarchy, platform.catalogue, platform.rules
        self.uow, self._bus, self.ledger = uow, bus, _NoLedger()

    def bus(self, clock: Clock) -> MessageBus:
        return self._bus(clock)


class CaptureUnitOfWork:
    """One unit of work over ``CaptureStore`` (commands go one by one: no savepoints)."""

    supports_savepoints = False

    def __init__(self, store: CaptureStore) -> None:
        self.cases, self.case_reads, self.instruments = store, SqlCaseReads(store), CaptureNotices(store)

    def __enter__(self) -> CaptureUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    def commit(self) -> None:
        self.cases.flush()
        self.cases.committed()

    def rollback(self) -> None:
        self.cases.rolled_back()


@dataclass
class ChunkBus(MessageBus):
    """The message bus whose escalation sweep sees only the chunk being generated (``chunk``:
    the loader's report index → case id): a chunk runs from the start of the period again, so the
    cases of chunks before, at their end already, must not be checked again at earlier times."""

    chunk: dict[int, str] = field(default_factory=dict)

    def candidates(self, uow: Any, now: datetime, horizon: timedelta) -> list[str]:
        """What ``MessageBus.sweep`` checks: open cases due within ``horizon``, returned cases."""
        ids = uow.cases.open_due_before(now + horizon)
        return sorted({*ids, *uow.case_reads.in_states((CaseState.RETURNED.value,))})

    def sweep(self, *, horizon: timedelta = timedelta(days=7)) -> int:
        now, mine = self.clock.now(), set(self.chunk.values())
        with self.uow() as uow:
            ids = [i for i in self.candidates(uow, now, horizon) if i in mine]
        fired = 0
        for case_id in ids:
            try:
                fired += len(self.handle(c.CheckDeadlines(by="platform", case_id=case_id)).events)
            except DomainError as exc:
                if exc.code != "case.conflict":
                    raise
        return fired


@dataclass
class CaptureBus(ChunkBus):
    """The same sweep on the capture store, less the open cases on which the chain cannot fire yet
    (``CaptureStore.due_for_check``): the same events for much less work."""

    def candidates(self, uow: Any, now: datetime, horizon: timedelta) -> list[str]:
        found: list[str] = uow.cases.due_for_check(now, horizon)
        return found

    def handle_batch(self, commands: Sequence[Any]) -> list[Result | DomainError]:
        """One by one, as the bus does without savepoints, but an error other than a refusal stops
        the load (the bus would count it refused; rows it wrote cannot be taken back here)."""
        out: list[Result | DomainError] = []
        for command in commands:
            try:
                out.append(self.handle(command))
            except DomainError as exc:
                out.append(exc)
        return out


def _ids(clock: Clock, seed: int) -> Callable[[], str]:
    """``ordered_id`` at the virtual time of the report, its random part drawn from ``seed``."""
    rng = np.random.default_rng(seed)

    def new_id() -> str:
        return f"{int(clock.now().timestamp() * 1000):011x}{int(rng.integers(16**9)):09x}"

    return new_id


class VolumeLoader(DemoLoader):
    """The demo's plan over every report of a scaled workload, in chunks of receipt order; each
    report is dispatched by the 12345 centre of its own city (a province has many)."""

    def __init__(self, platform: Any, *, scope: str, days: int, cases: int | None, seed: int,
                 end: datetime, progress: Progress | None = None) -> None:
        say = progress or (lambda *_: None)
        self.platform, self.days, self.end, self.seed = platform, days, end, seed
        config = demo_config(days, end)
        if cases is not None:  # the simulator's rate scaled so that a little more than asked is drawn
            sample = min(days, 14)  # two weeks of the default rate tell the rate of the whole
            probe = len(generate(platform.hierarchy, platform.catalogue, config, scope=scope, days=sample,
                                 seed=seed)) * days / sample
            rate = config.arrivals.per_township_per_day * cases / max(probe, 1) * 1.03
            config = config.with_overrides({"arrivals.per_township_per_day": rate})
        self.config = config
        self.tag = f"{config.start.astimezone(SHANGHAI):%Y%m%d}-{days}-{seed}"
        say("workload", 0, 3)
        self.workload = generate(platform.hierarchy, platform.catalogue, config, scope=scope, days=days, seed=seed)
        say("world", 1, 3)
        self.world = World.build(platform.rules(), config, self.workload, days)
        say("simulated outcomes", 2, 3)
        self.outcomes = Run(self.world, "linkage", self.world.staffing(days), seed).run()
        n = len(self.workload)
        rng = np.random.default_rng(seed)
        picked = np.arange(n) if cases is None or cases >= n else np.sort(rng.choice(n, cases, replace=False))
        self.picked: list[int] = picked.tolist()
        self.chosen: list[int] = []
        self.texts = ReportTexts.load(platform.catalogue.matters)
        self.rng = rng
        self.clock = ManualClock(config.start)
        self.bus = platform.bus(self.clock)
        self.ids: dict[int, str] = {}
        self.summary = DemoSummary()
        h, w = platform.hierarchy, self.workload
        self.cities = {code: h.nearest_at_or_above(code, Level.CITY).code for code in w.codes}
        self.city = self.cities[w.codes[0]]

    def _commands(self, step: int, i: int) -> list[c.Command]:
        self.city = self.cities[self.workload.codes[int(self.workload.place[i])]]
        return super()._commands(step, i)

    def _report(self, i: int) -> c.ReportCase:
        """The demo's report, under a key of this load's own (one store may hold many loads)."""
        self.city = self.cities[self.workload.codes[int(self.workload.place[i])]]
        return replace(super()._report(i), idempotency_key=f"volume-{self.tag}-{i}")

    def run_chunk(self, number: int, chosen: list[int]) -> DemoSummary:
        """Chunk ``number`` (the reports ``chosen``) from the start of the period to its end, with
        ids drawn from a stream of its own (so chunks may run in any process)."""
        self.chosen, self.ids, self.summary = chosen, {}, DemoSummary()
        self.bus.chunk = self.ids
        self.bus.new_id = _ids(self.clock, self.seed * 1_000_003 + number)
        return self.run()


_FORKED: tuple[VolumeLoader, Rows] | None = None  # the parent's loader, inherited by forked workers


def _chunk(loader: VolumeLoader, rows: Rows, job: tuple[int, list[int]]) -> tuple[Rows, DemoSummary, int]:
    """Run one chunk; its table rows (taken out of ``rows``), what it did, and how many stay open."""
    summary = loader.run_chunk(*job)
    still_open = sum(1 for r in rows.cases.values() if r["is_open"])
    return rows.take(), summary, still_open


def _forked_chunk(job: tuple[int, list[int]]) -> tuple[Rows, DemoSummary, int]:
    assert _FORKED is not None
    return _chunk(*_FORKED, job)


def load_volume(platform: Platform, *, scope: str = "110000", days: int = 30, cases: int | None = 2_000_000,
                seed: int = 1, end: datetime = END, chunk: int = 10_000, mode: str = "bulk",
                workers: int = 1, progress: Progress | None = None) -> VolumeSummary:
    """Fill ``platform``'s SQL store with ``cases`` reports of ``scope`` over ``days`` days ending
    at ``end`` (all the simulator draws when ``cases`` is None), each run through its commands
    and stored in bulk (``mode="bulk"``) or command by command (``mode="commands"``). ``workers``
    above 1 (bulk only) runs chunks in that many forked processes while this one writes them."""
    global _FORKED
    engine = platform.engine
    assert engine is not None, "a SQL store"
    began = time.perf_counter()
    rows = Rows()
    store = CaptureStore(SimpleNamespace(dialect=engine.dialect), rows, platform.rules())
    shim: _Platform
    if mode == "bulk":
        unit = CaptureUnitOfWork(store)
        shim = _Platform(platform, lambda: unit, lambda clock: CaptureBus(
            uow=lambda: unit, rules=platform.rules(), clock=clock, new_id=_ids(clock, seed)))
    elif mode == "commands":
        shim = _Platform(platform, lambda: SqlUnitOfWork(engine), lambda clock: ChunkBus(
            uow=lambda: SqlUnitOfWork(engine), rules=platform.rules(), clock=clock, new_id=_ids(clock, seed)))
    else:
        raise ValueError(f"mode {mode!r}: bulk or commands")
    loader = VolumeLoader(shim, scope=scope, days=days, cases=cases, seed=seed, end=end, progress=progress)
    planned = time.perf_counter() - began
    writer = Writer(engine) if mode == "bulk" else None
    jobs = list(enumerate(loader.picked[start:start + chunk] for start in range(0, len(loader.picked), chunk)))
    done, open_cases, summary, started, cpu = 0, 0, DemoSummary(), time.perf_counter(), _cpu()
    pool = None
    if writer is not None and workers > 1:
        engine.dispose()  # no connection of this process is inherited by the workers
        _FORKED = (loader, rows)
        pool = multiprocessing.get_context("fork").Pool(workers)
        results: Iterator[tuple[Rows, DemoSummary, int]] = pool.imap(_forked_chunk, jobs)
    else:
        results = (_chunk(loader, rows, job) for job in jobs)
    try:
        for (_, part), (table_rows, made, still_open) in zip(jobs, results, strict=True):
            if writer is not None:
                writer.write(table_rows)
            open_cases += still_open
            summary.reports += made.reports
            summary.commands += made.commands
            summary.refused.update(made.refused)
            summary.chain_events += made.chain_events
            done += len(part)
            if progress:
                progress("cases", done, len(loader.picked))
    finally:
        if pool is not None:
            pool.terminate()  # and joined: their CPU time is counted
            pool.join()
        _FORKED = None
    if writer is not None:
        writer.finish()
    else:
        with engine.connect() as conn:
            open_cases = int(conn.exec_driver_sql("SELECT count(*) FROM case_record WHERE is_open").scalar_one())
    return VolumeSummary(cases=summary.reports, commands=summary.commands, refused=sum(summary.refused.values()),
                         chain_events=summary.chain_events, open_cases=open_cases, plan_seconds=planned,
                         store_seconds=time.perf_counter() - started, refusals=dict(summary.refused),
                         cpu_seconds=_cpu() - cpu)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def generate_volume(url: str, **options: Any) -> VolumeSummary:
    """``load_volume`` into the store at ``url`` (SQLite or PostgreSQL), migrated first."""
    with tempfile.TemporaryDirectory() as folder:
        platform = bootstrap(Settings(database_url=url, data_dir=Path(folder)))
        try:
            return load_volume(platform, **options)
        finally:
            if platform.engine is not None:
                platform.engine.dispose()


def postgres_database(name: str) -> str:
    """The URL of database ``name`` on the benchmark server, created if it is missing."""
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{PG_SERVER}/{name}"


def printer(started: float) -> Progress:
    def show(stage: str, done: int, total: int) -> None:
        took = time.perf_counter() - started
        print(f"[{took:7.1f} s] {stage}: {done:,} / {total:,}", file=sys.stderr, flush=True)

    return show


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2_000_000, help="reports to store (0: the simulator's rate)")
    ap.add_argument("--scope", default="110000", help="the served area (110000 北京市; 320000 江苏省)")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--end", default=END.date().isoformat(), help="the day after the last (Beijing)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=10_000, help="reports run together (their events interleave)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes making chunks (bulk)")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--mode", choices=("bulk", "commands"), default="bulk")
    ap.add_argument("--out", required=True, help="a SQLite file, or a PostgreSQL database name")
    ap.add_argument("--append", action="store_true", help="add to an existing store")
    args = ap.parse_args()
    if args.backend == "sqlite":
        path = Path(args.out)
        if path.exists() and not args.append:
            raise SystemExit(f"{path} exists (--append to add to it)")
        url = f"sqlite+pysqlite:///{path}"
    else:
        url = postgres_database(args.out)
    end = datetime.fromisoformat(args.end).replace(tzinfo=SHANGHAI)
    started = time.perf_counter()
    s = generate_volume(url, scope=args.scope, days=args.days, cases=args.cases or None, seed=args.seed,
                        end=end, chunk=args.chunk, mode=args.mode, workers=args.workers, progress=printer(started))
    print(f"{s.cases:,} cases ({s.open_cases:,} open), {s.commands:,} commands ({s.refused:,} refused), "
          f"{s.chain_events:,} chain events; plan {s.plan_seconds:.0f} s, store {s.store_seconds:.0f} s "
          f"= {s.per_minute:,.0f} cases/min ({args.mode}, {args.backend}) → {args.out}; CPU {s.cpu_seconds:.0f} s "
          f"= {s.cases / max(s.cpu_seconds, 1e-9) * 60:,.0f} cases per CPU-minute")
    if s.refusals:
        print("refused: " + ", ".join(f"{code} {n:,}" for code, n in sorted(s.refusals.items())))


if __name__ == "__main__":
    main()

