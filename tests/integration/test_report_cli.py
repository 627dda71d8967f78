"""``liandong report`` on a real SQLite file holding the hand-computed month of
``assessment_month``: the terminal tables, the xlsx (read back with openpyxl) and the csv."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from liandong.assessment.periods import parse_period
from liandong.bootstrap import bootstrap
from liandong.cli import app
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole
from liandong.services.clock import ManualClock
from liandong.web.dashboard import dashboard_view
from tests.factories.assessment import START, fill_month

runner = CliRunner()
RULES = """
[period]
cutoff_day = 1
[classes]
min_valid = 1
[[classes.rule]]
key = "governance"
bottom_share = 0.1
max_composite = 0.75
[[classes.rule]]
key = "advanced"
top_share = 0.2
min_composite = 0.9
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report")
    sandbox = ["init", "--scope", "320200", "--sandbox", "--data-dir", str(path)]  # history, simulated
    assert runner.invoke(app, sandbox).exit_code == 0
    platform = bootstrap(Settings(data_dir=path))
    fill_month(platform.bus(ManualClock(START)))
    (path / "rules.toml").write_text(RULES, encoding="utf-8")
    return path


def run(folder: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["report", *args, "--data-dir", str(folder), "--rules",
                                 str(folder / "rules.toml")])
    return result.exit_code, result.output


def test_kpi_table_and_xlsx(folder: Path) -> None:
    out = folder / "kpi.xlsx"
    code, output = run(folder, "kpi", "--scope", "320200", "--period", "2026-03", "--out", str(out))
    assert code == 0, output
    assert "无锡市（合计）" in output and "梁溪区" in output and "80.0%" in output  # city response 4/5
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "无锡市"
    ws = wb["无锡市"]
    heads = [c.value for c in ws[4]]
    assert heads[:4] == ["代码", "单位", "受理", "有效回访"]
    rows = {r[0]: dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=5, values_only=True)}
    city, liangxi = rows["320200"], rows["320213"]
    assert city["受理"] == 7 and city["有效回访"] == 5
    assert city["响应率"] == pytest.approx(0.8) and city["满意率"] == pytest.approx(0.78)
    assert city["三率综合"] == pytest.approx(0.1 * 0.8 + 0.5 * 0.8 + 0.4 * 0.78, abs=1e-4)
    assert liangxi["三率综合"] == pytest.approx(0.1 * 2 / 3 + 0.5 * 2 / 3 + 0.4 * 1.9 / 3, abs=1e-4)
    assert liangxi["及时签收率"] == pytest.approx(0.75) and liangxi["当前超期"] == 1
    assert ws["E5"].number_format == "0.0%" and ws["A4"].font.bold
    # one sheet per county with cases, listing its townships
    assert {"梁溪区", "锡山区", "新吴区"} <= set(wb.sheetnames)
    streets = {r[0]: r for r in wb["梁溪区"].iter_rows(min_row=5, values_only=True)}
    assert streets["320213001"][2] == 4


def test_kpi_csv_in_english(folder: Path) -> None:
    out = folder / "kpi.csv"
    code, output = run(folder, "kpi", "--scope", "320213", "--period", "2026-03", "--by", "township",
                       "--out", str(out), "--lang", "en")
    assert code == 0, output and "(total)" in output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["code"] == "320213" and rows[0]["received"] == "4"
    assert float(rows[0]["response"]) == pytest.approx(2 / 3, abs=1e-4)


def test_ranking_with_classes(folder: Path) -> None:
    out = folder / "ranking.xlsx"
    code, output = run(folder, "ranking", "--scope", "320200", "--period", "2026-03", "--out", str(out))
    assert code == 0, output
    assert "先进" in output and "治理类" in output
    ws = load_workbook(out).active
    got = [(r[0], r[1], r[8]) for r in ws.iter_rows(min_row=5, values_only=True) if r[0] is not None]
    assert got == [(1, "320205", "advanced"), (1, "320214", "advanced"), (3, "320213", "governance")]


