"""``liandong backup`` / ``liandong restore`` on SQLite and PostgreSQL: a restore brings back exactly
the backed-up cases, a ledger that verifies with the manifest's root and keys the restored secret
opens; bad archives, the other back-end's archives, a non-empty target and missing tools are refused
before anything changes."""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from liandong.adapters.backup import store_for
from liandong.adapters.node_key import NodeKeyFiles
from liandong.bootstrap import Platform, bootstrap
from liandong.cli import app as main_app
from liandong.cli.backup import backup_command, restore_command
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.ledger.merkle import root
from liandong.services.backup import MANIFEST, create_backup, read_manifest, restore_backup
from tests.support.databases import PG_SERVER

runner = CliRunner()
backup_app = typer.Typer()  # the two commands as ``liandong`` registers them
backup_app.command("backup")(backup_command)
backup_app.command("restore")(restore_command)


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def report(platform: Platform, n: int, text_: str) -> list[str]:
    """``n`` reports, the first dispatched (signed with a department's key, which the secret opens)."""
    bus = platform.bus()
    ids = [bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                   description=f"{text_} {i}")).case_id for i in range(n)]
    bus.handle(c.DispatchCase(by="320200-gov", case_id=ids[0]))
    return ids


def state(platform: Platform) -> tuple[set[str], int, bytes]:
    """The case ids, the ledger size and root."""
    assert platform.engine is not None
    with platform.engine.connect() as conn:
        ids = {row[0] for row in conn.execute(text("SELECT id FROM case_record"))}
    with platform.uow() as uow:
        size = uow.ledger.size()
        return ids, size, root(uow.ledger.hashes, size)


def events(platform: Platform) -> int:
    """The number of stored case events (each has its ledger entry)."""
    assert platform.engine is not None
    with platform.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM case_event")).scalar_one())


def opened(settings: Settings) -> Platform:
    return bootstrap(settings)


def verified(platform: Platform) -> bool:
    with platform.uow() as uow:
        return platform.ledger.verify(uow).ok


def node_key(data: Path) -> str:
    """The node key of a data directory, as an operator copies it from ``keys/node.pub``."""
    return (data / "keys" / "node.pub").read_text().strip()


def rewrite(archive: Path, target: Path, change: dict[str, object]) -> None:
    """A copy of ``archive`` with some manifest fields changed."""
    with tarfile.open(archive, "r:*") as src, tarfile.open(target, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == MANIFEST:
                data = json.dumps({**json.loads(data), **change}).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, set[str]]]:
    """An initialised SQLite data directory with 3 cases, and its backup archive."""
    data = tmp_path_factory.mktemp("sqlite-live")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("LIANDONG_DATABASE_URL", raising=False)
        mp.delenv("LIANDONG_SECRET", raising=False)
        assert run(main_app, "init", "--scope", "320213", "--data-dir", str(data))[0] == 0
        platform = opened(Settings(data_dir=data))
        ids = set(report(platform, 3, "备份前"))
        archive = data.parent / f"{data.name}.tar"
        code, output = run(backup_app, "backup", str(archive), "--data-dir", str(data))
        assert code == 0, output
        assert platform.engine is not None
        platform.engine.dispose()
        yield data, archive, ids


