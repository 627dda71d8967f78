"""A server's SQLite write-ahead log is checkpointed on a timer thread, not in a batch's commit."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from liandong.adapters.sql.engine import WAL_BACKSTOP_PAGES, defer_wal_checkpoints, make_engine, sqlite_url
from liandong.bootstrap import bootstrap
from liandong.config import Settings
from liandong.server.app import create_app


def pragma(engine, name: str) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f"PRAGMA {name}").scalar())


def test_checkpoints_run_where_called_and_the_log_starts_over(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "wal.sqlite3"))
    assert pragma(engine, "wal_autocheckpoint") == 1000  # SQLite's own threshold until deferred
    checkpoints = defer_wal_checkpoints(engine)
    assert checkpoints is not None
    assert pragma(engine, "wal_autocheckpoint") == WAL_BACKSTOP_PAGES
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, body TEXT)"))
    for batch in range(20):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO item (body) VALUES (:b)"),
                         [{"b": f"{batch}-{i}-" + "x" * 400} for i in range(200)])
    busy, frames, done = checkpoints.once()
    assert busy == 0 and frames > 100 and done == frames  # every logged page is in the file now
    with engine.begin() as conn:  # the first transaction after a complete checkpoint starts over
        conn.execute(text("INSERT INTO item (body) VALUES ('after')"))
    _, again, _ = checkpoints.once()
    assert 0 < again < frames
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM item")).scalar() == 20 * 200 + 1
    checkpoints.close()
    engine.dispose()


def test_postgres_and_memory_keep_their_own_ways(pg_url: str) -> None:
    memory = make_engine("sqlite+pysqlite:///:memory:")
    assert defer_wal_checkpoints(memory) is None
    postgres = make_engine(pg_url)
    assert defer_wal_checkpoints(postgres) is None
    postgres.dispose()


def test_the_server_checkpoints_on_a_thread_of_its_own(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    platform = bootstrap(settings)
    assert platform.engine is not None

    def timer_alive() -> bool:
        return any(t.name == "wal-checkpoint" and t.is_alive() for t in threading.enumerate())

    with TestClient(create_app(settings, platform), base_url="http://127.0.0.1") as client:
        assert client.get("/healthz").status_code == 200
        assert timer_alive()
        assert pragma(platform.engine, "wal_autocheckpoint") == WAL_BACKSTOP_PAGES
    deadline = time.monotonic() + 10
    while timer_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not timer_alive()
    platform.engine.dispose()