def test_accountability_puts_the_wait_on_the_city(folder: Path) -> None:
    out = folder / "blame.xlsx"
    code, output = run(folder, "accountability", "--scope", "320214", "--period", "2026-03",
                       "--out", str(out))
    assert code == 0, output
    assert "公平系数" in output and "0.67" in output  # 243 of 364 hours held by the county
    ws = load_workbook(out).active
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True)]
    resource = [r for r in rows if r[5] == "等待上级资源决定"]
    assert len(resource) == 1 and resource[0][2] == "320200-gov" and resource[0][6] == pytest.approx(120)
    assert resource[0][4] == "中端（省、市）"


def test_bad_input_is_refused_clearly(folder: Path) -> None:
    code, output = run(folder, "kpi", "--period", "2026-13")
    assert code == 2 and "考核周期“2026-13”无法识别" in output
    code, output = run(folder, "kpi", "--scope", "999999", "--period", "2026-03", "--lang", "en")
    assert code == 2 and "not a code of the national list" in output
    code, output = run(folder, "kpi", "--scope", "320200", "--period", "2026-03",
                       "--out", str(folder / "x.pdf"))
    assert code == 2 and ".xlsx, .csv" in output
    (folder / "bad.toml").write_text("[composite]\nresponse = 0.5\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "kpi", "--period", "2026-03", "--data-dir", str(folder),
                                 "--rules", str(folder / "bad.toml")])
    assert result.exit_code == 2 and "composite" in result.output and "1" in result.output


def test_the_dashboard_shows_the_numbers_of_the_cli(folder: Path) -> None:
    out = folder / "same.csv"
    code, _ = run(folder, "kpi", "--scope", "320200", "--period", "2026-03", "--out", str(out))
    assert code == 0
    with out.open(encoding="utf-8-sig") as fh:
        cli = {row["代码"]: row for row in csv.DictReader(fh)}
    platform = bootstrap(Settings(data_dir=folder))
    assessor = Principal("a1", "assessor", frozenset({StaffRole.ASSESSOR}), "320200-gov")
    page = dashboard_view(platform, assessor, "320200", parse_period("2026-03", cutoff=1), "zh")
    shown = {"320200": page["totals"], **{c["code"]: c["figures"] for c in page["children"]}}
    for code, row in cli.items():
        fig = shown[code]
        assert fig["received"] == int(row["受理"]), code
        for key, head in (("response", "响应率"), ("resolution", "解决率"), ("satisfaction", "满意率"),
                          ("ack_timely", "及时签收率"), ("on_time", "按时办结率")):
            value = fig[key]["value"]
            expected = None if row[head] == "" else float(row[head])
            assert value == pytest.approx(expected), (code, key)
        composite = None if row["三率综合"] == "" else float(row["三率综合"])
        assert fig["composite"] == pytest.approx(composite), code


def test_an_assessment_cycle_published_from_the_terminal(folder: Path) -> None:
    made = runner.invoke(app, ["instrument", "issue", "--by", "320200-gov", "--kind", "assessment",
                               "--title", "3 月考核", "--scope", "320200", "--to", "320213-gov",
                               "--to", "320205-gov", "--subject", "2026-03", "--data-dir", str(folder)])
    assert made.exit_code == 0, made.output
    cycle = made.output.split()[0]
    done = runner.invoke(app, ["instrument", "publish", cycle, "--by", "320200-gov", "--rules",
                               str(folder / "rules.toml"), "--data-dir", str(folder)])
    assert done.exit_code == 0, done.output
    assert "320213-gov: 0.6533 governance" in done.output and "约谈：320213-gov" in done.output
    assert "点名表扬：I" in done.output


@pytest.mark.parametrize("command", ["ranking", "fair"])
def test_an_unknown_indicator_is_refused_naming_those_allowed(folder: Path, command: str) -> None:
    code, out = run(folder, command, "--scope", "320200", "--period", "2026-03", "--indicator", "speed")
    assert code == 2, out
    assert "speed" in out and "composite" in out and "on_time" in out
