"""A node restored from an old copy meets its independent witness (decision 0035): the witness, in a
process of its own, refuses the rolled-back checkpoint (409) and then the forked one (422); the node
stores its checkpoints with the log's signature alone, logs the refusal and raises the ledger alarm
that ``/healthz`` and the pages show. On SQLite (a copy of the data directory) and PostgreSQL (a copy
of the database made from it as a template)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.ledger.note import Verifier, verify_note
from liandong.server.app import create_app
from tests.support.databases import PG_SERVER
from tests.support.witness import witness_process

runner = CliRunner()


def _copy_database(pg_admin: Engine, source: str, target: str) -> None:
    with pg_admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                     {"d": source})
        conn.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_restored_node_is_refused_by_its_witness_and_shows_the_alarm(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    node, copy = tmp_path / "node", tmp_path / "copy"
    url = "" if backend == "sqlite" else request.getfixturevalue("pg_url")
    restore: Callable[[], str] = lambda: ""  # noqa: E731
    if backend == "postgres":
        pg_admin = request.getfixturevalue("pg_admin")
        source = url.rsplit("/", 1)[1]

        def restore() -> str:
            _copy_database(pg_admin, f"{source}_copy", f"{source}_restored")
            request.addfinalizer(lambda: _drop(pg_admin, f"{source}_copy", f"{source}_restored"))
            return f"{PG_SERVER}/{source}_restored"

    def run(*args: str, witnesses: str = "", database: str = "") -> str:
        db = ["--database-url", database or url] if (database or url) else []
        result = runner.invoke(cli, [*args, "--data-dir", str(node), *db],
                               env={"LIANDONG_WITNESSES": witnesses})
        assert result.exit_code == 0, result.output
        return result.output

    def report(text_: str, **kw: str) -> None:
        run("case", "report", "--matter", "social_life_noise", "--place", "320213001", "--text", text_, **kw)

    run("init", "--scope", "320213")
    origin, log_vkey = run("ledger", "log-key").split()
    with witness_process(tmp_path, origin, log_vkey) as witness:
        configured = f"{witness.url} {witness.vkey}"
        report("广场夜间噪声", witnesses=configured)
        assert "— witness-x " in run("ledger", "checkpoint", witnesses=configured)
        shutil.copytree(node, copy)  # a backup of the data directory …
        if backend == "postgres":
            _copy_database(request.getfixturevalue("pg_admin"), url.rsplit("/", 1)[1],
                           f"{url.rsplit('/', 1)[1]}_copy")
        report("工地夜间施工", witnesses=configured)
        report("夜市油烟", witnesses=configured)
        assert "— witness-x " in run("ledger", "checkpoint", witnesses=configured)
        served = Settings(data_dir=node, witnesses=configured, **({"database_url": url} if url else {}))
        reading = bootstrap(served)
        answer = TestClient(create_app(served, reading), base_url="http://127.0.0.1").get("/log/checkpoint")
        assert answer.status_code == 200  # what any reader fetches carries the cosignature
        assert [s.name for s in verify_note(answer.text, [Verifier.from_vkey(witness.vkey)])] == ["witness-x"]
        assert reading.engine is not None
        reading.engine.dispose()

        shutil.rmtree(node)
        shutil.copytree(copy, node)  # … restored: the log goes back in time
        restored = restore() or url
        report("另一段历史", witnesses=configured, database=restored)
        note = run("ledger", "checkpoint", witnesses=configured, database=restored)
        assert "— witness-x " not in note and "— liandong-log " in note
        settings = Settings(data_dir=node, witnesses=configured,
                            **({"database_url": restored} if restored else {}))
        platform = bootstrap(settings)
        alarm = platform.ledger_watch().status.alarm
        assert alarm is not None and alarm.key == "witness_refused" and alarm.params["status"] == "409"
        answer = TestClient(create_app(settings, platform), base_url="http://127.0.0.1").get("/healthz")
        assert answer.status_code == 503 and answer.json()["status"] == "ledger_alarm"
        assert "witness witness-x refused to cosign" in answer.json()["ledger"]

        report("又一段历史", witnesses=configured, database=restored)  # the witness's size, another root
        run("ledger", "checkpoint", witnesses=configured, database=restored)
        alarm = platform.ledger_watch().status.alarm
        assert alarm is not None and alarm.params["status"] == "422"
        assert "was cosigned with a different root" in alarm.params["reason"]
        assert "refused (422)" in witness.log.read_text()  # the witness says so too


def _drop(pg_admin: Engine, *names: str) -> None:
    with pg_admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
