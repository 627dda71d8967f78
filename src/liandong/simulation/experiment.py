"""Experiments: a scope, a number of days, the modes to compare, a seed — run on one process or
partitioned by province over several, and parameter sweeps.

Each partition draws from its own stream, ``SeedSequence([seed, province code])``, so the
result does not depend on how many processes ran it: the same seed gives the same figures.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from liandong.domain.catalogue import parse_scope
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.simulation.config import MODES, SimulationConfig
from liandong.simulation.metrics import Tally
from liandong.simulation.model import Run
from liandong.simulation.outcomes import Outcomes
from liandong.simulation.workload import Workload, generate
from liandong.simulation.world import World

Progress = Callable[[int, int, int], None]  # (steps done, steps, cases so far); a step = partition × mode


@dataclass(frozen=True)
class Plan:
    scope: str
    days: int
    modes: tuple[str, ...]
    seed: int
    config: SimulationConfig

    def __post_init__(self) -> None:
        for mode in self.modes:
            if mode not in MODES:
                raise DomainError("simulation.bad_mode", value=mode, allowed=", ".join((*MODES, "all")))


@dataclass
class Result:
    plan: Plan
    tallies: dict[str, Tally]
    cases: int
    partitions: int
    seconds: float
    outcomes: dict[str, Outcomes] = field(default_factory=dict)  # one partition, kept on request
    workload: Workload | None = None

    @property
    def events(self) -> int:
        return sum(t.events for t in self.tallies.values())


def parse_modes(text: str) -> tuple[str, ...]:
    modes = MODES if text.strip() == "all" else tuple(m.strip() for m in text.split(",") if m.strip())
    for mode in modes:
        if mode not in MODES:
            raise DomainError("simulation.bad_mode", value=mode, allowed=", ".join((*MODES, "all")))
    return modes


def partitions(hierarchy: HierarchyIndex, scope: str) -> list[str]:
    """The provinces of a national scope that have townships (largest first), else the scope."""
    root = parse_scope(scope, hierarchy).root
    if hierarchy.get(root).level is Level.CENTRAL:
        provinces = [u for u in hierarchy.children(root)
                     if any(d.level is Level.TOWNSHIP for d in hierarchy.descendants(u.code))]
        return [u.code for u in sorted(provinces, key=lambda u: -hierarchy.subtree_size(u.code))]
    return [root]


_REFERENCE: Any = None


def _reference() -> Any:
    """The platform's reference data and rules, loaded once per process."""
    global _REFERENCE
    if _REFERENCE is None:
        from liandong.bootstrap import bootstrap

        _REFERENCE = bootstrap(memory=True)
    return _REFERENCE


def run_partition(plan: Plan, code: str, keep: bool = False, step: Callable[[int], None] | None = None
                  ) -> tuple[str, int, dict[str, Tally], dict[str, Outcomes], Workload | None]:
    platform = _reference()
    seq = np.random.SeedSequence([plan.seed, int(code)])
    workload = generate(platform.hierarchy, platform.catalogue, plan.config, scope=code,
                        days=plan.days, seed=seq)
    world = World.build(platform.rules(), plan.config, workload, plan.days)
    staffed = world.staffing(plan.days)
    tallies: dict[str, Tally] = {}
    kept: dict[str, Outcomes] = {}
    for mode in plan.modes:
        run_seed = int(np.random.SeedSequence([plan.seed, int(code), MODES.index(mode)]).generate_state(1)[0])
        outcomes = Run(world, mode, staffed, run_seed).run()
        tallies[mode] = Tally.of(outcomes)
        if step:
            step(len(workload))
        if keep:
            kept[mode] = outcomes
    return code, len(workload), tallies, kept, (workload if keep else None)


def simulate(plan: Plan, *, workers: int = 1, progress: Progress | None = None,
             keep_cases: bool = False) -> Result:
    """Run the plan; with several provinces and workers, one process per province at a time."""
    started = time.perf_counter()
    parts = partitions(_reference().hierarchy, plan.scope)
    results: dict[str, tuple[int, dict[str, Tally]]] = {}
    kept: dict[str, Outcomes] = {}
    workload: Workload | None = None
    steps = len(parts) * len(plan.modes)
    done = [0, 0]  # steps, cases

    def step(cases: int) -> None:
        done[0] += 1
        done[1] += cases
        if progress:
            progress(done[0], steps, done[1])

    if workers > 1 and len(parts) == 1 and len(plan.modes) > 1 and not keep_cases:
        # one province, several modes: a process per mode, each generating the same workload from
        # the same seed stream, so the figures are those of one process
        single = [Plan(plan.scope, plan.days, (mode,), plan.seed, plan.config) for mode in plan.modes]
        found: dict[str, Tally] = {}
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(run_partition, p, parts[0]) for p in single]
            for future in as_completed(futures):
                code, n, tallies, _, _ = future.result()
                found.update(tallies)
                step(n)
        results[parts[0]] = (n, {m: found[m] for m in plan.modes})
    elif workers > 1 and len(parts) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(run_partition, plan, code) for code in parts]
            for future in as_completed(futures):
                code, n, tallies, _, _ = future.result()
                results[code] = (n, tallies)
                for _ in plan.modes:
                    step(n)
    else:
        for code in parts:
            code, n, tallies, outs, wl = run_partition(plan, code, keep_cases and len(parts) == 1, step)
            results[code] = (n, tallies)
            kept.update(outs)
            workload = wl or workload
    total = sum(n for n, _ in results.values())
    merged: dict[str, Tally] = {}
    for code in parts:  # a fixed order: the sums do not depend on which process finished first
        for mode, tally in results[code][1].items():
            merged[mode] = tally if mode not in merged else merged[mode].merge(tally)
    return Result(plan, merged, total, len(parts), time.perf_counter() - started, kept, workload)


def sweep(plan: Plan, key: str, values: Sequence[Any], *, workers: int = 1,
          progress: Progress | None = None, base: Result | None = None) -> list[tuple[Any, Result]]:
    """The same plan once per value of one parameter (common random numbers across values); a
    value equal to the plan's own reuses ``base``, the plan's result."""
    out = []
    for value in values:
        config = plan.config.with_overrides({key: value})
        if base is not None and config == plan.config:
            out.append((value, base))
            continue
        varied = Plan(plan.scope, plan.days, plan.modes, plan.seed, config)
        out.append((value, simulate(varied, workers=workers, progress=progress)))
    return out
