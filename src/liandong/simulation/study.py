"""``liandong simulate --experiment FILE``: one TOML file and a seed regenerate a report of the
simulator — the comparison, its sweeps, the calibration table, the tornado chart and the headline
figures beside those of an earlier parameter set with the reasons they moved (issue 26 point 8).

```toml
title = "治理模式仿真：江苏省，90 天"
out = "docs/simulation-jiangsu-90d"           # relative to the working directory
config = "my-city.toml"                       # optional, relative to this file (default parameters)
[run]
scope = "32"
days = 90
modes = "all"
seed = 1
[parameters]                                  # overrides by dotted key
"handling.capacity" = 1.0
[sweeps]
"handling.capacity" = [1, 2]
[tornado]                                     # on a small scope: two runs per parameter
scope = "320205"
days = 30
spread = 0.5
keys = ["relay.hop_wh"]                       # optional: default every numeric parameter
[compare]                                     # an earlier summary.csv, relative to this file
file = "baseline.csv"
label = "2026.1"
[compare.reasons]
resolve_days_mean = "why it moved"
```

The same file and seed give byte-identical files (the run time is not written).
"""

from __future__ import annotations

import csv
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from liandong.domain.errors import DomainError
from liandong.simulation import calibration, tornado
from liandong.simulation.config import SimulationConfig, load_config
from liandong.simulation.experiment import Plan, Result, parse_modes, simulate, sweep
from liandong.simulation.report import METRICS, MODE_LABEL, _style, _svg, write
from liandong.simulation.sections import Section

Step = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(frozen=True)
class Experiment:
    path: Path
    text: str
    title: str
    out: Path
    plan: Plan
    sweeps: dict[str, list[Any]]
    tornado: dict[str, Any]
    compare: dict[str, Any] = field(default_factory=dict)


def load(path: Path, *, seed: int | None = None, out: Path | None = None) -> Experiment:
    """The experiment at ``path`` (a seed or an output directory given here wins over the file's)."""
    text = path.read_text(encoding="utf-8")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DomainError("simulation.bad_config", source=str(path), key="", problem=str(exc)) from None
    run = doc.get("run", {})
    config: SimulationConfig = load_config(path.parent / doc["config"] if "config" in doc else None)
    if doc.get("parameters"):
        config = config.with_overrides(dict(doc["parameters"]))
    from liandong.domain.catalogue import parse_scope
    from liandong.simulation.experiment import _reference

    hierarchy = _reference().hierarchy
    scope = hierarchy.get(parse_scope(str(run.get("scope", "320200")), hierarchy).root).code
    plan = Plan(scope, int(run.get("days", 30)), parse_modes(str(run.get("modes", "all"))),
                int(seed if seed is not None else run.get("seed", 1)), config)
    sweeps = {k: list(v) for k, v in doc.get("sweeps", {}).items()}
    for key, values in sweeps.items():
        config.with_overrides({key: values[0]})  # a bad key is refused before any work
    return Experiment(path, text, str(doc.get("title", f"治理模式仿真 {scope}")),
                      out or Path(str(doc.get("out", "var/simulation"))), plan, sweeps,
                      dict(doc.get("tornado", {})), dict(doc.get("compare", {})))


