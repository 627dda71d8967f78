"""The experiment's outputs: byte-identical for a seed, with the figures and plots asked for."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from liandong.simulation.config import SimulationConfig
from liandong.simulation.experiment import Plan, simulate, sweep
from liandong.simulation.report import write

MODES = ("siloed", "relay", "linkage")


def _outputs(config: SimulationConfig, seed: int, out: Path, with_sweep: bool = False) -> dict[str, bytes]:
    plan = Plan("320205", 4, MODES, seed, config)
    result = simulate(plan)
    sweeps = {"handling.capacity": sweep(plan, "handling.capacity", [1, 2])} if with_sweep else None
    paths = write(result, out, title="测试", sweeps=sweeps)
    return {p.name: p.read_bytes() for p in paths}


def test_same_seed_byte_identical_other_seed_different(config: SimulationConfig, tmp_path: Path) -> None:
    a = _outputs(config, 1, tmp_path / "a", with_sweep=True)
    b = _outputs(config, 1, tmp_path / "b", with_sweep=True)
    c = _outputs(config, 2, tmp_path / "c", with_sweep=True)
    assert {"report.html", "report.md", "summary.csv", "config.json", "sweep-handling-capacity.csv",
            "figure-1.svg", "figure-8.svg"} <= set(a)
    assert a == b
    assert a["report.html"] != c["report.html"] and a["summary.csv"] != c["summary.csv"]


def test_report_holds_the_comparison_table_plots_and_configuration(config: SimulationConfig,
                                                                  tmp_path: Path) -> None:
    files = _outputs(config, 3, tmp_path)
    html = files["report.html"].decode()
    for words in ("主要指标", "多层级联动 linkage", "逐级上报 relay", "各自为政 siloed", "到达正确责任单位",
                  "超期率", "决策者掌握的关键事实", "各层级负荷", "问责", "共同在场", "config.json"):
        assert words in html, words
    assert html.count("<svg") == 8
    rows = list(csv.DictReader(io.StringIO(files["summary.csv"].decode())))
    metrics = {(r["mode"], r["scope_class"], r["metric"]) for r in rows}
    for mode in MODES:
        for metric in ("resolve_days_mean", "breach_rate", "fidelity", "misroutes_per_100",
                       "copresence", "accountability_fairness", "load_county"):
            assert (mode, "all", metric) in metrics
    cases = {r["mode"]: float(r["value"]) for r in rows
             if r["metric"] == "cases" and r["scope_class"] == "all"}
    assert len(set(cases.values())) == 1 and next(iter(cases.values())) > 0  # same reports in every mode
