"""Signed backups (issue 22, point 6; decision 0029) on SQLite and PostgreSQL: a backup whose database
is edited and whose checksums are recomputed is refused and nothing is restored; a manifest signed
by another key (even the log's key, which the archive's own secret opens) is refused; an unsigned,
format 1 manifest is refused by its version; a restore that takes the log back in time says so and
needs ``--accept-rollback``; a fork is refused; a good backup carries the latest cosigned checkpoint
and the restored log is checked against it."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sqlite3
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from liandong.adapters.backup import store_for
from liandong.adapters.node_key import NodeKeyFiles
from liandong.bootstrap import Platform, bootstrap
from liandong.cli import app as main_app
from liandong.cli.backup import backup_command, restore_command
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.ledger.note import Signer, parse_note
from liandong.ledger.suite import SHA256_ED25519
from liandong.services.backup import read_manifest, restore_backup
from liandong.services.backup_manifest import MANIFEST, Manifest
from liandong.services.ledger import derive_private_key
from liandong.services.ledger_audit import LOG_KEY

runner = CliRunner()
commands = typer.Typer()
commands.command("backup")(backup_command)
commands.command("restore")(restore_command)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(commands, list(args))
    return result.exit_code, " ".join(result.output.split())


def report(platform: Platform, n: int, words: str) -> None:
    bus = platform.bus()
    for i in range(n):
        bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                description=f"{words} {i}"))


def descriptions(platform: Platform) -> set[str]:
    assert platform.engine is not None
    with platform.engine.connect() as conn:
        rows = conn.execute(text("SELECT payload FROM case_event WHERE type = 'CaseReported'"))
        return {json.loads(row[0])["description"] for row in rows}


def node_vkey(data: Path) -> str:
    return (data / "keys" / "node.pub").read_text().strip()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:*") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def write(archive: Path, contents: dict[str, bytes]) -> None:
    with tarfile.open(archive, "w") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def forged(archive: Path, target: Path, *, edit_database: bool = True, signer: Signer | None = None,
           unsigned: bool = False) -> None:
    """What an attacker holding the archive can do: edit the database (an SQLite file: the cases'
    text; any other: one byte), recompute its SHA-256 and size in the manifest, and optionally
    sign again with a key of their own or drop the signature (calling it format 1)."""
    contents = members(archive)
    document = json.loads(contents[MANIFEST])
    name = document["database"]["member"]
    if edit_database:
        data = contents[name]
        if name.endswith(".sqlite3"):
            copy = target.with_suffix(".edit")
            copy.write_bytes(data)
            conn = sqlite3.connect(copy)  # triggers dropped first, as whoever holds the file can
            triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
            for (trigger,) in triggers:
                conn.execute(f'DROP TRIGGER "{trigger}"')
            conn.execute("UPDATE case_event SET payload = replace(payload, '广场夜间噪声', '已撤诉')")
            conn.commit()
            conn.close()
            data = copy.read_bytes()
            assert "已撤诉".encode() in data and data != contents[name]
        else:
            data = data[:-100] + bytes([data[-100] ^ 1]) + data[-99:]
        contents[name] = data
        document["database"].update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    if unsigned:
        document.pop("signature")
        document["format_version"] = 1
    elif signer is not None:
        manifest = Manifest.from_json(json.dumps(document).encode(), target)
        resigned = manifest.sign(signer)
        document["signature"] = {"key": resigned.signed_by,
                                 "value": base64.b64encode(resigned.signature or b"").decode()}
    contents[MANIFEST] = json.dumps(document, ensure_ascii=False).encode()
    write(target, {k: v for k, v in contents.items() if k != MANIFEST} | {MANIFEST: contents[MANIFEST]})


@pytest.fixture()
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """An SQLite installation with 3 cases and a cosigned checkpoint, and its backup."""
    monkeypatch.delenv("LIANDONG_DATABASE_URL", raising=False)
    monkeypatch.delenv("LIANDONG_SECRET", raising=False)
    data = tmp_path / "live"
    assert runner.invoke(main_app, ["init", "--scope", "320213", "--data-dir", str(data)]).exit_code == 0
    platform = bootstrap(Settings(data_dir=data))
    report(platform, 3, "广场夜间噪声")
    assert platform.record().checkpoint() is not None
    archive = tmp_path / "live.tar"
    code, output = run("backup", str(archive), "--data-dir", str(data))
    assert code == 0 and node_vkey(data) in output, output
    platform.engine.dispose()  # type: ignore[union-attr]
    yield data, archive


def test_a_good_backup_carries_the_cosigned_checkpoint_and_restores_consistent_with_it(
        live: tuple[Path, Path], tmp_path: Path) -> None:
    data, archive = live
    manifest = read_manifest(archive)
    checkpoint = manifest.checkpoint()
    assert checkpoint is not None and checkpoint.size == manifest.snapshot.ledger_size
    assert len(parse_note(manifest.snapshot.checkpoint or "").signatures) >= 2  # log and witness
    assert manifest.signed_by == node_vkey(data) and manifest.format_version == 2
    fresh = tmp_path / "fresh"
    code, output = run("restore", str(archive), "--data-dir", str(fresh), "--node-key", node_vkey(data))
    assert code == 0, output
    assert "清单签名核验通过" in output and "恢复的日志与备份时的联署检查点一致" in output
    assert descriptions(bootstrap(Settings(data_dir=fresh))) == {f"广场夜间噪声 {i}" for i in range(3)}


def test_an_edited_database_with_recomputed_checksums_is_refused_and_nothing_restored(
        live: tuple[Path, Path], tmp_path: Path) -> None:
    data, archive = live
    edited = tmp_path / "edited.tar"
    forged(archive, edited)
    fresh = tmp_path / "fresh"
    code, output = run("restore", str(edited), "--data-dir", str(fresh), "--node-key", node_vkey(data))
    assert code == 2 and "清单签名与节点密钥" in output and "重算了校验和" in output, output
    code, output = run("restore", str(edited), "--data-dir", str(data), "--force", "--lang", "en")
    assert code == 2 and "does not verify with the node key" in output, output  # key from keys/
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(Settings(data_dir=data)), archive=edited, force=True)
    assert refused.value.code == "backup.bad_signature"
    assert not (fresh / "liandong.sqlite3").exists() and not (fresh / "secret.key").exists()
    assert descriptions(bootstrap(Settings(data_dir=data))) == {f"广场夜间噪声 {i}" for i in range(3)}


def test_a_manifest_signed_by_another_key_is_refused_even_the_logs_key_the_archive_opens(
        live: tuple[Path, Path], tmp_path: Path) -> None:
    data, archive = live
    secret = members(archive)["secret.key"].strip()
    keys = {"attacker": Signer("liandong-node", SHA256_ED25519.generate_private_key()),
            "log": Signer(LOG_KEY, derive_private_key(secret, LOG_KEY))}
    for who, signer in keys.items():
        resigned = tmp_path / f"{who}.tar"
        forged(archive, resigned, signer=signer)
        with pytest.raises(DomainError) as refused:
            restore_backup(store=store_for(Settings(data_dir=tmp_path / who)), archive=resigned,
                           node_key=NodeKeyFiles(data).verifier())
        assert refused.value.code == "backup.other_key", who
        code, output = run("restore", str(resigned), "--data-dir", str(data), "--force")
        assert code == 2 and "由另一把密钥" in output and node_vkey(data) in output, output
        assert not (tmp_path / who / "liandong.sqlite3").exists()
    # a fresh installation has no key to check against: the operator must give it, never the archive
    code, output = run("restore", str(archive), "--data-dir", str(tmp_path / "bare"), "--lang", "en")
    assert code == 2 and "no node key" in output and "--node-key" in output, output


def test_an_unsigned_format_1_manifest_is_refused_naming_its_version(
        live: tuple[Path, Path], tmp_path: Path) -> None:
    data, archive = live
    old = tmp_path / "old.tar"
    forged(archive, old, edit_database=False, unsigned=True)
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(Settings(data_dir=tmp_path / "t")), archive=old,
                       node_key=NodeKeyFiles(data).verifier())
    assert (refused.value.code, refused.value.params["version"]) == ("backup.unsigned", 1)
    code, output = run("restore", str(old), "--data-dir", str(tmp_path / "t"), "--lang", "en")
    assert code == 2 and "format version 1" in output and "not signed" in output, output


def test_an_older_backup_over_a_newer_log_reports_the_rollback_and_needs_the_flag(
        live: tuple[Path, Path]) -> None:
    data, archive = live
    platform = bootstrap(Settings(data_dir=data))
    report(platform, 2, "备份后")
    assert platform.record().checkpoint() is not None
    with platform.uow() as uow:
        newer, older = uow.ledger.size(), read_manifest(archive).snapshot.ledger_size
    platform.engine.dispose()  # type: ignore[union-attr]
    code, output = run("restore", str(archive), "--data-dir", str(data), "--force")
    assert code == 2, output
    assert f"从 {newer} 条退回到 {older} 条；已联署 {newer} 条的见证方将看到一次回滚" in output
    code, output = run("restore", str(archive), "--data-dir", str(data), "--force", "--lang", "en")
    assert (f"returns the log from {newer} to {older} entries; witnesses that cosigned size {newer} "
            f"will see a rollback") in output and "--accept-rollback" in output
    assert len(descriptions(bootstrap(Settings(data_dir=data)))) == 5  # nothing restored
    code, output = run("restore", str(archive), "--data-dir", str(data), "--force", "--accept-rollback",
                       "--lang", "en")
    assert code == 0 and "verified" in output, output
    assert f"returned the log from {newer} to {older} entries" in output
    assert len(descriptions(bootstrap(Settings(data_dir=data)))) == 3


def test_a_backup_of_another_log_is_a_fork_and_refused(live: tuple[Path, Path], tmp_path: Path) -> None:
    data, archive = live
    other = tmp_path / "other"
    assert runner.invoke(main_app, ["init", "--scope", "320213", "--data-dir", str(other)]).exit_code == 0
    platform = bootstrap(Settings(data_dir=other))
    report(platform, 4, "另一条日志")
    platform.engine.dispose()  # type: ignore[union-attr]
    code, output = run("restore", str(archive), "--data-dir", str(other), "--force", "--accept-rollback",
                       "--node-key", node_vkey(data))
    assert code == 2 and "分叉" in output, output
    assert descriptions(bootstrap(Settings(data_dir=other))) == {f"另一条日志 {i}" for i in range(4)}


@pytest.mark.postgres
def test_postgres_edited_dump_is_refused_and_a_rollback_needs_the_flag(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIANDONG_SECRET", raising=False)
    monkeypatch.delenv("LIANDONG_DATABASE_URL", raising=False)
    data = tmp_path / "pg-data"
    db = ["--database-url", pg_url, "--data-dir", str(data)]
    assert runner.invoke(main_app, ["init", "--scope", "320213", *db]).exit_code == 0
    settings = Settings(data_dir=data, database_url=pg_url)
    platform = bootstrap(settings)
    report(platform, 2, "备份前")
    assert platform.record().checkpoint() is not None
    archive = tmp_path / "pg.tar"
    assert run("backup", str(archive), *db)[0] == 0
    assert read_manifest(archive).checkpoint() is not None
    edited = tmp_path / "edited.tar"
    forged(archive, edited)
    with pytest.raises(DomainError) as refused:
        restore_backup(store=store_for(settings), archive=edited, force=True, accept_rollback=True)
    assert refused.value.code == "backup.bad_signature"
    report(platform, 1, "备份后")
    assert platform.record().checkpoint() is not None
    platform.engine.dispose()  # type: ignore[union-attr]
    code, output = run("restore", str(archive), *db, "--force")
    assert code == 2 and "--accept-rollback" in output and "回滚" in output, output
    assert len(descriptions(bootstrap(settings))) == 3
    code, output = run("restore", str(archive), *db, "--force", "--accept-rollback")
    assert code == 0 and "恢复的日志与备份时的联署检查点一致" in output, output
    restored = bootstrap(settings)
    assert descriptions(restored) == {"备份前 0", "备份前 1"}
    restored.engine.dispose()  # type: ignore[union-attr]


def test_the_checkpoint_kept_outside_the_database_catches_a_restore_into_an_emptied_one(
        live: tuple[Path, Path]) -> None:
    """Deleting the database does not hide a rollback: the data directory keeps the latest cosigned
    checkpoint (decision 0028). An accepted rollback sets that copy aside and keeps the archive's,
    so the restored installation verifies."""
    data, archive = live
    platform = bootstrap(Settings(data_dir=data))
    report(platform, 2, "备份后")
    assert platform.record().checkpoint() is not None
    with platform.uow() as uow:
        newer, older = uow.ledger.size(), read_manifest(archive).snapshot.ledger_size
    platform.engine.dispose()  # type: ignore[union-attr]
    kept = (data / "checkpoint.cosigned").read_text(encoding="utf-8")
    assert kept.split("\n")[1] == str(newer)
    for leftover in data.glob("liandong.sqlite3*"):
        leftover.unlink()  # the database emptied by whoever holds the files
    code, output = run("restore", str(archive), "--data-dir", str(data))
    assert code == 2 and f"从 {newer} 条退回到 {older} 条" in output, output
    code, output = run("restore", str(archive), "--data-dir", str(data), "--accept-rollback")
    assert code == 0 and f"从 {newer} 条退回到 {older} 条" in output, output
    assert (data / "checkpoint.cosigned").read_text(encoding="utf-8").split("\n")[1] == str(older)
    aside = data.glob("checkpoint.cosigned.before-restore-*")
    assert [p.read_text(encoding="utf-8") for p in aside] == [kept]
    result = runner.invoke(main_app, ["ledger", "verify", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
