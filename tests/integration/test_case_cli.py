"""The case commands of the CLI on a real SQLite file, on the platform's clock (a live store: no
``--at``; claimed times on a sandbox store are tested in ``test_claimed_times.py``)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app
from liandong.cli.cases import local
from liandong.cli.common import open_platform

runner = CliRunner()


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--data-dir", str(folder)])
    return result.exit_code, result.output


def test_a_case_through_the_cli(tmp_path: Path) -> None:
    assert run(tmp_path, "init", "--scope", "320213")[0] == 0
    code, output = run(tmp_path, "case", "report", "--matter", "social_life_noise", "--place", "320213001",
                       "--place", "320213015", "--text", "广场舞噪声")
    assert code == 0 and "受理" in output
    cid = output.split()[0]
    code, output = run(tmp_path, "case", "dispatch", cid, "--by", "320200-gov")
    assert code == 0 and "派单" in output
    code, output = run(tmp_path, "case", "ack", cid, "--by", "320213001-urban_management", "--lang", "en")
    assert code == 2 and "is not the lead department of this case" in output
    assert run(tmp_path, "case", "ack", cid, "--by", "320213-urban_management", "--version", "3")[0] == 0
    code, output = run(tmp_path, "case", "start", cid, "--by", "320213-urban_management", "--version", "3")
    assert code == 2 and "已被他人更新" in output
    code, output = run(tmp_path, "case", "show", cid)
    assert code == 0
    assert "梁溪区城市管理局" in output and "主办" in output and "属地执行" in output
    assert "所涉区划的最近共同上级为梁溪区（县级）" in output
    assert "演练库" not in output and "申报时间" not in output  # a live store, no claimed times
    platform = open_platform(None, tmp_path)
    case = platform.queries().with_events(cid)
    assert case is not None and case[0].record.due is not None
    due = case[0].record.due  # counted from the dispatch's recorded time: the platform's clock
    assert case[1][2].at <= platform.clock.now() < due
    code, output = run(tmp_path, "case", "inbox", "320213-urban_management")
    number = platform.queries().number_of(cid)
    assert code == 0 and number in output and local(due) in output  # the case by its number
    assert "主办办理" in output
    code, output = run(tmp_path, "case", "show", "nope")
    assert code == 2 and "不存在" in output
    code, output = run(tmp_path, "case", "report", "--matter", "noise", "--place", "320213001",
                       "--text", "x")
    assert code == 2 and "未知的事项类型" in output


def test_dispatch_to_another_lead_within_reach(tmp_path: Path) -> None:
    """派单 --lead: a department the dispatcher names instead of the routing's, within its reach only."""
    assert run(tmp_path, "init", "--scope", "320213")[0] == 0
    code, output = run(tmp_path, "case", "report", "--matter", "garbage_collection", "--place", "320213001",
                       "--text", "垃圾站旁有人打架")
    cid = output.split()[0]
    dispatch = ("case", "dispatch", cid, "--by", "320200-gov", "--lead")
    code, output = run(tmp_path, *dispatch, "320213015-public_security")  # another street's
    assert code == 2 and "只能改派给" in output
    code, output = run(tmp_path, *dispatch, "320213001-public_security")
    assert code == 0, output
    code, output = run(tmp_path, "case", "show", cid)
    assert code == 0 and "崇安寺派出所" in output


def test_the_inbox_of_a_bureau_lists_the_summons_it_owes_in_chinese(tmp_path: Path) -> None:
    """Issue 23's acceptance: a street's team blows the whistle for the district bureau, and
    ``liandong case inbox 320213-urban_management`` lists the case it was summoned to, in words."""
    assert run(tmp_path, "init", "--scope", "320213")[0] == 0
    code, output = run(tmp_path, "case", "report", "--matter", "garbage_collection", "--place", "320213001",
                       "--text", "中山路垃圾桶满溢三天")
    cid = output.split()[0]
    assert run(tmp_path, "case", "dispatch", cid, "--by", "320200-gov")[0] == 0
    street = open_platform(None, tmp_path).queries().with_events(cid)[0].record.lead  # type: ignore[index]
    assert street.startswith("320213001-")
    assert run(tmp_path, "case", "ack", cid, "--by", street)[0] == 0
    code, output = run(tmp_path, "case", "summon", cid, "--by", street, "--dept", "320213-urban_management",
                       "--reason", "清运车辆需区城管局调度")
    assert code == 0, output
    code, output = run(tmp_path, "case", "inbox", "320213-urban_management")
    number = open_platform(None, tmp_path).queries().number_of(cid)
    assert code == 0 and number in output and "吹哨报到" in output and "answer_summons" not in output