def test_sqlite_backup_then_restore_brings_back_exactly_the_backed_up_state(
        sqlite_source: tuple[Path, Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANDONG_DATABASE_URL", raising=False)
    monkeypatch.delenv("LIANDONG_SECRET", raising=False)
    data, archive, before = sqlite_source
    manifest = read_manifest(archive)
    platform = opened(Settings(data_dir=data))
    ids, size, head = state(platform)
    assert ids == before and manifest.backend == "sqlite" and manifest.snapshot.cases == 3
    assert (manifest.snapshot.ledger_size, manifest.snapshot.ledger_root) == (size, head)
    assert size == events(platform) > 3
    assert manifest.snapshot.schema_revision is not None
    assert run(backup_app, "backup", str(archive), "--data-dir", str(data))[0] == 2  # never overwritten
    added = set(report(platform, 2, "备份后"))
    assert state(platform)[0] == before | added
    platform.engine.dispose()  # type: ignore[union-attr]

    code, _ = run(backup_app, "restore", str(archive), "--data-dir", str(data))
    assert code == 2  # not over a database holding data without --force
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(Settings(data_dir=data)), archive=archive)
    assert refused.value.code == "backup.target_not_empty"
    assert state(opened(Settings(data_dir=data)))[0] == before | added  # nothing changed

    code, output = run(backup_app, "restore", str(archive), "--data-dir", str(data), "--force")
    assert code == 2 and "--accept-rollback" in output, output  # the log would go back in time
    assert state(opened(Settings(data_dir=data)))[0] == before | added  # nothing changed
    code, output = run(backup_app, "restore", str(archive), "--data-dir", str(data), "--force",
                       "--accept-rollback")
    assert code == 0, output
    assert "核验通过" in output and "日志规模与根和备份时一致" in output
    assert f"退回到 {size} 条" in " ".join(output.split())
    again = opened(Settings(data_dir=data))
    assert state(again) == (before, size, head) and verified(again)

    assert "清单签名核验通过" in output and node_key(data) in output

    fresh = tmp_path / "fresh"  # an empty directory: the secret comes from the archive …
    code, output = run(backup_app, "restore", str(archive), "--data-dir", str(fresh), "--lang", "en")
    assert code == 2 and "--node-key" in output, output  # … the key checking it from the operator
    code, output = run(backup_app, "restore", str(archive), "--data-dir", str(fresh), "--lang", "en",
                       "--node-key", node_key(data))
    assert code == 0 and f"verified: {size} entries" in output, output
    assert not (fresh / "keys").exists()  # the node's private key never travels in an archive
    assert (fresh / "secret.key").read_text().strip() == (data / "secret.key").read_text().strip()
    restored = opened(Settings(data_dir=fresh))
    assert state(restored) == (before, size, head)
    report(restored, 1, "恢复后")  # the restored secret opens the department's signing key
    assert verified(restored) and state(restored)[1] == events(restored) > size


def test_sqlite_restore_refuses_bad_archives_before_changing_anything(
        sqlite_source: tuple[Path, Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANDONG_DATABASE_URL", raising=False)
    monkeypatch.delenv("LIANDONG_SECRET", raising=False)
    data, archive, _ = sqlite_source
    target = tmp_path / "target"
    store = store_for(Settings(data_dir=target))
    key = NodeKeyFiles(data).verifier()
    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(b"not an archive at all\n" * 100)
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    newer = tmp_path / "newer.tar"
    rewrite(archive, newer, {"schema_revision": "9999"})
    future = tmp_path / "future.tar"
    rewrite(archive, future, {"format_version": 99})
    resigned = tmp_path / "resigned.tar"  # the manifest changed: its signature no longer holds
    rewrite(archive, resigned, {"database": {**json.loads(_manifest_bytes(archive))["database"],
                                             "sha256": "0" * 64}})
    tampered = tmp_path / "tampered.tar"  # the database changed, the signed manifest left alone
    rewrite_database(archive, tampered)
    cases = {garbage: "backup.malformed", truncated: "backup.damaged", newer: "backup.newer_schema",
             future: "backup.unsupported_format", resigned: "backup.bad_signature",
             tampered: "backup.malformed", tmp_path / "missing.tar": "backup.unreadable"}
    for bad, expected in cases.items():
        code, output = run(backup_app, "restore", str(bad), "--data-dir", str(target),
                           "--node-key", key.vkey)  # type: ignore[union-attr]
        assert code == 2 and "Traceback" not in output, (bad, output)
        with pytest.raises(DomainError) as refused:
            restore_backup(store=store, archive=bad, node_key=key)
        assert refused.value.code == expected, bad
    with pytest.raises(DomainError) as refused:  # LIANDONG_SECRET set to another secret than the archive's
        restore_backup(store=store_for(Settings(data_dir=target, secret="another-" * 8)), archive=archive,
                       node_key=key)
    assert refused.value.code == "backup.secret_mismatch"
    assert not (target / "liandong.sqlite3").exists() and not (target / "secret.key").exists()
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store, archive=newer, node_key=key)
    assert refused.value.params["revision"] == "9999"
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store, archive=tampered, node_key=key)
    assert "checksum" in refused.value.params["problem"]


def test_sqlite_backup_while_cases_are_written_is_one_consistent_state(
        sqlite_source: tuple[Path, Path, set[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANDONG_DATABASE_URL", raising=False)
    monkeypatch.delenv("LIANDONG_SECRET", raising=False)
    data = sqlite_source[0]
    writer = opened(Settings(data_dir=data))
    written: list[str] = []
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            written.extend(report(writer, 1, "并发"))

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        manifest = create_backup(store=store_for(Settings(data_dir=data)), archive=tmp_path / "live.tar",
                                 software_version="test")
        at_backup = len(written)
        while len(written) < at_backup + 5:  # the writer went on meanwhile and after
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    fresh = Settings(data_dir=tmp_path / "fresh")
    restore_backup(store=store_for(fresh), archive=tmp_path / "live.tar",
                   node_key=NodeKeyFiles(data).verifier())
    restored = opened(fresh)
    ids, size, head = state(restored)
    assert len(ids) == manifest.snapshot.cases and (size, head) == (manifest.snapshot.ledger_size,
                                                                     manifest.snapshot.ledger_root)
    assert set(written[:5]) <= ids and not set(written[at_backup + 1:]) & ids
    assert size == events(restored) and verified(restored)  # no case without its ledger entries


def rewrite_database(archive: Path, target: Path) -> None:
    """A copy of ``archive`` whose database member has one byte changed near its end."""
    with tarfile.open(archive, "r:*") as src, tarfile.open(target, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("database."):
                data = data[:-100] + bytes([data[-100] ^ 1]) + data[-99:]
            dst.addfile(member, io.BytesIO(data))


def _manifest_bytes(archive: Path) -> bytes:
    with tarfile.open(archive, "r:*") as tar:
        return tar.extractfile(MANIFEST).read()  # type: ignore[union-attr]


@pytest.mark.postgres
def test_postgres_backup_then_restore(sqlite_source: tuple[Path, Path, set[str]], pg_url: str,
                                      pg_admin: Engine, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANDONG_SECRET", raising=False)
    monkeypatch.delenv("LIANDONG_DATABASE_URL", raising=False)
    data = tmp_path / "pg-data"
    db = ["--database-url", pg_url, "--data-dir", str(data)]
    assert run(main_app, "init", "--scope", "320213", *db)[0] == 0
    settings = Settings(data_dir=data, database_url=pg_url)
    platform = opened(settings)
    before = set(report(platform, 3, "备份前"))
    archive = tmp_path / "pg.tar"
    code, output = run(backup_app, "backup", str(archive), *db)
    assert code == 0, output
    manifest = read_manifest(archive)
    _, size, head = state(platform)
    assert manifest.backend == "postgresql" and manifest.snapshot.cases == 3
    assert (manifest.snapshot.ledger_size, manifest.snapshot.ledger_root) == (size, head)
    assert size == events(platform) > 3
    added = set(report(platform, 2, "备份后"))
    after = state(platform)
    platform.engine.dispose()  # type: ignore[union-attr]

    code, _ = run(backup_app, "restore", str(archive), *db)
    assert code == 2  # not over a database holding data without --force …
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(settings), archive=archive)
    assert refused.value.code == "backup.target_not_empty"
    assert state(opened(settings)) == after and after[0] == before | added  # … and nothing changed
    code, output = run(backup_app, "restore", str(archive), *db, "--force")
    assert code == 2 and "--accept-rollback" in output, output  # older than the database: refused …
    assert state(opened(settings)) == after
    code, output = run(backup_app, "restore", str(archive), *db, "--force", "--accept-rollback")
    assert code == 0, output  # … unless accepted
    assert "核验通过" in output
    again = opened(settings)
    assert state(again) == (before, size, head) and verified(again)
    again.engine.dispose()  # type: ignore[union-attr]

    # into another, empty database with a fresh data directory: the secret travels with the archive
    name = f"liandong_test_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        other = Settings(data_dir=tmp_path / "other", database_url=f"{PG_SERVER}/{name}")
        code, output = run(backup_app, "restore", str(archive), "--database-url", str(other.database_url),
                           "--data-dir", str(other.data_dir), "--node-key", node_key(data))
        assert code == 0, output
        restored = opened(other)
        assert state(restored) == (before, size, head)
        report(restored, 1, "恢复后")  # signs with a key the restored secret opens
        assert verified(restored)
        restored.engine.dispose()  # type: ignore[union-attr]
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    # an archive of the other back-end, either way round, is refused by name
    _, sqlite_archive, _ = sqlite_source
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(settings), archive=sqlite_archive)
    assert refused.value.code == "backup.wrong_backend"
    assert (refused.value.params["archive"], refused.value.params["target"]) == ("sqlite", "postgresql")
    assert run(backup_app, "restore", str(sqlite_archive), *db, "--force")[0] == 2
    sqlite_target = Settings(data_dir=tmp_path / "sqlite-target")
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(sqlite_target), archive=archive)
    assert refused.value.code == "backup.wrong_backend"
    assert not sqlite_target.sqlite_path.exists()

    # pg_dump and pg_restore missing: the error names the tool
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    for command, tool in (("backup", "pg_dump"), ("restore", "pg_restore")):
        target = tmp_path / f"{command}.tar"
        code, output = run(backup_app, command, str(target if command == "backup" else archive), *db,
                           "--force")
        assert code == 2 and tool in output, output
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(settings), archive=archive, force=True)
    assert (refused.value.code, refused.value.params["tool"]) == ("backup.tool_missing", "pg_restore")
    monkeypatch.undo()
    assert state(opened(settings)) == (before, size, head)  # the refused restore changed nothing
