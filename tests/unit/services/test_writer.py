"""The group-commit writer: outcomes reach event-loop callers in one wake-up a batch; other
work runs on the writer's thread between batches; refusals stay with their own caller."""

from __future__ import annotations

import asyncio
import threading

import pytest

from liandong.bootstrap import bootstrap
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.services.writer import BatchingWriter, unwrap


def report(n: int) -> c.ReportCase:
    return c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                        description=f"夜间噪声 {n}")


@pytest.fixture
def writer() -> BatchingWriter:
    platform = bootstrap(memory=True)
    return BatchingWriter(platform.bus())


def test_async_callers_each_get_their_outcome(writer: BatchingWriter) -> None:
    writer.start()
    try:
        async def main() -> list[object]:
            good = [writer.submit_async(report(i)) for i in range(20)]
            bad = writer.submit_async(c.ReportCase(by="reporter", matter="no_such_matter",
                                                   affected=("320213001",), description="x"))
            return await asyncio.gather(*good, bad)

        outcomes = asyncio.run(main())
    finally:
        writer.stop()
    results = [unwrap(o) for o in outcomes[:20]]  # type: ignore[arg-type]
    assert len({r.case_id for r in results}) == 20
    assert all(r.version >= 1 for r in results)
    assert isinstance(outcomes[20], DomainError)


def test_without_a_thread_everything_runs_at_once(writer: BatchingWriter) -> None:
    async def main() -> object:
        return await writer.submit_async(report(1))

    assert unwrap(asyncio.run(main())).version >= 1  # type: ignore[arg-type]
    assert writer.run(lambda: 41 + 1).result(timeout=1) == 42


def test_run_happens_on_the_writer_thread_between_batches(writer: BatchingWriter) -> None:
    writer.start()
    try:
        futures = [writer.submit(report(i)) for i in range(5)]
        job = writer.run(lambda: threading.current_thread().name)
        failing = writer.run(lambda: 1 // 0)
        assert job.result(timeout=10) == "group-commit"
        assert all(unwrap(f.result(timeout=10)).case_id for f in futures)
        with pytest.raises(ZeroDivisionError):
            failing.result(timeout=10)
        assert unwrap(writer.submit(report(9)).result(timeout=10)).version >= 1  # still writing
    finally:
        writer.stop()
    assert writer._thread is None  # stopped and joined
