"""``liandong instrument`` on a real SQLite file: the worked example of
docs/worked-example-instruments.md (a provincial pilot in two cities, and an inspection). The
months a pilot runs are a sandbox store's (decision 0030): its steps are recorded on a simulated
clock through the platform, the terminal shows and decides; a live store takes the platform's clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app
from liandong.cli.common import open_platform
from liandong.domain.worktime import SHANGHAI
from liandong.services import instruments as i
from liandong.services.clock import ManualClock, SystemClock
from tests.factories.deployments import sandbox_store

runner = CliRunner()


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["instrument", *args, "--data-dir", str(folder)])
    return result.exit_code, result.output


def new_id(output: str) -> str:
    found = re.match(r"(I\w+) v\d+", output.strip())
    assert found, output
    return found.group(1)


def beijing(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=SHANGHAI).astimezone(UTC)


def later(days: int) -> str:
    """A time ``days`` from now on the platform's clock, as ``--due`` takes it (Beijing time)."""
    return (SystemClock().now() + timedelta(days=days)).astimezone(SHANGHAI).strftime("%Y-%m-%dT18:00")


def test_a_pilot_and_an_inspection_from_the_terminal(tmp_path: Path) -> None:
    code, output = run(tmp_path, "issue", "--by", "320213001-gov", "--kind", "pilot", "--title", "x",
                       "--scope", "320213001", "--to", "320213001-urban_management")
    assert code == 2 and "治理要素不含“发布政策试点”" in output and "中央、省级" in output
    platform = sandbox_store(open_platform(None, tmp_path))
    clock = ManualClock(beijing("2026-03-02T09:00"))
    bus = platform.bus(clock)  # a simulated clock: this store is a sandbox

    def at(day: str, command: i.InstrumentCommand) -> list[str]:
        clock.set(beijing(day))
        return [type(e).__name__ for e in bus.handle(command).events]

    pilot = bus.handle(i.Issue(by="320000-gov", kind="pilot", title="生活垃圾分类示范试点", scope="320000",
                               addressees=("320200-gov", "320500-gov"), cadence_days=30,
                               indicators=(("分类准确率", "60", "85"),))).instrument_id
    at("2026-03-25T10:00", i.Report(by="320200-gov", instrument_id=pilot, text="首月",
                                    figures=(("分类准确率", "72.5"),)))
    checked = at("2026-04-02T09:00", i.CheckDeadlines(by="platform", instrument_id=pilot))
    assert "Overdue" in checked  # 苏州 is late with its first report
    at("2026-04-03T10:00", i.Report(by="320500-gov", instrument_id=pilot, text="首月（补报）",
                                    figures=(("分类准确率", "66"),)))
    code, output = run(tmp_path, "decide", pilot, "--by", "320000-gov", "--decision", "scale_up",
                       "--reason", "两市均达标", "--scope", "320000")
    assert code == 2 and "试点未达目标" in output and "72.5 < 85" in output  # neither city reached 85
    before = SystemClock().now()
    code, output = run(tmp_path, "decide", pilot, "--by", "320000-gov", "--decision", "scale_up",
                       "--reason", "两市稳步提升，全省推广", "--scope", "320000", "--at", "2026-06-01T09:00",
                       "--justification", "两市均较基线提高 6 个百分点以上，推广中继续考核准确率")
    assert code == 0 and "Decided" in output  # on the platform's clock, the claimed time beside it
    events = platform.instrument_queries().with_events(pilot)[1]
    assert events[-1].claimed_at == beijing("2026-06-01T09:00")
    assert before <= events[-1].at <= SystemClock().now() and events[-2].claimed_at is None
    code, output = run(tmp_path, "list", "320500-gov")
    assert code == 0 and "政策试点" in output and "concluded" in output
    code, output = run(tmp_path, "show", pilot, "--lang", "en")
    assert code == 0 and "overdue, escalated" in output and "decided" in output
    assert "below target" in output and "justification" in output  # the gap and the word on it
    code, output = run(tmp_path, "decide", pilot, "--by", "320000-gov", "--decision", "stop", "--reason", "x")
    assert code == 2 and "已结束（concluded）" in output


def test_the_instrument_indicators_report(tmp_path: Path) -> None:
    platform = sandbox_store(open_platform(None, tmp_path))
    clock = ManualClock(beijing("2026-03-02T09:00"))
    bus = platform.bus(clock)
    order = bus.handle(i.Issue(by="320200-gov", kind="directive", title="批示", scope="320213",
                               addressees=("320213-gov",), due=beijing("2026-03-04T18:00"))).instrument_id
    clock.set(beijing("2026-03-03T09:00"))
    bus.handle(i.Respond(by="320213-gov", instrument_id=order, text="已办"))
    result = runner.invoke(app, ["report", "instruments", "--scope", "320200",
                                 "--period", "2026-03-01..2026-03-31", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "梁溪区人民政府" in result.output and "100.0% (1/1)" in result.output


def test_the_resource_pool_from_the_terminal(tmp_path: Path) -> None:
    assert run(tmp_path, "stock", "--by", "320213-gov", "--item", "应急排水泵", "--unit", "台",
               "--quantity", "5")[0] == 0
    code, output = run(tmp_path, "issue", "--by", "320213001-gov", "--kind", "resource", "--title", "排水泵",
                       "--scope", "320213001", "--to", "320213-gov", "--due", later(1),
                       "--item", "应急排水泵:2")
    ask = new_id(output)
    code, output = run(tmp_path, "decide", ask, "--by", "320213-gov", "--decision", "allocated",
                       "--reason", "调拨")
    assert code == 0, output
    code, output = run(tmp_path, "pool", "320213-gov")
    assert code == 0 and "3 台" in output
    code, output = run(tmp_path, "pool", "320213001-gov")
    assert code == 0 and "2 台" in output


def test_instrument_show_gives_each_verification_outcome(tmp_path: Path) -> None:
    platform = sandbox_store(open_platform(None, tmp_path))
    clock = ManualClock(beijing("2026-03-02T09:00"))
    bus = platform.bus(clock)
    check = bus.handle(i.Issue(by="320000-gov", kind="inspection", title="12345 办理质量专项督导",
                               scope="320200", addressees=("320200-gov",),
                               due=beijing("2026-04-01T18:00"))).instrument_id
    bus.handle(i.Report(by="320000-gov", instrument_id=check, text="发现：回访不规范"))
    bus.handle(i.AssignTask(by="320000-gov", instrument_id=check, task="T1", owner="320200-gov",
                            title="规范回访流程", due=beijing("2026-03-20T18:00")))
    bus.handle(i.CompleteTask(by="320200-gov", instrument_id=check, task="T1", note="已修订规程"))
    bus.handle(i.VerifyTask(by="320000-gov", instrument_id=check, task="T1", accepted=False,
                            note="未附回访录音"))
    bus.handle(i.CompleteTask(by="320200-gov", instrument_id=check, task="T1", note="补充录音"))
    bus.handle(i.VerifyTask(by="320000-gov", instrument_id=check, task="T1", accepted=True))
    code, output = run(tmp_path, "show", check)
    assert code == 0, output
    assert "T1 · 退回整改 · 未附回访录音" in output and "T1 · 核验通过" in output
    code, output = run(tmp_path, "show", check, "--lang", "en")
    assert "T1 · sent back · 未附回访录音" in output and "T1 · accepted" in output
