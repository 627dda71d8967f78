"""The area alerts' store (区域提醒), one contract run on memory, SQLite and PostgreSQL: a second
request for the same address and area replaces the first, confirming keeps the first time, an unknown
token changes nothing, only confirmed alerts are sent to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from liandong.adapters.memory.alerts import MemoryAreaAlerts
from liandong.adapters.sql import migrate
from liandong.adapters.sql.alerts import SqlAreaAlerts
from liandong.adapters.sql.engine import make_engine
from liandong.services.ports.alerts import AreaAlert, AreaAlerts

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def alerts(request: pytest.FixtureRequest) -> Iterator[AreaAlerts]:
    if request.param == "memory":
        yield MemoryAreaAlerts()
        return
    engine = make_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    migrate.upgrade(engine)
    try:
        yield SqlAreaAlerts(engine)
    finally:
        engine.dispose()


def test_the_alert_contract(alerts: AreaAlerts) -> None:
    alerts.add(AreaAlert(email="a@example.cn", area="320213", token_digest="1" * 64, created_at=NOW))
    alerts.add(AreaAlert(email="b@example.cn", area="320213001", token_digest="2" * 64, created_at=NOW))
    assert alerts.confirmed_in(["320213", "320213001"]) == []  # nobody confirmed yet

    alerts.add(AreaAlert(email="a@example.cn", area="320213", token_digest="3" * 64,
                         created_at=NOW + timedelta(minutes=1)))  # asked again: the first link is dead
    assert alerts.confirm("1" * 64, NOW) is None
    confirmed = alerts.confirm("3" * 64, NOW + timedelta(minutes=2))
    assert confirmed is not None and confirmed.confirmed_at == NOW + timedelta(minutes=2)
    again = alerts.confirm("3" * 64, NOW + timedelta(hours=1))
    assert again is not None and again.confirmed_at == NOW + timedelta(minutes=2)

    assert [a.email for a in alerts.confirmed_in(["320213001", "320213", "320200"])] == ["a@example.cn"]
    assert alerts.confirmed_in(["320200"]) == []
    removed = alerts.remove("3" * 64)
    assert removed is not None and removed.email == "a@example.cn"
    assert alerts.remove("3" * 64) is None and alerts.confirmed_in(["320213"]) == []
