"""The linkage engine: routing decisions and commands through the message bus.

Run: .venv/bin/python bench/bench_engine.py --sqlite --postgres postgresql+psycopg://postgres@127.0.0.1:5432
Each case is five commands: report → dispatch → acknowledge → resolve → follow-up (rate).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.adapters.sql import migrate
from liandong.adapters.sql.cases import StreamCache
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.hierarchy import Level
from liandong.domain.responsibility import Severity
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork

H = national_hierarchy()
CAT = default_catalogue()
RULES = Rules(Router(H, CAT), ChineseWorkCalendar(), CasePolicy())
TOWNSHIPS = [u.code for u in H.descendants("320200", Level.TOWNSHIP)]
ROUTINE = [m for m in CAT.matters.matters.values() if Severity.ROUTINE in m.severities]


def routing_jobs(n: int, realistic: bool) -> list[tuple[object, Severity, tuple[str, ...]]]:
    """Random routing inputs over the whole country.

    realistic: the matter's default severity 95 % of the time; one township 85 %, two townships of
    a county 10 %, two counties of a city 4 %, two provinces 1 % (12345 figures: most requests are
    routine and local). Otherwise: any allowed severity uniformly, 20 % cross-boundary anywhere.
    """
    rng = random.Random(3)
    townships = [u for u in H if u.level is Level.TOWNSHIP]
    matters = list(CAT.matters.matters.values())
    jobs = []
    for _ in range(n):
        matter = rng.choice(matters)
        first = rng.choice(townships)
        if not realistic:
            sev = rng.choice(matter.severities)
            places: tuple[str, ...] = (first.code,) if rng.random() < 0.8 else (
                first.code, rng.choice(townships).code)
        else:
            sev = matter.default_severity if rng.random() < 0.95 else rng.choice(matter.severities)
            roll = rng.random()
            parent = H.parent(first.code)
            siblings = H.children(parent.code) if parent else [first]
            if roll < 0.85 or len(siblings) < 2:
                places = (first.code,)
            elif roll < 0.95:
                places = (first.code, rng.choice(siblings).code)
            elif roll < 0.99:
                city = H.nearest_at_or_above(first.code, Level.CITY)
                others = list(H.descendants(city.code, Level.TOWNSHIP))
                places = (first.code, rng.choice(others).code)
            else:
                places = (first.code, rng.choice(townships).code)
        jobs.append((matter, sev, places))
    return jobs


def bench_routing(n: int = 50_000, realistic: bool = True) -> tuple[float, float]:
    """Routing decisions per second (best of 3), and a bare naive LCA walk over the same places."""
    jobs = routing_jobs(n, realistic)
    route = RULES.router.route
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for matter, sev, places in jobs:
            route(matter=matter, severity=sev, affected=places)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - t)
    parent = {u.code: u.parent_code for u in H}

    def walk(a: str, b: str) -> str:
        seen = set()
        x: str | None = a
        while x:
            seen.add(x)
            x = parent[x]
        y: str | None = b
        while y not in seen:
            y = parent[y]  # type: ignore[index]
        return y  # type: ignore[return-value]

    t = time.perf_counter()
    for _, _, places in jobs:
        walk(places[0], places[-1])
    base = time.perf_counter() - t
    return n / best, n / base


def run_cases(uow: Callable[[], UnitOfWork], cases: int) -> tuple[float, int]:
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    counter = iter(range(1, 10_000_000))
    bus = MessageBus(uow=uow, rules=RULES, clock=clock, new_id=lambda: f"B{next(counter):08d}")
    rng = random.Random(11)
    commands = 0
    t = time.perf_counter()
    for _ in range(cases):
        matter = rng.choice(ROUTINE)
        place = rng.choice(TOWNSHIPS)
        cid = bus.handle(c.ReportCase(by="reporter", matter=matter.code, affected=(place,),
                                      description="诉求内容")).case_id
        res = bus.handle(c.DispatchCase(by="320200-gov", case_id=cid))
        lead = next(e.lead for e in res.events if type(e).__name__ == "CaseDispatched")
        assists = [m[0] for e in res.events if type(e).__name__ == "CaseRouted"
                   for m in e.members if m[1] == "assist"]
        bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
        for a in assists:
            bus.handle(c.ReportAssist(by=a, case_id=cid, summary="已落实"))
            commands += 1
        clock.advance(timedelta(minutes=1))
        bus.handle(c.ResolveCase(by=lead, case_id=cid, summary="已办结"))
        bus.handle(c.FollowUpCase(by="320200-gov", case_id=cid, rating="satisfied"))
        commands += 5
    return commands / (time.perf_counter() - t), commands


def run_batched(uow: Callable[[], UnitOfWork], cases: int, batch: int = 100) -> tuple[float, int]:
    """The same journeys with group commit: each phase of ``batch`` cases is one transaction."""
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    counter = iter(range(1, 10_000_000))
    bus = MessageBus(uow=uow, rules=RULES, clock=clock, new_id=lambda: f"G{next(counter):08d}")
    rng = random.Random(11)
    commands = 0
    t = time.perf_counter()
    for _ in range(cases // batch):
        reports = [c.ReportCase(by="reporter", matter=rng.choice(ROUTINE).code,
                                affected=(rng.choice(TOWNSHIPS),), description="诉求内容")
                   for _ in range(batch)]
        ids = [r.case_id for r in bus.handle_batch(reports) if not isinstance(r, Exception)]
        dispatched = bus.handle_batch([c.DispatchCase(by="320200-gov", case_id=i) for i in ids])
        leads, assists = [], []
        for res in dispatched:
            assert not isinstance(res, Exception)
            leads.append(next(e.lead for e in res.events if type(e).__name__ == "CaseDispatched"))
            assists += [(res.case_id, m[0]) for e in res.events if type(e).__name__ == "CaseRouted"
                        for m in e.members if m[1] == "assist"]
        bus.handle_batch([c.AcknowledgeCase(by=lead, case_id=i) for i, lead in zip(ids, leads, strict=True)])
        bus.handle_batch([c.ReportAssist(by=a, case_id=i, summary="已落实") for i, a in assists])
        clock.advance(timedelta(minutes=1))
        done = bus.handle_batch([c.ResolveCase(by=lead, case_id=i, summary="已办结")
                                 for i, lead in zip(ids, leads, strict=True)])
        assert not any(isinstance(r, Exception) for r in done)
        bus.handle_batch([c.FollowUpCase(by="320200-gov", case_id=i, rating="satisfied") for i in ids])
        commands += 5 * len(ids) + len(assists)
    return commands / (time.perf_counter() - t), commands


def sql_uow(engine: Engine) -> Callable[[], UnitOfWork]:
    cache = StreamCache()
    return lambda: SqlUnitOfWork(engine, cache)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=4000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", default="", help="server URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    routing, naive = bench_routing(realistic=True)
    worst, _ = bench_routing(realistic=False)
    print("| measurement | rate | note |")
    print("|---|---:|---|")
    print(f"| routing decisions, in memory, realistic mix | {routing:,.0f} /s "
          f"| a bare naive LCA walk alone: {naive:,.0f} /s |")
    print(f"| routing decisions, in memory, uniform severities, 20 % cross-boundary | {worst:,.0f} /s "
          "| the heavy case: most decisions build co-present teams |")
    memory = MemoryUnitOfWork()
    rate, n = run_cases(lambda: memory, args.cases)
    print(f"| commands through the bus, in memory | {rate:,.0f} /s | {n:,} commands |")
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite+pysqlite:///{Path(folder) / 'b.sqlite3'}")
            migrate.upgrade(engine)
            rate, n = run_cases(sql_uow(engine), args.cases // 4)
            print(f"| commands, SQLite (WAL, one commit per command) | {rate:,.0f} /s | {n:,} commands |")
            rate, n = run_batched(sql_uow(engine), args.cases // 2)
            print(f"| commands, SQLite (WAL, group commit of 100) | {rate:,.0f} /s | {n:,} commands |")
    if args.postgres:
        name = f"liandong_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(f"{args.postgres}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            engine = make_engine(f"{args.postgres}/{name}")
            migrate.upgrade(engine)
            rate, n = run_cases(sql_uow(engine), args.cases // 4)
            print(f"| commands, PostgreSQL (one commit per command) | {rate:,.0f} /s | {n:,} commands |")
            rate, n = run_batched(sql_uow(engine), args.cases // 2)
            print(f"| commands, PostgreSQL (group commit of 100) | {rate:,.0f} /s | {n:,} commands |")
            engine.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
