"""The calibration table (issue 26 point 6): every parameter of the simulator with its value, where
the value comes from, and — where a published figure exists — the figure the linkage mode is
calibrated against, the simulated figure of the run, the tolerance and whether it fits.

Kinds: ``rule`` (the platform's own rules), ``practice`` (a published figure of 12345 practice),
``calibrated`` (fitted to an observed figure, the fit shown), ``assumption`` (a modelling choice: its
effect on the headline is in the tornado chart), ``structure`` (what a mode is; the mechanisms table).
Every parameter of ``SimulationConfig`` must have an entry here (a test holds it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from liandong.simulation.config import SimulationConfig
from liandong.simulation.metrics import Tally
from liandong.simulation.retelling import fit

BEIJING = "Beijing 12345, 2025 (≈ 25 M contacts; figures as quoted in issue 26)"
SOURCES: dict[str, tuple[str, str]] = {
    "version": ("structure", "the parameter set's version"),
    "start": ("structure", "a Monday that is a working day (Asia/Shanghai)"),
    "arrivals.per_township_per_day": ("practice", "≈ 30 M dispatched cases a month nationally over "
                                      "38,723 townships (issue 9); the kind weights keep the national mean"),
    "arrivals.kind_weight": ("assumption", "街道 ≫ 镇 > 乡 > 苏木"),
    "arrivals.profile.hour": ("practice", "shape of published 12345 hourly call curves (peaks 9–11, 14–16)"),
    "arrivals.profile.weekday": ("practice", "weekday peaks, weekend ≈ 70 %"),
    "matters.category_weight": ("practice", "annual reports of city 12345 centres (order); split assumed"),
    "matters.rural_boost": ("assumption", "rural matters outside 街道"),
    "matters.severity": ("assumption", "tiers of the Emergency Response Law; major incidents rare"),
    "boundary.township": ("assumption", "siblings stand in for neighbours (no adjacency data)"),
    "boundary.county": ("assumption", "as above"),
    "boundary.city": ("assumption", "as above"),
    "boundary.province": ("assumption", "as above"),
    "heat.per_city_per_30_days": ("assumption", "舆情 bursts"),
    "heat.reports_mean": ("assumption", "reports per burst"),
    "heat.spread_hours": ("assumption", "burst spread"),
    "heat.heat": ("rule", "above the case policy's heat threshold (80)"),
    "intake.dispatch_minutes": ("calibrated", BEIJING + ": 3.7 min from call to dispatched ticket"),
    "intake.operators_per_100_daily": ("assumption", "12345 desk staffing"),
    "intake.misroute": ("practice", "5–10 % of 12345 orders returned by the first department"),
    "handling.lead_wh": ("assumption", "working hours at the lead by level"),
    "handling.assist_wh": ("assumption", "each ground part"),
    "handling.sigma": ("assumption", "lognormal shape of service times"),
    "handling.ack_wh": ("assumption", "签收 within the working day"),
    "handling.urgent_share": ("assumption", "clock-hour limits worked to fit"),
    "handling.severity_factor": ("assumption", "work grows with the tier"),
    "handling.utilisation": ("rule", "one staffing rule for every mode (World.staffing)"),
    "handling.max_handlers": ("assumption", "attention limit per department by level"),
    "handling.min_handlers": ("structure", "no pool without a handler"),
    "handling.capacity": ("structure", "the budget multiplier a sweep varies"),
    "handling.office_hours": ("rule", "the Chinese working calendar (data/holidays)"),
    "linkage.coordination_wh": ("assumption", "a letter per extra place without co-presence"),
    "linkage.copresence_wh": ("assumption", "staff time of each level present, charged to linkage"),
    "escalation.after": ("rule", "CasePolicy.escalation; statutory limits bind every mode"),
    "escalation.paper_lag_wh": ("assumption", "the weekly overdue list (one working week)"),
    "mechanisms.shared_record": ("structure", "see the mechanisms table"),
    "mechanisms.co_presence": ("structure", "see the mechanisms table"),
    "mechanisms.escalation": ("structure", "see the mechanisms table"),
    "relay.hop_wh": ("assumption", "a report written, approved and sent up: 1–3 working days"),
    "relay.fact_loss": ("calibrated", "the retelling model fitted to relay.retelling (unless set)"),
    "relay.retelling": ("practice", "observed retelling chains (the retelling model's data)"),
    "relay.downgrade": ("assumption", "article §三.二 (选择性地上报) under career pressure"),
    "relay.return_wh": ("assumption", "a case handled at the wrong place is returned"),
    "relay.facts": ("structure", "the key facts a decision needs"),
    "siloed.re_report_days": ("assumption", "the citizen reports again one level up"),
    "siloed.partial_ok": ("assumption", "a silo closing a cross-boundary case alone"),
    "rating.on_time_complete": ("assumption", "shaped on 85–95 % satisfaction of published reports; "
                                "checked against Beijing below"),
    "rating.late_complete": ("assumption", "shaped on 85–95 % satisfaction of published reports"),
    "rating.on_time_incomplete": ("assumption", "as above"),
    "rating.late_incomplete": ("assumption", "as above"),
    "surges": ("structure", "injected surges (none by default)"),
}


@dataclass(frozen=True)
class Target:
    """A published figure the linkage mode is checked against."""

    observed: float
    tolerance: float
    pattern: str
    simulated: Callable[[Tally], float]


def _dispatch_minutes(t: Tally) -> float:
    return t.costs()["dispatch"] * 60 / 100  # operator minutes per ticket


TARGETS: dict[str, Target] = {
    "intake.dispatch_minutes": Target(3.7, 1.0, "{:.1f} min", _dispatch_minutes),
    "intake.misroute": Target(0.075, 0.025, "{:.1%}", lambda t: t.figures()["misroutes_per_100"] / 100),
}
# outcomes of the linkage mode checked against published figures (no single parameter sets them)
CHECKS: dict[str, tuple[str, Target]] = {
    "satisfaction 满意率": (BEIJING + ": 97.7 % satisfied (rating.*, handling.*)",
                         Target(0.977, 0.02, "{:.1%}", lambda t: t.figures()["satisfaction"])),
    "resolution 解决率": (BEIJING + ": 97.3 % resolved; simulated: resolved within the statutory limit",
                       Target(0.973, 0.03, "{:.1%}", lambda t: 1 - t.figures()["breach_rate"])),
}


TABLES = frozenset({"arrivals.kind_weight", "matters.category_weight", "matters.rural_boost",
                    "matters.severity", "handling.lead_wh", "handling.severity_factor",
                    "handling.max_handlers"})  # a table of numbers that is one parameter


def leaves(config: SimulationConfig) -> dict[str, Any]:
    """Every parameter by its dotted key (a table of numbers or a list is one parameter)."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and prefix not in TABLES:
            for k, v in node.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        else:
            out[prefix] = node

    walk("", config.model_dump(mode="json"))
    return out


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list) and len(value) > 7:
        return f"{len(value)} weights, max {max(value)}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "; ".join(f"{o.get('retained')} after {o.get('hops')}" for o in value)
    return str(value)


