"""Every case command reachable from the CLI (issue 21): those without a hand-written command are made
from their declarations (``liandong case <slug>``), with an option per declared field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app
from liandong.domain.cases import commands as c
from liandong.domain.worktime import SHANGHAI
from liandong.services.clock import SystemClock

runner = CliRunner()
ALIASES = {"acknowledge": "ack", "check-deadlines": "check", "summons": "summon", "summons-answer": "answer",
           "summons-rating": "rate-summoned", "assist-report": "assist", "follow-up": "rate"}


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(folder)])
    return result.exit_code, result.output


def test_every_case_command_has_a_cli_command() -> None:
    listed = runner.invoke(app, ["case", "--help"], terminal_width=200).output
    for slug in c.COMMANDS.commands:
        assert f" {ALIASES.get(slug, slug)} " in listed, slug


def test_return_ruling_and_redispatch_through_the_cli(tmp_path: Path) -> None:
    """On a sandbox store, so that the declared commands take ``--at`` as the hand-written ones do: a
    claimed time beside the recorded one (decision 0030)."""
    assert run(tmp_path, "init", "--scope", "320213", "--sandbox")[0] == 0
    until = (SystemClock().now() + timedelta(days=40)).astimezone(SHANGHAI).strftime("%Y-%m-%dT17:30")
    code, output = run(tmp_path, "case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--place", "320213015", "--text", "广场舞噪声", "--at", "2026-03-02T09:00")
    cid = output.split()[0]
    assert run(tmp_path, "case", "dispatch", cid, "--by", "320200-gov", "--at", "2026-03-02T09:05")[0] == 0
    code, output = run(tmp_path, "case", "return", cid, "--by", "320213-urban_management", "--reason",
                       "不属于本单位职责", "--category", "not_our_duty", "--disputed",
                       "--at", "2026-03-02T10:00")
    assert code == 0 and "退单" in output, output
    code, output = run(tmp_path, "case", "return-decision", cid, "--by", "320200-gov", "--decision", "maybe")
    assert code == 2 and "maybe" in output  # refused by the engine, with what is allowed
    code, output = run(tmp_path, "case", "return-decision", cid, "--by", "320200-gov", "--decision",
                       "reassign", "--lead", "320213-public_security", "--at", "2026-03-02T11:00")
    assert code == 0 and "裁定" in output, output
    code, output = run(tmp_path, "case", "redispatch", cid, "--by", "320200-gov", "--lead",
                       "320506-urban_management", "--lang", "en")
    assert code == 2 and "does not exist" in output  # not a department of this deployment
    code, output = run(tmp_path, "case", "redispatch", cid, "--by", "320200-gov", "--lead",
                       "320213-urban_management", "--reason", "职责清单更正", "--at", "2026-03-02T11:30")
    assert code == 0 and "改派" in output, output
    code, _ = run(tmp_path, "case", "ack", cid, "--by", "320213-urban_management", "--at", "2026-03-02T12:00")
    assert code == 0
    code, output = run(tmp_path, "case", "extension", cid, "--by", "320213-urban_management", "--until",
                       until, "--reason", "需协调多部门", "--at", "2026-03-03T09:00")
    assert code == 0 and "延期" in output, output
    code, output = run(tmp_path, "case", "extension-decision", cid, "--by", "320200-urban_management",
                       "--approve", "yes", "--at", "2026-03-03T10:00")
    assert (code == 0 and "审批延期" in output) or "延期" in output, output
    code, output = run(tmp_path, "case", "heat", cid, "--by", "320200-gov", "--heat", "101")
    assert code == 2
    code, output = run(tmp_path, "case", "show", cid)
    assert code == 0 and "改派" in output and until.replace("T", " ") in " ".join(output.split())
    assert "等级 一般诉求" in output and "诉求人" in output and "routine" not in output  # words, not codes
    assert "演练库" in output and "申报时间" in output and "2026-03-03 10:00" in output  # the claims, apart
