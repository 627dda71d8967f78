"""Dashboards read the replica when one is configured (issue 11, scale-out), and writes never go
there.

The "replica" here is a second database that deliberately differs from the primary (a streaming
standby cannot differ, which is why a real one cannot show where a read was served from): the
dashboard, its insight panel and the page over HTTP must show the replica's cases, while a report
and a sign-in land on the primary only, and a write sent to the replica's engine by mistake fails.
Without a replica the same reads come from the primary. On PostgreSQL (two uniquely named
databases, dropped afterwards) and on SQLite (a copy of the file, opened read-only).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from liandong.bootstrap import Platform, bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole
from liandong.domain.cases import commands as c
from liandong.server.app import create_app
from liandong.services.accounts import create_account
from liandong.web.dashboard import choose_period, dashboard_view
from liandong.web.insight_panel import insight_view
from tests.support.databases import fresh_database

SCOPE = "320213"  # 梁溪区, 无锡
STREET_A, STREET_B = "320213001", "320213015"  # 崇安寺街道, 山北街道
LEADER = Principal(account_id="replica-test", username="replica-test", roles=frozenset({StaffRole.LEADER}),
                   department=f"{SCOPE}-gov")


def init(url: str, data_dir: Path) -> None:
    """Migrate and create the county's departments, as ``liandong init`` does."""
    done = CliRunner().invoke(cli, ["init", "--scope", SCOPE, "--database-url", url,
                                    "--data-dir", str(data_dir)])
    assert done.exit_code == 0, done.output


def report(platform: Platform, matter: str, street: str, marker: str) -> str:
    """A citizen's report through the platform's message bus (a write: it goes to ``uow``)."""
    return platform.bus().handle(c.ReportCase(by="reporter", matter=matter, affected=(street,),
                                              description=f"{marker}：需要处理")).case_id


def received(platform: Platform) -> int:
    """Cases received in the default 30 days, as the dashboard counts them for the county."""
    period, _, _ = choose_period(datetime.now(UTC), "", "", "")
    totals: dict[str, Any] = dashboard_view(platform, LEADER, SCOPE, period, "zh")["totals"]
    return int(totals["received"])


def case_ids(platform: Platform, *, read: bool) -> set[str]:
    with (platform.read_uow() if read else platform.uow()) as uow:
        return set(uow.case_reads.recent_ids(limit=1000))


def dispose(*platforms: Platform) -> None:
    for p in platforms:
        p.close()
        if p.replica is not None:
            p.replica.dispose()


def page_received(platform: Platform, settings: Settings) -> int:
    """The dashboard page over HTTP, signed in with an account made on the primary."""
    with platform.uow() as uow:
        create_account(uow=uow, username="liangxi_leader", password="password-1", department=f"{SCOPE}-gov",
                       roles=("leader",), now=datetime.now(UTC))
        uow.commit()
    # no lifespan: nothing runs in the background
    client = TestClient(create_app(settings, platform), base_url="http://127.0.0.1")
    token = client.post("/api/auth/token", json={"username": "liangxi_leader", "password": "password-1"})
    assert token.status_code == 200, token.text
    client.cookies.set("ld_session", token.json()["access_token"])
    page = client.get("/work/dashboard", params={"scope": SCOPE})
    assert page.status_code == 200
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page.text, re.S)
    assert found, "no embedded dashboard data"
    return int(json.loads(found.group(1))["totals"]["received"])


def priorities(platform: Platform) -> dict[str, int]:
    """The insight panel's 每月一题 candidates: matter name → volume."""
    view = insight_view(platform, SCOPE, "en", datetime.now(UTC))
    return {p["matter"]: p["volume"] for p in view["priorities"]}


# -- PostgreSQL: two databases -----------------------------------------------------------------------
@pytest.fixture
def replica_db(pg_admin: Engine) -> Iterator[str]:
    """A second fresh database standing for the replica, dropped afterwards."""
    yield from fresh_database(pg_admin, "liandong_replica")


@pytest.mark.postgres
def test_dashboards_read_the_replica_and_writes_land_on_the_primary(pg_url: str, replica_db: str,
                                                                     tmp_path: Path) -> None:
    init(pg_url, tmp_path)
    init(replica_db, tmp_path)
    # what only the replica holds (written to its database directly, as replication would)
    only_there = bootstrap(Settings(database_url=replica_db, data_dir=tmp_path))
    settings = Settings(database_url=pg_url, replica_url=replica_db, data_dir=tmp_path)
    platform = bootstrap(settings)
    try:
        on_replica = {report(only_there, "social_life_noise", STREET_A, f"仅副本 {i}") for i in range(3)}
        assert platform.replica is not None and platform.engine is not None
        assert platform.replica.url.database != platform.engine.url.database

        written = report(platform, "garbage_collection", STREET_B, "主库")  # a write through the platform
        assert case_ids(platform, read=False) == {written}  # on the primary …
        assert case_ids(platform, read=True) == on_replica  # … and not on the replica

        assert received(platform) == 3  # the dashboard counts the replica's cases
        assert page_received(platform, settings) == 3  # the page over HTTP too (signed in on the primary)
        with platform.read_uow() as uow:
            assert uow.accounts.by_username("liangxi_leader") is None  # the sign-in was a primary write
        panel = priorities(platform)  # the insight panel reads the replica
        assert panel and set(panel.values()) == {3} and all("garbage" not in m.lower() for m in panel)

        with pytest.raises(DBAPIError, match="read-only"), platform.read_uow() as uow:
            uow.organisation.put_document("replica/probe", "1", "must not be written")
            uow.commit()
        with platform.replica.connect() as conn:
            assert conn.execute(text("SHOW transaction_read_only")).scalar() == "on"
    finally:
        dispose(platform, only_there)


