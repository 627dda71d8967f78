"""``liandong backup FILE`` and ``liandong restore FILE``: 备份与恢复 of the database and the platform
secret in one archive; a restore ends with the full verification of the shared record."""

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

if TYPE_CHECKING:
    from liandong.services.backup import Manifest
    from liandong.services.backup import Progress as ProgressFn

out = Console()
err = Console(stderr=True)

FileArg = Annotated[Path, typer.Argument(help="备份文件 / the archive file", dir_okay=False)]

TEXTS: dict[str, dict[str, str]] = {
    "zh": {"dump": "复制数据库", "archive": "写入归档", "extract": "读取归档", "load": "写入数据库",
           "verify": "核验共享记录", "written": "备份完成", "restored": "恢复完成", "backend": "数据库",
           "schema": "结构版本", "cases": "案件", "entries": "条记录", "root": "日志根",
           "created": "备份时间",
           "secret_note": "注意：归档中含平台密钥（secret.key），请像数据本身一样妥善保管。",
           "secret_kept": "原平台密钥与备份中的不同，已另存为", "verified": "核验通过",
           "root_same": "日志规模与根和备份时一致", "root_differs": "日志规模或根与备份时不一致",
           "cases_differ": "案件数与备份时不一致", "expected": "备份时", "found": "现为",
           "first_bad": "第一个不符的记录", "bad_signature": "签名不符", "bad_checkpoint": "检查点不符"},
    "en": {"dump": "Copying the database", "archive": "Writing the archive", "extract": "Reading the archive",
           "load": "Writing the database", "verify": "Verifying the shared record",
           "written": "Backup written",
           "restored": "Restored", "backend": "database", "schema": "schema revision", "cases": "cases",
           "entries": "entries", "root": "log root", "created": "backed up at",
           "secret_note": "Note: the archive holds the platform secret (secret.key); keep it as safe as "
                          "the data itself.",
           "secret_kept": "The former platform secret differed from the archive's; kept as",
           "verified": "verified", "root_same": "log size and root equal those at backup time",
           "root_differs": "log size or root differ from those at backup time",
           "cases_differ": "the number of cases differs from that at backup time", "expected": "at backup",
           "found": "found", "first_bad": "first bad entry", "bad_signature": "bad signature",
           "bad_checkpoint": "bad checkpoint"},
}


def _t(lang: str, key: str) -> str:
    return TEXTS.get(lang, TEXTS["zh"])[key]


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
            f"  {_t(lang, 'created')} {manifest.created_at.isoformat(timespec='seconds')}")


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
    out.print(f"[yellow]{_t(lang, 'secret_note')}[/yellow]")


def restore_command(file: FileArg,
                    force: Annotated[bool, typer.Option("--force", help="覆盖非空的数据库")] = False,
                    database_url: DbOpt = None, data_dir: DirOpt = None, lang: LangOpt = "zh") -> None:
    """恢复：从备份文件恢复数据库与平台密钥（请先停止服务），然后全量核验共享记录。"""
    from liandong.adapters.backup import store_for
    from liandong.services.backup import restore_backup

    with _refusals(lang):
        store = store_for(settings_for(database_url, data_dir))
        with _progress(lang) as report:
            restored = restore_backup(store=store, archive=file, force=force, progress=report)
            report("verify", 0, 0)
            platform = open_platform(database_url, data_dir)  # brings an older schema up to date
            verification = platform.record().verify()
            now = store.snapshot()
    manifest = restored.manifest
    out.print(f"[green]{_t(lang, 'restored')}[/green]: {file}")
    out.print(_summary(manifest, lang))
    if restored.replaced_secret is not None:
        out.print(f"[yellow]{_t(lang, 'secret_kept')} {restored.replaced_secret}[/yellow]")
    problems = _problems(verification, lang)
    then = manifest.snapshot
    if (now.ledger_size, now.ledger_root) != (then.ledger_size, then.ledger_root):
        problems.append(f"{_t(lang, 'root_differs')}: {_t(lang, 'expected')} {then.ledger_size} "
                        f"{base64.b64encode(then.ledger_root).decode()}, {_t(lang, 'found')} "
                        f"{now.ledger_size} {base64.b64encode(now.ledger_root).decode()}")
    if now.cases != then.cases:
        problems.append(f"{_t(lang, 'cases_differ')}: {then.cases} → {now.cases}")
    if problems:
        for problem in problems:
            err.print(f"[red]{problem}[/red]")
        raise typer.Exit(1)
    out.print(f"[green]{_t(lang, 'verified')}[/green]: {verification.log.leaves_checked:,} "
              f"{_t(lang, 'entries')}; {_t(lang, 'root_same')}")


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