def rows(config: SimulationConfig, linkage: Tally | None) -> list[list[str]]:
    """key, value, kind, source or observed figure, fit (simulated against observed, tolerance)."""
    out = []
    relay = config.relay
    for key, value in leaves(config).items():
        kind, source = SOURCES.get(key, ("?", "not declared"))
        shown = _value(value)
        fitted = "—"
        if key == "relay.fact_loss" and relay.fact_loss is None:
            f = fit([(o.hops, o.retained) for o in relay.retelling])
            shown = f"{f.loss_per_hop:.3f} (fitted)"
            fitted = ("p = 1 − s^(1/h) by least squares on ln s; residuals "
                      + ", ".join(f"{r:+.3f}" for r in f.residuals)
                      + f"; a fact survives 1 hop {f.retained(1):.1%}, 2 hops {f.retained(2):.1%}")
        elif key == "relay.fact_loss":
            kind, source = "override", "set for this run (the retelling fit is not used)"
        elif key == "relay.retelling":
            source = " | ".join(o.source for o in relay.retelling) or source
        target = TARGETS.get(key)
        if target is not None:
            fitted = _fit(target, linkage)
        out.append([f"`{key}`", shown, kind, source, fitted])
    for name, (note, target) in CHECKS.items():
        out.append([name, "(outcome)", "check", note, _fit(target, linkage)])
    return out


def _fit(target: Target, linkage: Tally | None) -> str:
    sim = target.simulated(linkage) if linkage is not None else math.nan
    ok = abs(sim - target.observed) <= target.tolerance
    p = target.pattern
    return (f"observed {p.format(target.observed)}, simulated linkage {p.format(sim)}, tolerance ± "
            f"{p.format(target.tolerance)} — {'✔ fits' if ok else '✘ outside'}")
