"""The inbox (待办) of a busy department: p50/p95 of a page of its duties with their countdowns and
the total (``Work.waiting``: what the web, the API and the CLI read), side by side with the bare
indexed query of the same rows, over a store where one department owes N duties (default 10,000)
among many more of other departments. Target (issue 23): p95 <= 50 ms on SQLite and PostgreSQL.

Data: cases reported at 梁溪区's streets over the past weeks and dispatched through the real
domain (a memory bus), half of them signed for, then written into the SQL tables as a store holds
them (records, events, duties) — the write path is measured elsewhere (bench_engine, bench_http).

Run: .venv/bin/python bench/bench_inbox.py [--duties 10000] [--others 40000] [--reads 300] [--pg]
     (--pg creates and drops a database of its own on the PostgreSQL at LIANDONG_TEST_PG_URL or
     127.0.0.1:5432)
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, select, text

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.adapters.sql import migrate
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import dumps
from liandong.adapters.sql.duties import duty_rows
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases import events as ev
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.duties import case_duties
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.work import Work

TARGET_P95 = 0.050
PAGE = 50
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
LEAD = "320213-urban_management"  # 梁溪区城市管理局: fume and construction noise lead here
MATTERS = ("catering_fume", "construction_noise")  # led by the county's urban management
OTHER_MATTERS = ("garbage_collection", "road_damage", "social_life_noise", "illegal_parking")


def build(duties: int, others: int) -> MemoryUnitOfWork:
    """A memory store whose ``LEAD`` owes about ``duties`` duties, among ``others`` more cases."""
    memory = MemoryUnitOfWork()
    counter = iter(range(1, 10**7))
    clock = ManualClock(NOW - timedelta(days=30))
    bus = MessageBus(uow=lambda: memory, rules=Rules(Router(national_hierarchy(), default_catalogue()),
                                                     ChineseWorkCalendar(), CasePolicy()),
                     clock=clock, new_id=lambda: f"B{next(counter):09d}")
    streets = [u.code for u in national_hierarchy().children("320213")]
    step = timedelta(days=29) / max(1, duties + others)
    total, n = duties + others, 0
    while n < total:
        matter = MATTERS[n % 2] if n < duties else OTHER_MATTERS[n % len(OTHER_MATTERS)]
        street = streets[n % len(streets)]
        try:
            case_id = bus.handle(c.ReportCase(by="reporter", matter=matter, affected=(street,),
                                              description=f"第{n}号诉求")).case_id
            bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
            if n % 2:
                lead = memory.cases.records[case_id].lead
                bus.handle(c.AcknowledgeCase(by=lead, case_id=case_id))
        except Exception as exc:  # a matter not routable there: skip it, say so once
            raise SystemExit(f"could not build the workload at case {n} ({matter} @ {street}): {exc}") from exc
        clock.advance(step)
        n += 1
        if n % 10_000 == 0:
            print(f"  built {n:,} / {total:,} cases", flush=True)
    return memory


def load(memory: MemoryUnitOfWork, engine: Engine) -> int:
    """Write the memory store's cases into the SQL tables as the store keeps them; the number of rows."""
    migrate.upgrade(engine)
    sqlite = engine.dialect.name == "sqlite"
    records = list(memory.cases.records.values())
    with engine.begin() as conn:
        for start in range(0, len(records), 2000):
            chunk = records[start:start + 2000]
            conn.execute(insert(t.case_record), [
                {"id": r.id, "version": r.version, "state": r.state.value, "matter": r.matter,
                 "severity": r.severity, "owner_code": r.owner or None, "lead_code": r.lead or None,
                 "received_at": r.received_at, "due_at": r.due, "is_open": r.state.is_open,
                 "idempotency_key": None} for r in chunk])
            conn.execute(insert(t.case_event), [
                {"case_id": r.id, "case_version": v, "type": type(e).__name__, "at": e.at, "actor": e.actor,
                 "payload": dumps(ev.to_payload(e))}
                for r in chunk for v, e in enumerate(memory.cases.streams[r.id], 1)])
            rows = [row for r in chunk for row in duty_rows(case_duties(r), lambda m: m)]
            if rows:
                conn.execute(insert(t.duty), [
                    {"subject_id": x["id"], "department_code": x["dep"], "kind": x["kind"], "ref": x["ref"],
                     "subject": x["subject"], "since_at": x["since"], "due_at": x["due"], "order_at": x["order"]}
                    for x in rows])
        if not sqlite:
            conn.execute(text("ANALYZE"))
    with engine.connect() as conn:
        return int(conn.execute(select(text("count(*)")).select_from(t.duty)).scalar_one())


def timed(fn: Callable[[], object], reads: int) -> list[float]:
    for _ in range(10):
        fn()
    out = []
    for _ in range(reads):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def measure(name: str, engine: Engine, reads: int) -> None:
    work = Work(lambda: SqlUnitOfWork(engine), ChineseWorkCalendar(), default_catalogue().matters)
    owed = work.waiting(LEAD, NOW, limit=1).total
    d = t.duty
    bare = select(d.c.subject_id, d.c.kind, d.c.due_at).where(d.c.department_code == LEAD) \
        .order_by(d.c.order_at, d.c.subject_id).limit(PAGE)

    def bare_read() -> object:
        with engine.connect() as conn:
            return conn.execute(bare).all()

    page = timed(lambda: work.waiting(LEAD, NOW, limit=PAGE), reads)
    floor = timed(bare_read, reads)
    print(f"| {name} | {owed:,} | {p(page, 50) * 1000:.2f} | {p(page, 95) * 1000:.2f} | "
          f"{p(floor, 50) * 1000:.2f} | {p(floor, 95) * 1000:.2f} | {p(page, 95) / p(floor, 95):.1f}× | "
          f"{'yes' if p(page, 95) <= TARGET_P95 else 'NO'} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duties", type=int, default=10_000, help="cases the busy department leads")
    parser.add_argument("--others", type=int, default=40_000, help="cases of other departments")
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--pg", action="store_true", help="also on PostgreSQL (a database of its own)")
    args = parser.parse_args()
    started = time.perf_counter()
    memory = build(args.duties, args.others)
    print(f"workload: {len(memory.cases.records):,} cases in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"\n| store | duties of {LEAD} | page p50 ms | page p95 ms | bare p50 ms | bare p95 ms | "
          f"p95 ratio | p95 ≤ 50 ms |\n|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = make_engine(f"sqlite+pysqlite:///{Path(folder) / 'inbox.sqlite3'}")
        rows = load(memory, sqlite)
        measure(f"SQLite ({rows:,} duty rows)", sqlite, args.reads)
        sqlite.dispose()
    if args.pg:
        server = os.environ.get("LIANDONG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
        name = f"bench_inbox_{uuid.uuid4().hex[:8]}"
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            pg = make_engine(f"{server}/{name}")
            rows = load(memory, pg)
            measure(f"PostgreSQL ({rows:,} duty rows)", pg, args.reads)
            pg.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
