"""``liandong catalogue proposals`` and ``liandong case repeats`` (issue 25 points 3 and 4): a second
return arbitrated through the CLI shows as a proposed catalogue change; two calls from one number
about one place show as repeats."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app

runner = CliRunner()


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(folder)])
    return result.exit_code, result.output


def report(folder: Path, phone: str) -> str:
    code, output = run(folder, "case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--place", "320213015", "--text", "广场舞噪声", "--phone", phone)
    assert code == 0, output
    return output.split()[0]


def test_a_binding_arbitration_is_listed_as_a_proposal(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "--scope", "320213")[0] == 0
    cid = report(tmp_path, "13812345678")
    assert run(tmp_path, "case", "dispatch", cid, "--by", "320200-gov")[0] == 0
    first = ("case", "return", cid, "--by", "320213-urban_management", "--reason", "噪声属治安")
    code, output = run(tmp_path, *first, "--category", "lazy")
    assert code == 2 and "not_our_duty" in output  # refused, naming what is allowed
    assert run(tmp_path, *first, "--category", "not_our_duty")[0] == 0
    assert run(tmp_path, "case", "return-decision", cid, "--by", "320200-gov", "--decision", "reassign",
               "--lead", "320213-public_security")[0] == 0
    assert run(tmp_path, "case", "return", cid, "--by", "320213-public_security", "--reason", "广场舞属城管",
               "--category", "not_our_duty")[0] == 0
    code, output = run(tmp_path, "case", "inbox", "320213-gov")
    assert code == 0 and "仲裁职责争议" in output, output
    code, output = run(tmp_path, "case", "return-decision", cid, "--by", "320213-gov", "--decision",
                       "reassign", "--lead", "320213-urban_management", "--ruling", "依三定规定由城管承办")
    assert code == 0, output
    code, output = run(tmp_path, "catalogue", "proposals")
    assert code == 0 and "修订建议 1 条" in output and "依三定规定由城管承办" in output, output
    assert "不属于本单位职责" in output


def test_repeat_callers_are_listed(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "--scope", "320213")[0] == 0
    for _ in range(2):
        report(tmp_path, "13812345678")
    code, output = run(tmp_path, "case", "repeats", "--days", "1")
    assert code == 0, output
    assert "同一来电号码 138****5678" in output and "2 件" in output, output
    code, output = run(tmp_path, "case", "repeats", "--days", "0")
    assert code == 2  # a window of no days is refused with the allowed range
