"""Sensitivity of the headline differences to each parameter (issue 26 point 6): every parameter
moved to a low and a high value alone, the same plan and seed (common random numbers), and the
difference between the modes recorded at each end — drawn as a tornado chart, widest bar on top.

The default set is every numeric parameter that is not the structure of a mode, each at
``× (1 − range)`` and ``× (1 + range)`` (a table of numbers scaled as a whole; probabilities kept
≤ 1; whole numbers rounded); an experiment file may name its own keys and values.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from liandong.simulation.config import SimulationConfig
from liandong.simulation.experiment import Plan, simulate
from liandong.simulation.metrics import Tally

KEYS = ("arrivals.per_township_per_day", "boundary.township", "boundary.county", "boundary.city",
        "heat.per_city_per_30_days", "heat.reports_mean", "intake.dispatch_minutes",
        "intake.operators_per_100_daily", "intake.misroute", "handling.lead_wh", "handling.assist_wh",
        "handling.sigma", "handling.ack_wh", "handling.urgent_share", "handling.utilisation",
        "handling.max_handlers", "handling.capacity", "linkage.coordination_wh", "linkage.copresence_wh",
        "escalation.after", "escalation.paper_lag_wh", "relay.hop_wh", "relay.fact_loss",
        "relay.downgrade", "relay.return_wh", "siloed.re_report_days", "siloed.partial_ok")
PROBABILITIES = frozenset({"boundary.township", "boundary.county", "boundary.city", "intake.misroute",
                           "handling.urgent_share", "handling.utilisation", "relay.fact_loss",
                           "relay.downgrade", "siloed.partial_ok"})
# the headline differences: (name, label, against, metric, sign: + means linkage is better by this much)
DIFFERENCES: tuple[tuple[str, str, str, str, float], ...] = (
    ("resolve_days", "办结用时差（天）relay − linkage, days", "relay", "resolve_days_mean", 1.0),
    ("breach_points", "超期率差（百分点）relay − linkage, points", "relay", "breach_rate", 100.0),
    ("fairness_points", "问责精准差（百分点）linkage − relay, points", "relay", "accountability_fairness",
     -100.0),
)


@dataclass(frozen=True)
class Bar:
    key: str
    low: Any
    high: Any
    at_low: dict[str, float]
    at_high: dict[str, float]


@dataclass(frozen=True)
class Tornado:
    scope: str
    days: int
    base: dict[str, float]
    bars: list[Bar]


def _get(config: SimulationConfig, key: str) -> Any:
    node: Any = config
    for part in key.split("."):
        node = getattr(node, part)
    if key == "relay.fact_loss" and node is None:
        return config.relay.loss_per_hop
    return node


def _scaled(value: Any, factor: float, key: str) -> Any:
    if isinstance(value, dict):
        return {k: _scaled(v, factor, key) for k, v in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return max(1, round(value * factor)) if value else 0
    out = float(value) * factor
    return min(out, 1.0) if key in PROBABILITIES else out


def ends(config: SimulationConfig, keys: Sequence[str] = KEYS,
         spread: float = 0.5) -> list[tuple[str, Any, Any]]:
    """(key, low, high) for each key: the value × (1 − spread) and × (1 + spread)."""
    out = []
    for key in keys:
        value = _get(config, key)
        if hasattr(value, "model_dump"):
            value = value.model_dump(mode="json")
        out.append((key, _scaled(value, 1 - spread, key), _scaled(value, 1 + spread, key)))
    return out


def differences(tallies: dict[str, Tally]) -> dict[str, float]:
    figures = {m: t.figures() for m, t in tallies.items()}
    out = {}
    for name, _label, other, metric, sign in DIFFERENCES:
        if "linkage" in figures and other in figures:
            out[name] = sign * (figures[other][metric] - figures["linkage"][metric])
    return out


def _one(plan: Plan) -> dict[str, float]:
    return differences(simulate(plan).tallies)


def run(plan: Plan, spec: Sequence[tuple[str, Any, Any]], *, workers: int = 1,
        step: Callable[[int, int], None] | None = None) -> Tornado:
    """Each parameter at each end alone, on ``plan`` (a small scope: 2 runs per parameter)."""
    plans = [plan] + [Plan(plan.scope, plan.days, plan.modes, plan.seed,
                           plan.config.with_overrides({key: value}))
                      for key, low, high in spec for value in (low, high)]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            found = []
            for k, d in enumerate(pool.map(_one, plans)):
                found.append(d)
                if step:
                    step(k + 1, len(plans))
    else:
        found = []
        for k, p in enumerate(plans):
            found.append(_one(p))
            if step:
                step(k + 1, len(plans))
    bars = [Bar(key, low, high, found[1 + 2 * i], found[2 + 2 * i])
            for i, (key, low, high) in enumerate(spec)]
    return Tornado(plan.scope, plan.days, found[0], bars)


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "×" if not value else "{" + ", ".join(f"{v:g}" if isinstance(v, float) else str(v)
                                                      for v in value.values()) + "}"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def swing(bar: Bar, name: str) -> float:
    lo, hi = bar.at_low.get(name, math.nan), bar.at_high.get(name, math.nan)
    return abs(hi - lo) if not (math.isnan(lo) or math.isnan(hi)) else 0.0


def table(t: Tornado) -> list[list[str]]:
    """Per parameter: its ends and each difference at the low and the high end (base first)."""
    rows = [["base", "—", "—", *(f"{t.base.get(n, math.nan):.3g}" for n, *_ in DIFFERENCES)]]
    order = sorted(t.bars, key=lambda b: -swing(b, DIFFERENCES[0][0]))
    for b in order:
        rows.append([f"`{b.key}`", _short(b.low), _short(b.high),
                     *(f"{b.at_low.get(n, math.nan):.3g} … {b.at_high.get(n, math.nan):.3g}"
                       for n, *_ in DIFFERENCES)])
    return rows


def close_calls(t: Tornado, share: float = 0.5) -> list[str]:
    """Where linkage loses, by parameter: the ends at which a headline difference falls to
    ``share`` of its base value or below (relay as good, or nearly), and the parameters the
    difference depends on most."""
    out = []
    for name, label, *_ in DIFFERENCES:
        base = t.base.get(name, math.nan)
        if math.isnan(base):
            continue
        for b in t.bars:
            for end, value, at in (("low", b.low, b.at_low), ("high", b.high, b.at_high)):
                x = at.get(name, math.nan)
                if not math.isnan(x) and (x <= share * base if base > 0 else x <= base):
                    out.append(f"{label}: at `{b.key}` = {_short(value)} ({end} end) it is {x:.3g} "
                               f"against {base:.3g} at the base values.")
        top = sorted(t.bars, key=lambda b: -swing(b, name))[:3]
        out.append(f"{label}: most sensitive to " + ", ".join(f"`{b.key}` (swing {swing(b, name):.3g})"
                                                            for b in top) + ".")
    return out


def to_csv(t: Tornado) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["parameter", "end", "value", "difference", "result"])
    for name, *_ in DIFFERENCES:
        w.writerow(["base", "base", "", name, f"{t.base.get(name, math.nan):.6g}"])
    for b in t.bars:
        for end, value, at in (("low", b.low, b.at_low), ("high", b.high, b.at_high)):
            for name, *_ in DIFFERENCES:
                w.writerow([b.key, end, _short(value), name, f"{at.get(name, math.nan):.6g}"])
    return buf.getvalue()


def chart(t: Tornado, name: str, svg: Callable[[Any], str]) -> str:
    """The tornado of one difference: a bar per parameter from its low-end to its high-end value
    around the base, widest on top (blue: the low end, orange: the high end)."""
    import matplotlib.pyplot as plt

    label = next(lab for n, lab, *_ in DIFFERENCES if n == name)
    base = t.base.get(name, math.nan)
    bars = sorted(t.bars, key=lambda b: swing(b, name))
    fig, ax = plt.subplots(figsize=(7.6, 0.28 * len(bars) + 1.2))
    y = np.arange(len(bars))
    for i, b in enumerate(bars):
        for value, colour in ((b.at_low.get(name, math.nan), "#2a7ab8"),
                              (b.at_high.get(name, math.nan), "#e07b39")):
            if not math.isnan(value):
                ax.barh(i, value - base, left=base, color=colour, height=0.7)
    ax.axvline(base, color="#333", linewidth=0.8)
    ax.set_yticks(y, [b.key for b in bars], fontsize=7)
    ax.set_xlabel(label)
    ax.set_title(f"敏感性 tornado: {t.scope}, {t.days} 天（蓝 low end，橙 high end）", fontsize=9)
    return svg(fig)
