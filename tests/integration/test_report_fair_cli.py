"""``liandong case adjudicate`` and ``liandong report fair`` on a real SQLite file holding the
hand-made month (issue 25 point 5): a request ruled outside government's remit from the command
line, then the composite with collaboration weights ranked in tiers, the fair figures, and the
exclusions with their rulings in the xlsx export (read back with openpyxl)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app
from liandong.config import Settings
from liandong.domain.cases.events import RequestAdjudicated
from liandong.services.clock import ManualClock
from tests.factories.assessment import START, fill_month

runner = CliRunner()
RULES = """
[composite]
response = 0.1
resolution = 0.4
satisfaction = 0.3
assists_in_time = 0.1
ack_timely = 0.1
[period]
cutoff_day = 1
[classes]
min_valid = 1
[[classes.rule]]
key = "governance"
bottom_share = 0.1
max_composite = 0.75
[tiers]
enabled = true
volume_bands = [3]
[exclusions]
enabled = true
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fair")
    sandbox = ["init", "--scope", "320200", "--sandbox", "--data-dir", str(path)]
    assert runner.invoke(app, sandbox).exit_code == 0
    platform = bootstrap(Settings(data_dir=path))
    fill_month(platform.bus(ManualClock(START)))
    (path / "rules.toml").write_text(RULES, encoding="utf-8")
    return path


def _liangxi_unsatisfied(folder: Path) -> str:
    platform = bootstrap(Settings(data_dir=folder))
    with platform.uow() as u:
        month = (START.replace(day=1), START.replace(month=4))
        for case_id, _, _ in u.case_reads.streams_received(*month):
            r = u.cases.get(case_id)
            if r is not None and r.record.rating == "unsatisfied":
                return case_id
    raise AssertionError("no unsatisfied case in the month")


def test_a_finding_from_the_command_line_is_excluded_and_exported(folder: Path) -> None:
    cid = _liangxi_unsatisfied(folder)
    result = runner.invoke(app, ["case", "adjudicate", cid, "--finding", "out_of_remit", "--reason",
                                 "要求取缔合法经营的商户，超出政府职能", "--by", "320200-gov",
                                 "--data-dir", str(folder)])
    assert result.exit_code == 0, result.output
    platform = bootstrap(Settings(data_dir=folder))
    with platform.uow() as u:
        case = u.cases.get(cid)
        assert case is not None and case.record.adjudication is not None
    out = folder / "fair.xlsx"
    result = runner.invoke(app, ["report", "fair", "--scope", "320200", "--period", "2026-03",
                                 "--by", "county", "--out", str(out), "--data-dir", str(folder),
                                 "--rules", str(folder / "rules.toml")])
    assert result.exit_code == 0, result.output
    assert "县级 · ≥3 件" in result.output and "县级 · 0–2 件" in result.output
    book = load_workbook(out)
    ranking, figures, exclusions = (book[name] for name in book.sheetnames)
    assert [c.value for c in ranking[4]][:3] == ["分级分类", "名次", "代码"]
    tiers = {row[2]: (row[0], row[1]) for row in ranking.iter_rows(min_row=5, values_only=True)}
    assert tiers["320213"] == ("县级 · ≥3 件", 1)
    heads = [c.value for c in figures[4]]
    assert {"容错率", "回访核实率", "下推（县级以上事权）", "差异过大"} <= set(heads)
    liangxi = dict(zip(heads, next(r for r in figures.iter_rows(min_row=5, values_only=True)
                                   if r[0] == "320213"), strict=True))
    assert liangxi["不纳入考核"] == 1 and liangxi["受理"] == 4
    rows = list(exclusions.iter_rows(min_row=5, values_only=True))
    heads = [c.value for c in exclusions[4]]
    assert len(rows) == 1
    found = dict(zip(heads, rows[0], strict=True))
    assert found["中心认定"] == found["最终认定"] == "超出政府职能" and found["不纳入考核"] == "是"
    assert found["认定理由"] == "要求取缔合法经营的商户，超出政府职能"
    kpi = folder / "kpi.xlsx"
    result = runner.invoke(app, ["report", "kpi", "--scope", "320200", "--period", "2026-03",
                                 "--out", str(kpi), "--data-dir", str(folder),
                                 "--rules", str(folder / "rules.toml")])
    assert result.exit_code == 0, result.output
    last = load_workbook(kpi).worksheets[-1]
    assert [c.value for c in last[4]][:4] == ["案件", "事项", "承办单位", "中心认定"]
    assert RequestAdjudicated.__name__  # the event the ruling is recorded as


def test_the_workbench_page_shows_the_tiers(folder: Path) -> None:
    from datetime import UTC, datetime

    from liandong.assessment.periods import parse_period
    from liandong.assessment.rules import load_rules
    from liandong.assessment.service import assess
    from liandong.web.assessment_page import page_data

    platform = bootstrap(Settings(data_dir=folder))
    rules = load_rules(folder / "rules.toml")
    a = assess(platform.uow, platform.hierarchy, parse_period("2026-03", cutoff=1),
               datetime(2026, 5, 1, tzinfo=UTC), rules)
    data = page_data(platform, a, "320200", "county", "zh")
    assert data["tiered"] and {r["key"]: r["tier"] for r in data["ranking"]}["320213"] == "县级 · ≥3 件"
