"""The case commands of the CLI on a real SQLite file, in virtual time."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app

runner = CliRunner()


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(folder)])
    return result.exit_code, result.output


def test_a_case_through_the_cli(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "--scope", "320213")[0] == 0
    code, output = run(tmp_path, "case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--place", "320213015", "--text", "广场舞噪声", "--at", "2026-03-02T09:00")
    assert code == 0 and "受理" in output
    cid = output.split()[0]
    code, output = run(tmp_path, "case", "dispatch", cid, "--by", "320200-gov", "--at", "2026-03-02T09:05")
    assert code == 0 and "派单" in output
    code, output = run(tmp_path, "case", "ack", cid, "--by", "320213001-urban_management",
                       "--at", "2026-03-02T09:10", "--lang", "en")
    assert code == 2 and "is not the lead department of this case" in output
    assert run(tmp_path, "case", "ack", cid, "--by", "320213-urban_management", "--version", "3")[0] == 0
    code, output = run(tmp_path, "case", "start", cid, "--by", "320213-urban_management", "--version", "3")
    assert code == 2 and "已被他人更新" in output
    code, output = run(tmp_path, "case", "show", cid)
    assert code == 0
    assert "梁溪区城市管理局" in output and "主办" in output and "属地执行" in output
    assert "所涉区划的最近共同上级为梁溪区（县级）" in output
    code, output = run(tmp_path, "case", "inbox", "320213-urban_management")
    assert code == 0 and "320200-20260302-0001" in output and "2026-03-11 17:30" in output  # by its number
    assert "主办办理" in output
    code, output = run(tmp_path, "case", "show", "nope")
    assert code == 2 and "不存在" in output
    code, output = run(tmp_path, "case", "report", "--matter", "noise", "--place", "320213001",
                       "--text", "x")
    assert code == 2 and "未知的事项类型" in output
