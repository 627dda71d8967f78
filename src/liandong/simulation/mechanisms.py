"""Every difference between the modes, named once (issue 26): the mechanism, which modes have it,
its parameters and where their values come from, and why a mode lacks it.

Switchable mechanisms read ``[mechanisms]`` of the configuration; the rest are the structure of a
mode (who receives a report, who decides the owner). The report prints this table as it stands
for the run, so a reader sees what was on, with which value, on whose authority.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from liandong.simulation.config import MODES, SimulationConfig

Modes = Callable[[SimulationConfig], tuple[str, ...]]


def _fixed(*modes: str) -> Modes:
    return lambda _config: modes


def _switch(name: str, *, invert: bool = False) -> Modes:
    def modes(config: SimulationConfig) -> tuple[str, ...]:
        on = set(getattr(config.mechanisms, name))
        return tuple(m for m in MODES if (m in on) != invert)
    return modes


@dataclass(frozen=True)
class Mechanism:
    name: str
    modes: Modes
    keys: tuple[str, ...]  # dotted parameter keys
    source: str
    lacking: str  # why a mode without it lacks it


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism("12345 受理派单 dispatch centre", _fixed("linkage"),
              ("intake.dispatch_minutes", "intake.operators_per_100_daily"),
              "practice: Beijing 12345 dispatches in minutes", "structure: no platform, no centre"),
    Mechanism("全量事实定责 routing on the full facts", _fixed("linkage"), (),
              "rule: the platform's Router (DESIGN §4)",
              "structure: relay judges on what reached each level; silos do not route"),
    Mechanism("首办错派 a wrong first office", _fixed(*MODES), ("intake.misroute",),
              "practice: 5–10 % of orders returned", "—"),
    Mechanism("逐级上报 relay hops (delay, retelling, downgrading)", _fixed("relay"),
              ("relay.hop_wh", "relay.fact_loss", "relay.downgrade"),
              "assumption; article §三.二 (选择性地上报)", "structure: the mode's own way up"),
    Mechanism("越权退回 returned from too low", _fixed("siloed", "relay"), ("relay.return_wh",),
              "assumption", "linkage routes at the right level (its misroutes return at dispatch)"),
    Mechanism("群众再次反映 the citizen reports again higher up", _fixed("siloed"),
              ("siloed.re_report_days", "siloed.partial_ok"), "assumption",
              "structure: elsewhere an office sends the case on"),
    Mechanism("共同在场 co-presence (the team in parallel, its staff time charged)", _switch("co_presence"),
              ("linkage.copresence_wh",), "article §二 (共同在场性); cost: assumption",
              "needs the shared record of one team"),
    Mechanism("函件协调 coordination by letter", _switch("co_presence", invert=True),
              ("linkage.coordination_wh",), "assumption", "co-presence coordinates on the record"),
    Mechanism("提级 / 催办 / 督办 the escalation chain", _switch("escalation"), ("escalation.after",),
              "rule: CasePolicy.escalation up to MatterType.ceiling (提级上限); statutory limits bind "
              "every mode", "switched off by the run"),
    Mechanism("纸面督办滞后 paper supervision lag", _switch("shared_record", invert=True),
              ("escalation.paper_lag_wh",), "assumption: the weekly overdue list",
              "with the shared record the level above sees the lapse at once"),
    Mechanism("信息对称与精准问责 shared record (accountability read off it, 舆情 priority)",
              _switch("shared_record"), ("heat.heat",),
              "article §二 (信息对称性), §四(四) (前端/中端/末端 精准问责)",
              "without it only the last holder is on file: the default blame (article §四(四))"),
    Mechanism("同一人力预算 the same staffing budget per level", _fixed(*MODES),
              ("handling.utilisation", "handling.capacity", "handling.max_handlers"),
              "one rule from the workload (World.staffing)", "—"),
)


def _value(config: SimulationConfig, key: str) -> Any:
    if key == "relay.fact_loss" and config.relay.fact_loss is None:
        return f"{config.relay.loss_per_hop:.3f} (fitted by the retelling model)"
    node: Any = config
    for part in key.split("."):
        node = getattr(node, part)
    return node


def rows(config: SimulationConfig, modes: tuple[str, ...]) -> list[list[str]]:
    """One row per mechanism: name, on/off per mode, parameters with values, source, why lacking."""
    out = []
    for m in MECHANISMS:
        on = m.modes(config)
        params = "; ".join(f"`{k}` = {_value(config, k)}" for k in m.keys) or "—"
        out.append([m.name, *("✔" if mode in on else "—" for mode in modes), params, m.source, m.lacking])
    return out