def run(e: Experiment, *, workers: int = 1, step: Step | None = None) -> list[Path]:
    """Everything the experiment asks for, written into its output directory."""
    def progress(what: str) -> Callable[[int, int, int], None]:
        return lambda done, total, _cases: step(what, done, total) if step else None

    result = simulate(e.plan, workers=workers, progress=progress("main"))
    sweeps = {key: sweep(e.plan, key, values, workers=workers, progress=progress(key), base=result)
              for key, values in e.sweeps.items()}
    extra: list[Section] = []
    charts: list[tuple[str, str]] = []
    files: dict[str, str] = {"experiment.toml": e.text}
    if e.compare:
        extra.append(compared(result, e))
    linkage = result.tallies.get("linkage")
    extra.append(Section(
        "校准 Calibration", "Every parameter, its value, where it comes from, and the fit where a published "
        "figure exists (linkage mode of this run against it, with a tolerance). Kinds: rule (the platform's "
        "own), practice (a published figure), calibrated (fitted to an observed figure), assumption (its "
        "effect on the headline is in the tornado chart), structure (what a mode is), check (an outcome "
        "against a published figure).",
        ["参数 parameter", "取值 value", "类别 kind", "来源或观测 source / observed", "拟合 fit"],
        calibration.rows(e.plan.config, linkage), []))
    if e.tornado:
        t = _tornado(e, workers, step)
        extra.append(Section(
            "敏感性 Sensitivity (tornado)", f"Each parameter alone at its low and high end on `{t.scope}`, "
            f"{t.days} days, seed {e.plan.seed} (the same reports at every end); the differences between "
            "relay and linkage at each end (low … high), widest effect on time to resolve first. "
            "Positive: linkage better.",
            ["参数 parameter", "low", "high", *(label for _n, label, *_ in tornado.DIFFERENCES)],
            tornado.table(t), []))
        extra.append(Section(
            "联动不占优之处：按参数 Where linkage loses, by parameter",
            "From the tornado: the parameter values at which a headline difference between relay and "
            "linkage falls to half its base value or below, and what each difference depends on most.",
            [], [], tornado.close_calls(t)))
        _style()
        for name, label, *_ in tornado.DIFFERENCES:
            charts.append((f"敏感性 tornado: {label}", tornado.chart(t, name, _svg)))
        files["tornado.csv"] = tornado.to_csv(t)
    return write(result, e.out, title=e.title, sweeps=sweeps, extra=extra, extra_charts=charts,
                 extra_files=files)


def _tornado(e: Experiment, workers: int, step: Step | None) -> tornado.Tornado:
    spec = e.tornado
    plan = Plan(str(spec.get("scope", e.plan.scope)), int(spec.get("days", e.plan.days)), e.plan.modes,
                e.plan.seed, e.plan.config)
    keys = tuple(spec.get("keys", tornado.KEYS))
    ends = tornado.ends(e.plan.config, keys, float(spec.get("spread", 0.5)))
    return tornado.run(plan, ends, workers=workers,
                       step=(lambda done, total: step("tornado", done, total)) if step else None)


def compared(result: Result, e: Experiment) -> Section:
    """The headline figures of an earlier parameter set (its summary.csv) beside this run's, with
    the reasons the experiment gives for each move."""
    old: dict[tuple[str, str], float] = {}
    with (e.path.parent / str(e.compare["file"])).open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["scope_class"] == "all":
                old[(row["mode"], row["metric"])] = float(row["value"])
    reasons: dict[str, str] = dict(e.compare.get("reasons", {}))
    label = str(e.compare.get("label", "before"))
    rows = []
    for key, name, pattern in METRICS:
        for mode, tally in result.tallies.items():
            new = tally.figures()[key]
            was = old.get((mode, key), math.nan)
            rows.append([name if mode == next(iter(result.tallies)) else "", MODE_LABEL.get(mode, mode),
                         _f(was, pattern), _f(new, pattern),
                         reasons.get(f"{key}.{mode}", reasons.get(key, "")) if mode == "linkage" or
                         f"{key}.{mode}" in reasons else ""])
    return Section(f"新旧对比 Old and new headline figures ({label} → {e.plan.config.version})",
                   "The same scope, days and seed under the earlier parameters and under the fair rules; "
                   "the reasons a figure moved, from the mechanisms that changed.",
                   ["指标 metric", "模式 mode", label, e.plan.config.version, "原因 why it moved"], rows, [])


def _f(value: float, pattern: str) -> str:
    return "—" if math.isnan(value) else pattern.format(value)
