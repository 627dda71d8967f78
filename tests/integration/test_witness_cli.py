"""The witness's commands and the node's witness setting refuse bad input with what was wrong and
what is allowed (decision 0035)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app as cli
from liandong.ledger.note import Signer

runner = CliRunner()
LOG_VKEY = Signer("liandong-log", bytes(32)).vkey


def test_witness_init_makes_its_own_key_once_and_refuses_bad_input(tmp_path: Path) -> None:
    d = tmp_path / "w"
    made = runner.invoke(cli, ["witness", "init", "--dir", str(d), "--name", "witness-a",
                               "--origin", "liandong.gov.cn/log", "--log-key", LOG_VKEY])
    assert made.exit_code == 0 and made.output.startswith("witness-a+"), made.output
    assert (d / "witness.key").stat().st_mode & 0o077 == 0
    again = runner.invoke(cli, ["witness", "init", "--dir", str(d), "--name", "witness-a"])
    assert again.exit_code == 2 and "已有见证方私钥" in again.output
    other = runner.invoke(cli, ["witness", "init", "--dir", str(tmp_path / "b"), "--name", "witness-b"])
    assert other.exit_code == 0 and other.output != made.output  # a key of its own, from nothing shared
    spaced = runner.invoke(cli, ["witness", "init", "--dir", str(tmp_path / "c"), "--name", "a b"])
    assert spaced.exit_code == 2 and not (tmp_path / "c" / "witness.key").exists()
    witness_key = other.output.strip()
    wrong = runner.invoke(cli, ["witness", "add-log", "--dir", str(d), "--origin", "x.gov.cn/log",
                                "--log-key", witness_key, "--lang", "en"])
    assert wrong.exit_code == 2 and "not a witness's cosignature key" in " ".join(wrong.output.split())
    empty = runner.invoke(cli, ["witness", "serve", "--dir", str(tmp_path / "none"), "--port", "1"])
    assert empty.exit_code == 2 and "liandong witness init" in " ".join(empty.output.split())


def test_a_bad_witness_setting_stops_the_node_naming_the_item(tmp_path: Path) -> None:
    d = ["--data-dir", str(tmp_path)]
    assert runner.invoke(cli, ["init", "--scope", "320213", *d]).exit_code == 0
    done = runner.invoke(cli, ["ledger", "checkpoint", *d],
                         env={"LIANDONG_WITNESSES": f"http://w1:8080 {LOG_VKEY}"})
    said = " ".join(done.output.split())
    assert done.exit_code == 2 and "见证方配置有误（LIANDONG_WITNESSES 第 1 项）" in said, said
    assert "not a witness cosignature key" in said
