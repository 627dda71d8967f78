"""The volume generator (``bench/volume.py``): a store loaded in bulk holds, table by table and
row by row, what the same commands write through the message bus on the SQL store, and reads back
through the store's read ports as the same cases and events — on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import text

from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.worktime import SHANGHAI
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from tests.support.databases import fresh_database

BENCH = Path(__file__).resolve().parents[2] / "bench"
TABLES = {  # every table the case store writes on save, in a stable order
    "case_record": "id", "case_event": "seq", "outbox": "event_seq", "case_place": "case_id, unit_code",
    "case_member": "case_id, department_code", "case_number": "number", "case_number_day": "prefix, day",
    "duty": "subject_id, department_code, kind, ref", "tracking_code": "code_hash", "case_salt": "case_id",
    "case_spot": "case_id", "case_fact": "case_id, version", "reporter_phone": "phone_hash, case_id",
    "notification": "seq", "case_sum": "places, received_day, day",
    "case_sum_due": "places, received_day, day, kind, due_day", "case_pending": "case_id, seq",
    "case_sum_skip": "case_id", "case_sum_now": "places, received_day",
}
OPTIONS: dict[str, Any] = {"scope": "320213", "days": 4, "cases": 240, "seed": 3, "chunk": 100,
                           "end": datetime(2026, 11, 20, tzinfo=SHANGHAI)}


def _volume() -> ModuleType:
    found = sys.modules.get("liandong_bench_volume")
    if found is not None:
        return found
    spec = importlib.util.spec_from_file_location("liandong_bench_volume", BENCH / "volume.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _platform(url: str, folder: Path) -> Iterator[Platform]:
    platform = bootstrap(Settings(database_url=url, data_dir=folder))
    yield platform
    assert platform.engine is not None
    platform.engine.dispose()


def _rows(platform: Platform) -> dict[str, list[tuple[Any, ...]]]:
    assert platform.engine is not None
    with platform.engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {name} ORDER BY {order}"))]
                for name, order in TABLES.items()}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Platform, Platform]]:
    """Two empty stores on one back-end (PostgreSQL: two databases of their own, dropped after)."""
    if request.param == "sqlite":
        urls = [f"sqlite+pysqlite:///{tmp_path / name}.sqlite3" for name in ("bulk", "commands")]
    else:
        admin = request.getfixturevalue("pg_admin")
        urls = []
        for _ in range(2):
            made = fresh_database(admin, "liandong_test_volume")
            urls.append(next(made))
            request.addfinalizer(lambda made=made: next(made, None))  # type: ignore[misc]
    a, b = _platform(urls[0], tmp_path), _platform(urls[1], tmp_path)
    yield next(a), next(b)
    for gen in (a, b):
        next(gen, None)


def test_bulk_rows_equal_the_command_path(two_stores: tuple[Platform, Platform]) -> None:
    volume = _volume()
    bulk, commands = two_stores
    by_bulk = volume.load_volume(bulk, mode="bulk", workers=2, **OPTIONS)  # chunks made in two processes
    by_commands = volume.load_volume(commands, mode="commands", **OPTIONS)
    assert by_bulk.cases == by_commands.cases == OPTIONS["cases"]
    assert (by_bulk.commands, by_bulk.refused, by_bulk.chain_events) == (
        by_commands.commands, by_commands.refused, by_commands.chain_events)
    assert by_bulk.chain_events > 0 and by_bulk.commands > 5 * OPTIONS["cases"]
    mine, theirs = _rows(bulk), _rows(commands)
    for name in TABLES:
        assert mine[name] == theirs[name], f"{name} differs"
    assert len(mine["case_event"]) == len(mine["outbox"]) > 5 * OPTIONS["cases"]
    assert len(mine["case_number"]) == OPTIONS["cases"] and mine["duty"] and mine["case_member"]
    assert len(mine["case_spot"]) == len(mine["reporter_phone"]) == OPTIONS["cases"]
    assert mine["notification"] and "command.failed" not in by_commands.refusals  # notices; no bug refused
    assert len(mine["case_fact"]) > OPTIONS["cases"] and {r[0] for r in mine["case_fact"]} == {
        r[0] for r in mine["case_record"]}
    assert mine["case_salt"] == []  # no ledger on either path: no commitments, no salts
    types = {row[3] for row in mine["case_event"]}
    assert {"CaseReported", "CaseDispatched", "CaseResolved", "CaseFollowedUp", "CaseClosed"} <= types
    assert types & {"ReminderSent", "CaseUrged", "SupervisionStarted"}  # the chain fired
    ids = [row[0] for row in mine["case_record"]]
    with bulk.uow() as a, commands.uow() as b:  # the read ports: the same cases and events
        for case_id in ids:
            assert a.case_reads.events(case_id) == b.case_reads.events(case_id)
            case = a.case_reads.get(case_id)
            assert case is not None and case.record == b.case_reads.get(case_id).record
    assert ids == sorted(ids)  # ids in order of receipt, as the platform issues them
    for store in (bulk, commands):  # the next command on either store goes on from what it holds
        _report_one_more(store, mine)


def _report_one_more(platform: Platform, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    first = rows["case_event"][0]
    report = json.loads(first[6])
    moment = datetime.fromisoformat(report["at"].replace("Z", "+00:00"))
    bus = MessageBus(uow=platform.uow, rules=platform.rules(), clock=ManualClock(moment),
                     new_id=lambda: "f" * 20)
    bus.handle(c.ReportCase(by="reporter", matter=report["matter"], affected=tuple(report["affected"]),
                            description="又一条诉求"))
    after = _rows(platform)
    assert after["case_event"][-1][:3] == (len(rows["case_event"]) + 1, "f" * 20, 1)
    numbers = dict((r[1], r[0]) for r in after["case_number"])
    prefix, day, _ = numbers["f" * 20].split("-")
    sequence = dict(((p, d), n) for p, d, n in rows["case_number_day"])[(prefix, day)] + 1
    assert numbers["f" * 20] == f"{prefix}-{day}-{sequence:04d}"


def test_the_writer_rebases_on_a_store_that_has_cases(tmp_path: Path) -> None:
    """A second load appends after the first: sequence numbers and 案件编号 go on from the store's."""
    volume = _volume()
    url = f"sqlite+pysqlite:///{tmp_path / 'twice.sqlite3'}"
    gen = _platform(url, tmp_path)
    platform = next(gen)
    first = volume.load_volume(platform, **{**OPTIONS, "cases": 60, "chunk": 25})
    second = volume.load_volume(platform, **{**OPTIONS, "cases": 60, "chunk": 25, "seed": 4})
    rows = _rows(platform)
    seqs = [r[0] for r in rows["case_event"]]
    assert seqs == list(range(1, len(seqs) + 1)) and [r[0] for r in rows["outbox"]] == seqs
    assert len(rows["case_number"]) == len(rows["case_record"]) == first.cases + second.cases > 100
    last = {(p, d): n for p, d, n in rows["case_number_day"]}
    per_day: dict[tuple[str, str], int] = {}
    for number, _ in rows["case_number"]:
        prefix, day, _seq = number.split("-")
        per_day[(prefix, day)] = per_day.get((prefix, day), 0) + 1
    assert last == per_day
    notices = [r[0] for r in rows["notification"]]  # the notices' numbers go on too
    assert notices and notices == list(range(1, len(notices) + 1))
    next(gen, None)
