"""``liandong instrument`` on a real SQLite file, in virtual time: the worked example of
docs/worked-example-instruments.md (a provincial pilot in two cities, and an inspection)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app

runner = CliRunner()


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["instrument", *args, "--data-dir", str(folder)])
    return result.exit_code, result.output


def new_id(output: str) -> str:
    found = re.match(r"(I\w+) v\d+", output.strip())
    assert found, output
    return found.group(1)


def test_a_pilot_and_an_inspection_from_the_terminal(tmp_path: Path) -> None:
    code, output = run(tmp_path, "issue", "--by", "320213001-gov", "--kind", "pilot", "--title", "x",
                       "--scope", "320213001", "--to", "320213001-urban_management")
    assert code == 2 and "治理要素不含“发布政策试点”" in output and "中央、省级" in output
    code, output = run(tmp_path, "issue", "--by", "320000-gov", "--kind", "pilot",
                       "--title", "生活垃圾分类示范试点", "--scope", "320000", "--to", "320200-gov",
                       "--to", "320500-gov", "--cadence", "30",
                       "--indicator", "分类准确率:60:85", "--at", "2026-03-02T09:00")
    assert code == 0, output
    pilot = new_id(output)
    assert run(tmp_path, "report", pilot, "--by", "320200-gov", "--text", "首月",
               "--figure", "分类准确率=72.5", "--at", "2026-03-25T10:00")[0] == 0
    code, output = run(tmp_path, "check", pilot, "--by", "platform", "--at", "2026-04-02T09:00")
    assert code == 0 and "Overdue" in output  # 苏州 is late with its first report
    assert run(tmp_path, "report", pilot, "--by", "320500-gov", "--text", "首月（补报）", "--figure",
               "分类准确率=66", "--at", "2026-04-03T10:00")[0] == 0
    code, output = run(tmp_path, "decide", pilot, "--by", "320000-gov", "--decision", "scale_up",
                       "--reason", "两市均达标", "--scope", "320000", "--at", "2026-06-01T09:00")
    assert code == 0 and "Decided" in output
    code, output = run(tmp_path, "list", "320500-gov")
    assert code == 0 and "政策试点" in output and "concluded" in output
    code, output = run(tmp_path, "show", pilot, "--lang", "en")
    assert code == 0 and "overdue, escalated" in output and "decided" in output
    code, output = run(tmp_path, "decide", pilot, "--by", "320000-gov", "--decision", "stop", "--reason", "x")
    assert code == 2 and "已结束（concluded）" in output


def test_the_instrument_indicators_report(tmp_path: Path) -> None:
    code, output = run(tmp_path, "issue", "--by", "320200-gov", "--kind", "directive", "--title", "批示",
                       "--scope", "320213", "--to", "320213-gov", "--due", "2026-03-04T18:00",
                       "--at", "2026-03-02T09:00")
    order = new_id(output)
    assert code == 0
    answered = run(tmp_path, "respond", order, "--by", "320213-gov", "--text", "已办",
                   "--at", "2026-03-03T09:00")
    assert answered[0] == 0
    result = runner.invoke(app, ["report", "instruments", "--scope", "320200",
                                 "--period", "2026-03-01..2026-03-31", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "梁溪区人民政府" in result.output and "100.0% (1/1)" in result.output


def test_the_resource_pool_from_the_terminal(tmp_path: Path) -> None:
    assert run(tmp_path, "stock", "--by", "320213-gov", "--item", "应急排水泵", "--unit", "台",
               "--quantity", "5")[0] == 0
    code, output = run(tmp_path, "issue", "--by", "320213001-gov", "--kind", "resource", "--title", "排水泵",
                       "--scope", "320213001", "--to", "320213-gov", "--due", "2026-03-03T18:00",
                       "--item", "应急排水泵:2", "--at", "2026-03-02T09:00")
    ask = new_id(output)
    code, output = run(tmp_path, "decide", ask, "--by", "320213-gov", "--decision", "allocated",
                       "--reason", "调拨", "--at", "2026-03-02T10:00")
    assert code == 0, output
    code, output = run(tmp_path, "pool", "320213-gov")
    assert code == 0 and "3 台" in output
    code, output = run(tmp_path, "pool", "320213001-gov")
    assert code == 0 and "2 台" in output
