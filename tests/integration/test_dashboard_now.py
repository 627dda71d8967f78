"""A dashboard "up to now" is read from the sums on a running server (decision 0059). The page chose
its period at its own now; the platform's clock has moved on by the time the figures are read, and
a period ending before the clock's now looked like one that ended in the past — which the sums
cannot give — so every such page read every case's row (the PostgreSQL soak's dashboards grew with
the store: 168 → 778 ms p50 in three minutes). The page's now is the period's."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.pool import Pool
from typer.testing import CliRunner

from liandong.assessment.service import FactsCache
from liandong.bootstrap import Platform, bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole
from liandong.domain.cases import commands as c
from liandong.web.dashboard import choose_period, dashboard_view

SCOPE = "320213"
LEADER = Principal(account_id="now-test", username="now-test", roles=frozenset({StaffRole.LEADER}),
                   department=f"{SCOPE}-gov")


@contextmanager
def _traced(seen: list[str]) -> Iterator[None]:
    """Every statement SQLite runs on the connections opened meanwhile (the stores read through the
    driver's own cursors too, which SQLAlchemy's events do not see)."""
    def connected(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.set_trace_callback(seen.append)

    event.listen(Pool, "connect", connected)
    try:
        yield
    finally:
        event.remove(Pool, "connect", connected)


def test_the_page_up_to_now_is_read_from_the_sums_not_the_rows(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["init", "--scope", SCOPE, "--data-dir", str(tmp_path)])
    assert done.exit_code == 0, done.output
    seen: list[str] = []
    platform = bootstrap(Settings(data_dir=tmp_path))  # the system's clock: it moves between calls
    try:
        for street in ("320213001", "320213015", "320213001"):
            cid = platform.bus().handle(c.ReportCase(by="reporter", matter="social_life_noise",
                                                     affected=(street,), description="噪声")).case_id
            platform.bus().handle(c.DispatchCase(by="320200-gov", case_id=cid))
        platform.close()  # its connections again, traced from the first
        with _traced(seen):
            platform = bootstrap(Settings(data_dir=tmp_path))
            _pages(platform, seen)
    finally:
        platform.close()


def _pages(platform: Platform, seen: list[str]) -> None:
    """The page twice at one now, with the kept days; then once at the clock's now."""
    now = datetime.now(UTC)
    period, _, _ = choose_period(now, "", "", "")
    cache = FactsCache()
    first = dashboard_view(platform, LEADER, SCOPE, period, "zh", cache, now=now)
    rows = dashboard_view(platform, LEADER, SCOPE, period, "zh", facts="stored")
    assert first["totals"] == rows["totals"] and first["totals"]["received"] == 3
    assert first["children"] == rows["children"] and first["trend"] == rows["trend"]

    seen.clear()  # the first part day is kept: now nothing but the sums
    assert dashboard_view(platform, LEADER, SCOPE, period, "zh", cache, now=now) == first
    assert any("case_sum" in s for s in seen), seen
    assert not any("case_fact" in s for s in seen), [s for s in seen if "case_fact" in s]
    seen.clear()  # the clock's now, later than the page's: every case's row, as before the fix
    dashboard_view(platform, LEADER, SCOPE, period, "zh", cache)
    assert any("case_fact" in s for s in seen)
