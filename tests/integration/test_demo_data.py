"""The demo's data: a simulated workload replayed through the real services on SQLite."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app
from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.simulation.demo import load_demo

END = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
runner = CliRunner()


def _store(tmp: Path, name: str, sandbox: bool = True):  # type: ignore[no-untyped-def]
    """A store initialised as a sandbox (the demo's months are recorded on a simulated clock)."""
    data = tmp / name
    mode = ["--sandbox"] if sandbox else []
    assert runner.invoke(app, ["init", "--scope", "320213", *mode, "--data-dir", str(data)]).exit_code == 0
    return bootstrap(Settings(data_dir=data))


def test_the_demo_is_refused_on_a_live_store(tmp_path: Path) -> None:
    live = _store(tmp_path, "live", sandbox=False)
    assert not live.sandbox
    with pytest.raises(DomainError) as refused:
        load_demo(live, scope="320213", days=2, share=0.1, seed=3, end=END)
    assert refused.value.code == "store.live_clock"
    with live.uow() as uow:
        assert uow.case_reads.recent_ids(limit=10) == [] and uow.ledger.size() == 0
    code = runner.invoke(app, ["demo", "--scope", "320213", "--days", "2", "--no-serve",
                               "--data-dir", str(tmp_path / "live")])
    assert code.exit_code == 2 and "此库已作为正式库初始化" in code.output


def _states(platform) -> Counter[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with platform.uow() as uow:
        ids = uow.case_reads.recent_ids(limit=100_000)
        cases = [uow.cases.get(i) for i in ids]
    return Counter((case.record.matter, case.state.value) for case in cases)


def test_a_week_of_a_district_goes_through_the_real_services(tmp_path: Path) -> None:
    platform = _store(tmp_path, "a")
    summary = load_demo(platform, scope="320213", days=7, share=0.1, seed=3, end=END)
    assert summary.reports > 100 and not summary.refused  # the platform accepted every step
    assert summary.commands > 5 * summary.reports and summary.checkpoints >= 7
    states = _states(platform)
    by_state = Counter()
    for (_, state), n in states.items():
        by_state[state] += n
    assert by_state["closed"] > summary.reports / 2  # most of the week is done …
    assert sum(n for s, n in by_state.items() if s != "closed") > 0  # … and some is still open
    with platform.uow() as uow:
        report = platform.ledger.verify(uow)
        first = uow.cases.get(uow.case_reads.recent_ids(limit=1)[0])
        assert report.ok and report.log.leaves_checked >= summary.commands
        assert "街道" in first.record.description or "镇" in first.record.description
    # The same seed gives the same cases (ids are random; matters and states are not)
    again = _store(tmp_path, "b")
    load_demo(again, scope="320213", days=7, share=0.1, seed=3, end=END)
    assert _states(again) == states


def test_demo_command_fills_an_empty_store_once(tmp_path: Path) -> None:
    args = ["demo", "--scope", "320213", "--days", "2", "--share", "0.05", "--no-serve",
            "--data-dir", str(tmp_path)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "演示数据" in first.output and "centre" in first.output
    assert "演练库" in first.output  # initialised as a sandbox, and said so
    platform = bootstrap(Settings(data_dir=tmp_path))
    assert platform.sandbox
    with platform.uow() as uow:
        count = len(uow.case_reads.recent_ids(limit=100_000))
    assert count > 0
    second = runner.invoke(app, args)
    assert second.exit_code == 0 and "演示数据" not in second.output
    with platform.uow() as uow:
        assert len(uow.case_reads.recent_ids(limit=100_000)) == count
