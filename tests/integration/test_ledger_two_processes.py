"""Two server processes on one PostgreSQL database append to the shared record at once: the
sequencer's advisory lock lets one sequence at a time, so no two entries share an index, none is
missing, and the log verifies."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app
from liandong.config import Settings

pytestmark = pytest.mark.postgres
PER_PROCESS = 40


def _report_many(url: str, data_dir: str, name: str, start: mp.synchronize.Event) -> None:
    from liandong.domain.cases import commands as c

    platform = bootstrap(Settings(database_url=url, data_dir=Path(data_dir)))
    bus = platform.bus()
    start.wait(30)
    for i in range(PER_PROCESS):
        bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                description=f"{name} 第{i}件：广场舞音响太吵"))


def test_two_processes_never_share_a_ledger_index(pg_url: str, tmp_path: Path) -> None:
    init = CliRunner().invoke(app, ["init", "--scope", "320213", "--database-url", pg_url,
                                    "--data-dir", str(tmp_path)])
    assert init.exit_code == 0, init.output
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=_report_many, args=(pg_url, str(tmp_path), name, start))
               for name in ("甲", "乙")]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(timeout=240)
        assert w.exitcode == 0
    platform = bootstrap(Settings(database_url=pg_url, data_dir=tmp_path))
    try:
        with platform.uow() as uow:
            indexes = [idx for idx, _, _ in uow.ledger.leaves()]
            size = uow.ledger.size()
            verification = platform.ledger.verify(uow)
            cases = uow.case_reads.recent_ids(limit=10_000)
        assert indexes == list(range(size))  # each index once, none missing
        assert len(cases) == 2 * PER_PROCESS
        assert size >= 2 * PER_PROCESS  # every report's event is in the log
        assert verification.ok
    finally:
        assert platform.engine is not None
        platform.engine.dispose()
