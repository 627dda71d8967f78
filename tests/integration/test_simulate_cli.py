"""``liandong simulate``: a real run from the command line, its files, sweeps and refusals."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from liandong.cli import app

runner = CliRunner()


def test_simulate_writes_report_csv_and_configuration(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = runner.invoke(app, ["simulate", "--scope", "320205", "--days", "3", "--mode", "relay,linkage",
                                 "--seed", "4", "--out", str(out), "--sweep", "handling.capacity=1,2"])
    assert result.exit_code == 0, result.output
    assert "多层级联动" in result.output and "逐级上报" in result.output
    for name in ("report.html", "summary.csv", "config.json", "sweep-handling-capacity.csv"):
        assert (out / name).stat().st_size > 0, name
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert {r["mode"] for r in rows} == {"relay", "linkage"}
    sweep = list(csv.DictReader((out / "sweep-handling-capacity.csv").open(encoding="utf-8")))
    assert {r["value"] for r in sweep} == {"1", "2"}


def test_simulate_refuses_bad_input_in_the_users_language(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--mode", "chaos", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "未知的治理模式" in result.output and "linkage" in result.output
    result = runner.invoke(app, ["simulate", "--set", "handling.nope=1", "--lang", "en",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2 and "No simulation parameter named 'handling.nope'" in result.output
    result = runner.invoke(app, ["simulate", "--scope", "999999", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "999999" in result.output
    assert not any(tmp_path.iterdir())  # nothing written on a refusal


def test_simulate_runs_an_experiment_file_and_refuses_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "small.toml"
    path.write_text('title = "小实验"\n[run]\nscope = "320205"\ndays = 2\nmodes = "relay,linkage"\n'
                    '[tornado]\ndays = 1\nkeys = ["relay.hop_wh"]\n', encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["simulate", "--experiment", str(path), "--seed", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert '"seed": 2' in (out / "config.json").read_text(encoding="utf-8")
    assert "校准 Calibration" in (out / "report.md").read_text(encoding="utf-8")
    assert (out / "experiment.toml").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    result = runner.invoke(app, ["simulate", "--experiment", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "nope.toml" in result.output
