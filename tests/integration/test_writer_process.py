"""The writer process: a server's batches landing in a child process, with the same contract as the
group-commit thread (each caller its own outcome), checkpoints published by the child, and a child
that dies replaced while the commands it had are answered with an error."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.cases import events as ev
from liandong.domain.errors import DomainError
from liandong.ledger.errors import LedgerError
from liandong.server.writer_child import _STOP, SPLIT_FROM, _Inbox, _Turns
from liandong.server.writer_process import WriterFailed, WriterProcess
from liandong.services.cases import Result

STREET = "320213001"


def report(marker: str) -> c.ReportCase:
    return c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET,),
                        description=f"{marker}：夜间噪音", reporter_name="张三", reporter_phone="13812345678",
                        idempotency_key=marker)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    done = CliRunner().invoke(cli, ["init", "--scope", "320213", "--data-dir", str(tmp_path)])
    assert done.exit_code == 0, done.output
    return Settings(data_dir=tmp_path)


def test_outcomes_cross_the_process_boundary_whole() -> None:
    refusal = pickle.loads(pickle.dumps(DomainError("case.unknown", case_id="abc")))
    assert type(refusal) is DomainError and refusal.code == "case.unknown"
    assert refusal.params == {"case_id": "abc"}
    bad = pickle.loads(pickle.dumps(LedgerError("ledger.float_in_payload", path="$.x", value=1.5)))
    assert isinstance(bad, LedgerError) and bad.params == {"path": "$.x", "value": 1.5}
    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    result = Result("c1", 1, [ev.CaseClosed(case_id="c1", at=at, actor="320200-gov")])
    assert pickle.loads(pickle.dumps(result)) == result


def test_commands_land_in_the_child_with_their_own_outcomes(settings: Settings) -> None:
    writer = WriterProcess(settings)
    writer.start()
    try:
        with ThreadPoolExecutor(8) as pool:  # concurrent callers share batches
            results = list(pool.map(lambda n: writer.handle(report(f"wp-{n}"), timeout=120), range(40)))
        assert len({r.case_id for r in results}) == 40
        assert all(r.version == len(r.events) >= 1 and not r.duplicate for r in results)
        unsendable = c.ReportCase(by="reporter", matter="social_life_noise", affected=(STREET,),
                                  description=lambda: "a function is not a description")  # type: ignore[arg-type]
        with pytest.raises(WriterFailed, match="could not be sent"):
            writer.handle(unsendable)
        again = writer.handle(report("wp-0"))  # the writer goes on
        assert again.duplicate and again.case_id == results[0].case_id
        with pytest.raises(DomainError) as refused:
            writer.handle(c.AcknowledgeCase(by="320213-gov", case_id="no-such-case"))
        assert refused.value.code == "case.unknown" and refused.value.params == {"case_id": "no-such-case"}

        async def from_a_loop() -> Result | DomainError:
            return await writer.submit_async(report("wp-async"))

        outcome = asyncio.run(from_a_loop())
        assert isinstance(outcome, Result) and outcome.case_id not in {r.case_id for r in results}

        platform = bootstrap(settings, migrate_schema=False)
        with platform.uow() as uow:  # stored by the child, read here
            assert uow.cases.get(results[7].case_id) is not None
        deadline = time.monotonic() + 30  # the child publishes checkpoints between batches
        while time.monotonic() < deadline:
            with platform.uow() as uow:
                checkpoints, size = uow.ledger.checkpoints(), uow.ledger.size()
            if checkpoints and checkpoints[-1][0] == size:
                break
            time.sleep(0.2)
        assert size >= 41 and checkpoints and checkpoints[-1][0] == size  # every report in a signed head
    finally:
        writer.stop()
    with pytest.raises(WriterFailed):
        writer.submit(report("after-stop")).result(timeout=5)


def test_a_dead_child_fails_what_it_had_and_is_replaced(settings: Settings) -> None:
    writer = WriterProcess(settings)
    writer.start()
    try:
        first = writer.handle(report("before"), timeout=120)
        pid = writer._process.pid
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 120
        while writer._process.pid == pid and time.monotonic() < deadline:
            time.sleep(0.05)
        assert writer._process.pid != pid  # another child
        later = writer.handle(report("after"), timeout=120)
        assert later.case_id != first.case_id and not later.duplicate
        assert writer.handle(report("before")).duplicate  # nothing was lost with the first child
    finally:
        writer.stop()


def test_the_writer_lands_the_older_half_of_a_long_queue_first() -> None:
    ours, theirs = multiprocessing.Pipe()
    inbox = _Inbox(ours)
    inbox.collect(0.01, 400)
    assert not inbox.pending and not inbox.stopping  # nothing came
    theirs.send([(n, f"command {n}") for n in range(16)])
    theirs.send([(n, f"command {n}") for n in range(16, 19)])
    inbox.collect(1, 400)
    sizes = []
    while inbox.pending:
        batch = inbox.next_batch(200)
        assert [key for key, _ in batch] == list(range(sum(sizes), sum(sizes) + len(batch)))  # oldest first
        sizes.append(len(batch))
    assert SPLIT_FROM == 8 and sizes == [10, 5, 4]  # halves while 8 or more wait, then the rest at once
    theirs.send([(n, "") for n in range(500)])
    inbox.collect(1, 400)
    assert len(inbox.pending) == 500 and len(inbox.next_batch(200)) == 200  # no batch above the limit
    inbox.pending.clear()
    for n in range(3):
        theirs.send([(n, "")])
    theirs.send(_STOP)
    theirs.send([(99, "after the stop")])
    inbox.collect(1, 2)
    assert len(inbox.pending) == 2 and not inbox.stopping  # no more taken in than asked for
    inbox.collect(1, 400)
    assert inbox.stopping and [key for key, _ in inbox.pending] == [0, 1, 2]  # what came before the stop


def test_commands_sent_before_a_stop_still_land(settings: Settings) -> None:
    writer = WriterProcess(settings)
    writer.start()
    futures = [writer.submit(report(f"late-{n}")) for n in range(30)]
    writer.stop()
    outcomes = [future.result(timeout=5) for future in futures]
    assert all(isinstance(o, Result) and not o.duplicate for o in outcomes), outcomes
    platform = bootstrap(settings, migrate_schema=False)
    with platform.uow() as uow:
        assert all(uow.cases.get(o.case_id) is not None for o in outcomes)


def _hold_turn(database: str, held: Any, released: Any) -> None:
    with _Turns(database).turn():
        held.set()
        time.sleep(0.3)
        released.value = time.monotonic()


def test_writers_of_one_sqlite_file_take_turns(settings: Settings, tmp_path: Path) -> None:
    database = str(tmp_path / "turns.sqlite3")
    context = multiprocessing.get_context("spawn")
    held, released = context.Event(), context.Value("d", 0.0)
    other = context.Process(target=_hold_turn, args=(database, held, released))
    other.start()
    try:
        assert held.wait(60)
        with _Turns(database).turn():  # waits for the other process to let go, however long
            entered = time.monotonic()
            assert released.value and entered >= released.value
    finally:
        other.join(30)
    assert Path(f"{database}.writer-lock").exists()
    first, second = WriterProcess(settings), WriterProcess(settings)  # two server workers' writers
    first.start()
    second.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda n: (first, second)[n % 2].handle(report(f"two-{n}"), timeout=120),
                                    range(60)))
    finally:
        first.stop()
        second.stop()
    assert len({r.case_id for r in results}) == 60 and not any(r.duplicate for r in results)
    assert (settings.data_dir / "liandong.sqlite3.writer-lock").exists()
