"""``liandong ledger …``: checkpoints, receipts, proofs and full verification of the shared record."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from liandong.cli.common import DbOpt, DirOpt, LangOpt, fail, group, open_platform
from liandong.domain.errors import DomainError
from liandong.i18n import words
from liandong.i18n.cli import LEDGER_TEXT
from liandong.i18n.ledger import describe

ledger_app = group("ledger")
out = Console()
err = Console(stderr=True)


@ledger_app.command("checkpoint")
def checkpoint(lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """签发检查点：日志签名并由中央与省级见证方联署。"""
    platform = open_platform(database_url, data_dir)
    note = platform.record().checkpoint()
    # plain output: a signed note must be copied byte for byte, never wrapped
    nothing = words(LEDGER_TEXT, lang)["nothing_new"]
    typer.echo(note or nothing, nl=not note)


@ledger_app.command("log-key")
def log_key(database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """输出日志公钥与 origin（配置独立见证方用：liandong witness init --origin … --log-key …）。"""
    platform = open_platform(database_url, data_dir)
    typer.echo(f"{platform.ledger.origin} {platform.record().log_vkey()}")


SINCE_HELP = "只核验自该树规模起的记录及其涉及的案件与文书 / check only the entries from this tree size on"


@ledger_app.command("verify")
def verify(since: Annotated[int, typer.Option("--since", min=0, help=SINCE_HELP)] = 0,
           lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """全量核验：重算每个叶子、节点、签名与检查点，核对案件与文书的事件和状态，指出第一个不符之处。"""
    platform = open_platform(database_url, data_dir)
    report = platform.record().verify(since)
    w = words(LEDGER_TEXT, lang)
    if report.ok:
        scope = f" ({w['since'].format(since=since)})" if since else ""
        out.print(f"[green]{w['verified']}[/green]: {report.log.leaves_checked:,} {w['entries']}{scope}")
        if report.state is not None:
            out.print(w["state_checked"].format(events=report.state.events))
        return
    for finding in report.findings():
        err.print(f"[red]{escape(describe(finding.key, finding.params, lang))}[/red]", soft_wrap=True)
    raise typer.Exit(1)


NAME_HELP = "只移入这些签名方的密钥（可重复）/ move only these signers' keys (repeatable)"


@ledger_app.command("keys-to-token")
def keys_to_token(name: Annotated[list[str] | None, typer.Option("--name", help=NAME_HELP)] = None,
                  lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """将数据库中密封保存的部门签名密钥移入 PKCS#11 密码设备（LIANDONG_KEY_STORE=pkcs11）。"""
    from liandong.adapters.pkcs11_keys import Pkcs11KeyStore, move_sealed_keys

    w = words(LEDGER_TEXT, lang)
    platform = open_platform(database_url, data_dir)
    store = platform.key_store
    if not isinstance(store, Pkcs11KeyStore):
        err.print(f"[red]{w['not_pkcs11']}[/red]")
        raise typer.Exit(2)
    try:
        with platform.uow() as uow:
            moved = move_sealed_keys(uow, store, name or None,
                                     progress=lambda n: out.print(f"{w['moved_key']} {escape(n)}"))
            uow.commit()
    except DomainError as exc:
        raise fail(exc, lang) from None
    finally:
        store.close()
    out.print(w["moved"].format(count=len(moved), token=store.token) if moved else w["nothing_to_move"])


@ledger_app.command("prove")
def prove(case_id: str, output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
          lang: LangOpt = "zh", database_url: DbOpt = None, data_dir: DirOpt = None) -> None:
    """为案件出具回执（叶子、包含证明、带联署的检查点），可离线核验。"""
    platform = open_platform(database_url, data_dir)
    try:
        receipt = platform.record().receipt(case_id)
    except DomainError as exc:
        raise fail(exc, lang) from None
    if output is None:
        typer.echo(receipt.decode())
    else:
        output.write_bytes(receipt)
        out.print(f"{words(LEDGER_TEXT, lang)['receipt_written']} {output}")


@ledger_app.command("consistency")
def consistency(old: int, new: int, lang: LangOpt = "zh", database_url: DbOpt = None,
                data_dir: DirOpt = None) -> None:
    """两个树规模之间的一致性证明（RFC 9162）。"""
    platform = open_platform(database_url, data_dir)
    try:
        proof, old_root, new_root = platform.record().consistency(old, new)
    except DomainError as exc:
        raise fail(exc, lang) from None
    out.print(f"old {old} {base64.b64encode(old_root).decode()}")
    out.print(f"new {new} {base64.b64encode(new_root).decode()}")
    for node in proof:
        out.print(base64.b64encode(node).decode())


VALUE_HELP = ("回执持有人所知的字段值，核对叶子中的承诺（第 2 版回执带有盐值），可重复 / a field's value "
              "the holder knows, checked against the leaf's commitment (version 2 receipts carry the salt); "
              "repeatable")


@ledger_app.command("check-receipt")
def check(file: Path, value: Annotated[list[str] | None, typer.Option("--value", help=VALUE_HELP)] = None,
          lang: LangOpt = "zh") -> None:
    """离线核验回执文件（无需数据库）；--value 字段=值 核对自己案件的承诺。"""
    from liandong.ledger.receipt import check_receipt

    w = words(LEDGER_TEXT, lang)
    values: dict[str, object] = {}
    for given in value or []:
        name, equals, text = given.partition("=")
        if not equals or not name:
            err.print(f"[red]{escape(w['bad_value'].format(given=given))}[/red]")
            raise typer.Exit(2)
        values[name] = text
    try:
        result = check_receipt(file.read_bytes(), values=values or None)
    except OSError as exc:
        err.print(f"[red]{w['cannot_read']} {file}: {exc.strerror}[/red]")
        raise typer.Exit(2) from None
    except DomainError as exc:
        raise fail(exc, lang) from None
    if result.ok:
        out.print(f"[green]{w['receipt_ok']}[/green]: index {result.index}, "
                  f"size {result.size}, {w['signed_by']} {', '.join(result.signers)}")
        if result.opened:
            out.print(escape(w["opened"].format(fields=", ".join(result.opened))))
        return
    err.print(f"[red]{w['receipt_bad']}: {result.reason}[/red]")
    raise typer.Exit(1)