@pytest.mark.postgres
def test_without_a_replica_dashboards_read_the_primary_on_postgres(pg_url: str, tmp_path: Path) -> None:
    init(pg_url, tmp_path)
    platform = bootstrap(Settings(database_url=pg_url, data_dir=tmp_path))
    try:
        assert platform.replica is None and platform.read_insight() is platform.insight()
        written = {report(platform, "social_life_noise", STREET_A, f"主库 {i}") for i in range(2)}
        assert case_ids(platform, read=True) == written == case_ids(platform, read=False)
        assert received(platform) == 2
        assert set(priorities(platform).values()) == {2}
    finally:
        dispose(platform)


# -- SQLite: the replica is a copy of the file -------------------------------------------------------
def test_a_sqlite_copy_serves_the_dashboard_read_only(tmp_path: Path) -> None:
    primary_file, replica_file = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    primary_url, replica_url = (f"sqlite+pysqlite:///{primary_file}", f"sqlite+pysqlite:///{replica_file}")
    init(primary_url, tmp_path)
    with sqlite3.connect(primary_file) as source, sqlite3.connect(replica_file) as copy:
        source.backup(copy)  # the replica starts as the primary, initialised
    source.close()
    copy.close()
    only_there = bootstrap(Settings(database_url=replica_url, data_dir=tmp_path))
    platform = bootstrap(Settings(database_url=primary_url, replica_url=replica_url, data_dir=tmp_path))
    try:
        on_replica = {report(only_there, "social_life_noise", STREET_A, f"仅副本 {i}") for i in range(2)}
        written = report(platform, "garbage_collection", STREET_B, "主库")
        assert case_ids(platform, read=False) == {written}
        assert case_ids(platform, read=True) == on_replica
        assert received(platform) == 2
        with pytest.raises(DBAPIError, match="readonly"), platform.read_uow() as uow:
            uow.organisation.put_document("replica/probe", "1", "must not be written")
            uow.commit()
    finally:
        dispose(platform, only_there)


def test_without_a_replica_dashboards_read_the_primary_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'liandong.sqlite3'}"
    init(url, tmp_path)
    platform = bootstrap(Settings(database_url=url, data_dir=tmp_path))
    try:
        assert platform.replica is None
        written = report(platform, "social_life_noise", STREET_A, "主库")
        assert case_ids(platform, read=True) == {written}
        assert received(platform) == 1
    finally:
        dispose(platform)


def test_reads_on_sqlite_hold_no_writers_lock(tmp_path: Path) -> None:
    """A long read (a dashboard's month, a feed) leaves the writers free: reads of the primary begin
    deferred, on a read-only engine of the same file, and still see every commit made before them.
    (Were they ``BEGIN IMMEDIATE`` like the writers', the report below would wait for the lock and
    fail with "database is locked".)"""
    url = f"sqlite+pysqlite:///{tmp_path / 'liandong.sqlite3'}"
    init(url, tmp_path)
    platform = bootstrap(Settings(database_url=url, data_dir=tmp_path))
    try:
        first = report(platform, "social_life_noise", STREET_A, "读前")
        assert platform.engine is not None
        with platform.engine.connect() as conn:  # writes wait at most a tenth of a second for the lock
            conn.exec_driver_sql("PRAGMA busy_timeout=100")
        with platform.reads() as held, platform.read_uow() as lagging:
            assert set(held.case_reads.recent_ids(limit=10)) == {first}  # the read's snapshot begins
            assert set(lagging.case_reads.recent_ids(limit=10)) == {first}
            second = report(platform, "garbage_collection", STREET_B, "读时")  # a write meanwhile
            assert set(held.case_reads.recent_ids(limit=10)) == {first}  # the snapshot stays whole
        assert case_ids(platform, read=True) == {first, second}  # the next read sees the commit
        assert platform.queries().get(second) is not None
        with pytest.raises(DBAPIError, match="readonly"), platform.reads() as uow:
            uow.organisation.put_document("reads/probe", "1", "must not be written")
            uow.commit()
    finally:
        dispose(platform)
