"""``liandong backup FILE`` and ``liandong restore FILE``: 备份与恢复 of the database and the platform
secret in one archive, its manifest signed by the node's key; a restore checks that signature against
a key the archive does not bring (``--node-key``, or the installation's ``keys/node.pub``), says when
it takes the log back in time (``--accept-rollback``), and ends with the full verification of the
shared record (decision 0029)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from liandong.cli.common import DbOpt, DirOpt, LangOpt, open_platform, settings_for
from liandong.cli.common import refusals as _refusals
from liandong.i18n import words
from liandong.i18n.cli import BACKUP_TEXT

if TYPE_CHECKING:
    from liandong.services.backup import Progress as ProgressFn
    from liandong.services.backup_manifest import Manifest

out = Console()
err = Console(stderr=True)

FileArg = Annotated[Path, typer.Argument(help="备份文件 / the archive file", dir_okay=False)]

def _t(lang: str, key: str) -> str:
    return words(BACKUP_TEXT, lang)[key]


@contextmanager
def _progress(lang: str) -> Iterator[ProgressFn]:
    """Phases as they come: a bar where the size is known (bytes), a spinner where it is not."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(_t(lang, phase), total=total or None)
            bar.update(tasks[phase], completed=done, total=total or None)

        yield report


def _summary(manifest: Manifest, lang: str) -> str:
    s = manifest.snapshot
    return (f"  {_t(lang, 'backend')} {manifest.backend} · {_t(lang, 'schema')} {s.schema_revision} · "
            f"{_t(lang, 'cases')} {s.cases:,} · {s.ledger_size:,} {_t(lang, 'entries')}\n"
            f"  {_t(lang, 'root')} {base64.b64encode(s.ledger_root).decode()}\n"
            f"  {_t(lang, 'created')} {manifest.created_at.isoformat(timespec='seconds')}\n"
            f"  {_t(lang, 'checkpoint')} {_checkpoint(manifest, lang)}")


def _checkpoint(manifest: Manifest, lang: str) -> str:
    checkpoint = manifest.checkpoint()
    if checkpoint is None:
        return _t(lang, "no_checkpoint")
    return f"{checkpoint.size:,} {_t(lang, 'entries')} {base64.b64encode(checkpoint.root).decode()}"


def backup_command(file: FileArg,
                   force: Annotated[bool, typer.Option("--force", help="覆盖已有的备份文件")] = False,
                   database_url: DbOpt = None, data_dir: DirOpt = None, lang: LangOpt = "zh") -> None:
    """备份：数据库的一致性副本与平台密钥写入一个归档文件（服务运行时亦可）。"""
    from liandong import __version__
    from liandong.adapters.backup import store_for
    from liandong.services.backup import create_backup

    with _refusals(lang):
        store = store_for(settings_for(database_url, data_dir))
        with _progress(lang) as report:
            manifest = create_backup(store=store, archive=file, software_version=__version__,
                                     force=force, progress=report)
    out.print(f"[green]{_t(lang, 'written')}[/green]: {file}")
    out.print(_summary(manifest, lang))
    out.print(f"  {_t(lang, 'signed_by')} {manifest.signed_by}")
    out.print(f"[yellow]{_t(lang, 'node_key_note')}[/yellow] {manifest.signed_by}")
    out.print(f"[yellow]{_t(lang, 'secret_note')}[/yellow]")


NodeKeyOpt = Annotated[str | None, typer.Option(
    "--node-key", help="备份节点的公钥（liandong backup 输出的 liandong-node+…）；缺省读取本机 "
                       "keys/node.pub / the node's public key; default: this installation's keys/node.pub")]
RollbackOpt = Annotated[bool, typer.Option(
    "--accept-rollback", help="确认将共享记录退回到备份时的较早状态 / accept taking the log back in time")]


def restore_command(file: FileArg,
                    force: Annotated[bool, typer.Option("--force", help="覆盖非空的数据库")] = False,
                    node_key: NodeKeyOpt = None, accept_rollback: RollbackOpt = False,
                    database_url: DbOpt = None, data_dir: DirOpt = None, lang: LangOpt = "zh") -> None:
    """恢复：核对清单签名后从备份文件恢复数据库与平台密钥（请先停止服务），然后全量核验共享记录。"""
    from liandong.adapters.backup import store_for
    from liandong.services.backup import restore_backup
    from liandong.services.backup_manifest import node_verifier

    with _refusals(lang):
        store = store_for(settings_for(database_url, data_dir))
        expected = node_verifier(node_key) if node_key else None
        with _progress(lang) as report:
            restored = restore_backup(store=store, archive=file, force=force, node_key=expected,
                                      accept_rollback=accept_rollback, progress=report)
            report("verify", 0, 0)
            platform = open_platform(database_url, data_dir)  # brings an older schema up to date
            verification = platform.record().verify()
            now = store.snapshot()
    manifest = restored.manifest
    out.print(f"[green]{_t(lang, 'restored')}[/green]: {file}")
    out.print(_summary(manifest, lang))
    out.print(f"  {_t(lang, 'signature_ok')}: {restored.signed_by}")
    if restored.rollback is not None:
        r = restored.rollback
        warning = _t(lang, "rollback").format(current=r.current, restored=r.restored, cosigned=r.cosigned)
        err.print(f"[bold yellow]{warning}[/bold yellow]")
    if restored.replaced_secret is not None:
        out.print(f"[yellow]{_t(lang, 'secret_kept')} {restored.replaced_secret}[/yellow]")
    problems = _problems(verification, lang)
    then = manifest.snapshot
    if (now.ledger_size, now.ledger_root) != (then.ledger_size, then.ledger_root):
        problems.append(f"{_t(lang, 'root_differs')}: {_t(lang, 'expected')} {then.ledger_size} "
                        f"{base64.b64encode(then.ledger_root).decode()}, {_t(lang, 'found')} "
                        f"{now.ledger_size} {base64.b64encode(now.ledger_root).decode()}")
    if restored.checkpoint_consistent is False:
        problems.append(_t(lang, "checkpoint_differs"))
    if now.cases != then.cases:
        problems.append(f"{_t(lang, 'cases_differ')}: {then.cases} → {now.cases}")
    if problems:
        for problem in problems:
            err.print(f"[red]{problem}[/red]")
        raise typer.Exit(1)
    out.print(f"[green]{_t(lang, 'verified')}[/green]: {verification.log.leaves_checked:,} "
              f"{_t(lang, 'entries')}; {_t(lang, 'root_same')}")
    if restored.checkpoint_consistent:
        out.print(f"[green]{_t(lang, 'checkpoint_ok')}[/green]")


def _problems(verification: Any, lang: str) -> list[str]:
    """What full verification found wrong, in the words of ``liandong ledger verify``."""
    found = []
    m = verification.mismatch
    if m is not None:
        found.append(f"{_t(lang, 'first_bad')}: #{m.first_leaf} ({m.kind}, level {m.level}, "
                     f"index {m.index}): {m.detail}")
    if verification.bad_signature is not None:
        index, problem = verification.bad_signature
        found.append(f"{_t(lang, 'bad_signature')}: #{index}: {problem}")
    if verification.bad_checkpoint is not None:
        size, problem = verification.bad_checkpoint
        found.append(f"{_t(lang, 'bad_checkpoint')} (size {size}): {problem}")
    return found
