"""已有人反映？ The portal's nearby-duplicates query at scale: p50/p95 of ``services.nearby.nearby_open``
(the township's and the pin's open reports of a matter, ranked, with each found case loaded) side by
side with the bare indexed query (one range scan of ``ix_case_spot_point``), over a store of N cases
(default 1,000,000) spread over 无锡's streets and a hundred matters, about 15 % of them open.
Target (issue 24): p95 <= 20 ms at 1 M cases.

Data: rows written straight into ``case_record`` and ``case_spot`` as the store keeps them, and the
report event (``CaseReported``) of every open case, so that the cases found load as they would (the
write path is measured elsewhere: bench_engine, bench_http).

Run: .venv/bin/python bench/bench_nearby.py [--cases 1000000] [--reads 300] [--pg]
     (--pg creates and drops a database of its own on the PostgreSQL at LIANDONG_TEST_PG_URL or
     127.0.0.1:5432)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, insert, select, text

from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.adapters.sql import migrate
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import dumps
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import events as ev
from liandong.domain.nearby import DEFAULT_RADIUS_M, Point
from liandong.services.nearby import nearby_open

TARGET_P95 = 0.020
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
BOX = (31.40, 31.75, 120.10, 120.55)  # 无锡's districts around the lake (WGS-84)
OPEN_SHARE = 0.15
MATTER = "garbage_collection"  # the most reported: the worst case of the query


def build(engine: Engine, cases: int, seed: int = 1) -> None:
    migrate.upgrade(engine)
    rng = random.Random(seed)
    h = national_hierarchy()
    streets = [u.code for c in ("320213", "320211", "320214", "320206") for u in h.children(c)]
    matters = list(default_catalogue().matters.matters)
    weights = [1.0 / (i + 1) for i in range(len(matters))]  # a few matters take most reports
    weights[matters.index(MATTER)] = weights[0] * 1.5
    step = timedelta(days=365) / cases
    lat_lo, lat_hi, lng_lo, lng_hi = BOX
    records, spots, events = [], [], []
    with engine.begin() as conn:
        for n in range(cases):
            case_id = f"N{n:012d}"
            matter = rng.choices(matters, weights)[0]
            street = streets[n % len(streets)]
            point = Point.of(rng.uniform(lat_lo, lat_hi), rng.uniform(lng_lo, lng_hi))
            open_ = rng.random() < OPEN_SHARE
            at = NOW - timedelta(days=365) + step * n
            records.append({"id": case_id, "version": 1, "state": "received" if open_ else "closed",
                            "matter": matter, "severity": "routine", "owner_code": None, "lead_code": None,
                            "received_at": at, "due_at": None, "is_open": open_, "idempotency_key": None})
            spots.append({"case_id": case_id, "matter": matter, "place": street, "lat_e6": point.lat_e6,
                          "lng_e6": point.lng_e6, "open": open_})
            if open_:
                report = ev.CaseReported(case_id=case_id, at=at, actor="reporter", matter=matter,
                                         severity="routine", affected=(street,), description=f"第{n}号诉求",
                                         source="citizen", coordinates=point.text())
                events.append({"case_id": case_id, "case_version": 1, "type": "CaseReported", "at": at,
                               "actor": "reporter", "payload": dumps(ev.to_payload(report))})
            if len(records) >= 20_000:
                flush(conn, records, spots, events)
                print(f"  built {n + 1:,} / {cases:,} cases", flush=True)
        flush(conn, records, spots, events)
        conn.execute(text("ANALYZE"))


def flush(conn: object, records: list[dict[str, object]], spots: list[dict[str, object]],
          events: list[dict[str, object]]) -> None:
    for table, rows in ((t.case_record, records), (t.case_spot, spots), (t.case_event, events)):
        if rows:
            conn.execute(insert(table), rows)  # type: ignore[attr-defined]
            rows.clear()


def timed(fn: Callable[[], object], reads: int) -> list[float]:
    for _ in range(10):
        fn()
    out = []
    for _ in range(reads):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def measure(name: str, engine: Engine, cases: int, reads: int) -> None:
    rng = random.Random(7)
    streets = [u.code for u in national_hierarchy().children("320213")]
    lat_lo, lat_hi, lng_lo, lng_hi = BOX
    pins = [(Point.of(rng.uniform(lat_lo, lat_hi), rng.uniform(lng_lo, lng_hi)), rng.choice(streets))
            for _ in range(reads + 10)]
    turn = iter(range(10**9))
    s = t.case_spot

    def service() -> object:
        pin, street = pins[next(turn) % len(pins)]
        return nearby_open(lambda: SqlUnitOfWork(engine), matter=MATTER, place=street, point=pin)

    def bare() -> object:
        pin, _ = pins[next(turn) % len(pins)]
        lat_a, lat_b, lng_a, lng_b = pin.box(DEFAULT_RADIUS_M)
        q = (select(s.c.case_id).where(s.c.matter == MATTER, s.c.open.is_(True),
                                       s.c.lat_e6.between(lat_a, lat_b), s.c.lng_e6.between(lng_a, lng_b))
             .limit(200))
        with engine.connect() as conn:
            return conn.execute(q).all()

    found = [len(nearby_open(lambda: SqlUnitOfWork(engine), matter=MATTER, place=st, point=pt))
             for pt, st in pins[:50]]
    full, floor = timed(service, reads), timed(bare, reads)
    print(f"| {name} | {cases:,} | {statistics.mean(found):.1f} | {p(full, 50) * 1000:.2f} | "
          f"{p(full, 95) * 1000:.2f} | {p(floor, 50) * 1000:.2f} | {p(floor, 95) * 1000:.2f} | "
          f"{'yes' if p(full, 95) <= TARGET_P95 else 'NO'} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--pg", action="store_true", help="also on PostgreSQL")
    args = parser.parse_args()
    print("| store | cases | found (mean) | nearby p50 ms | nearby p95 ms | bare p50 ms | bare p95 ms | "
          "p95 ≤ 20 ms |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite+pysqlite:///{Path(folder) / 'nearby.sqlite3'}")
        try:
            build(engine, args.cases)
            measure("SQLite", engine, args.cases, args.reads)
        finally:
            engine.dispose()
    if args.pg:
        base = os.environ.get("LIANDONG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        name = f"bench_nearby_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(base.rsplit("/", 1)[0] + f"/{name}")
        try:
            build(engine, args.cases)
            measure("PostgreSQL", engine, args.cases, args.reads)
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}"'))
            admin.dispose()


if __name__ == "__main__":
    main()
