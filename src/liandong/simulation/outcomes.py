"""What a run records per case, and how a reporter rates the result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from liandong.domain.hierarchy import Level
from liandong.simulation.accountability import attributed, truth
from liandong.simulation.config import Rating

if TYPE_CHECKING:
    from liandong.simulation.model import Run

FACTS = 5  # place, matter, severity, scope, demand
FRONT, MIDDLE, BACK = 0, 1, 2  # the article's links: central; province and city; county and township


@dataclass(frozen=True)
class Outcomes:
    """One row per case of the workload (NaN: never happened within the run)."""

    mode: str
    arrival: NDArray[np.float64]
    owner_at: NDArray[np.float64]  # the right owner received it
    lead_done: NDArray[np.float64]
    resolved: NDArray[np.float64]
    due: NDArray[np.float64]  # the citizen's deadline, counted from the report
    facts: NDArray[np.int8]  # key facts intact at the decision maker (of 5)
    misroutes: NDArray[np.int16]
    hops: NDArray[np.int16]
    escalations: NDArray[np.int16]
    level: NDArray[np.int8]  # level of the department that finally handled it
    scope_level: NDArray[np.int8]  # level of the lowest common ancestor of the places
    copresent: NDArray[np.bool_]
    rating: NDArray[np.int8]  # 0 satisfied, 1 basically, 2 unsatisfied, -1 none
    stage: NDArray[np.int8]  # breaches: the stage that held the case longest (front, middle, back), else -1
    attributed: NDArray[np.int8]  # breaches: the stage accountability falls on, else -1
    busy: dict[int, float]  # working minutes of handling per level
    capacity: dict[int, float]  # handler-working-minutes available per level over the reporting days
    events: int
    held: NDArray[np.float64] | None = None  # (n, 3) minutes each stage held the case
    climb: NDArray[np.float64] | None = None  # minutes spent on relay hops (reports written and sent up)
    span: dict[int, float] | None = None  # handler-working-minutes available per level until the last event
    wait: dict[int, tuple[float, int]] | None = None  # per level: minutes waited in line, jobs started
    overhead: dict[str, float] | None = None  # staff minutes beyond handling: co-presence, dispatch desk


def rate(cfg_rating: Rating, on_time: NDArray[np.bool_], complete: NDArray[np.bool_],
         u: NDArray[np.float64]) -> NDArray[np.int8]:
    """满意 / 基本满意 / 不满意 by timeliness and whether the demand reached the decision maker."""
    table = {(True, True): cfg_rating.on_time_complete, (False, True): cfg_rating.late_complete,
             (True, False): cfg_rating.on_time_incomplete, (False, False): cfg_rating.late_incomplete}
    out = np.full(len(u), 2, np.int8)
    for (t, c), (sat, basic) in table.items():
        rows = (on_time == t) & (complete == c)
        out[rows & (u < sat)] = 0
        out[rows & (u >= sat) & (u < sat + basic)] = 1
    return out


def collect(run: Run) -> Outcomes:
    """What a finished run records per case, with fairness measured on each case's holds."""
    world = run.world
    w = world.workload
    arrival = w.time
    due = np.array([world.due(t, c) for c, t in enumerate(arrival.tolist())])
    resolved = np.asarray(run.resolved, dtype=float)
    done = ~np.isnan(resolved)
    on_time = done & (resolved <= due)
    complete = ~np.asarray(run.demand_lost) & ~np.asarray(run.partial)
    rating = np.where(done, rate(run.cfg.rating, on_time, complete, w.u[:, 1]), -1).astype(np.int8)
    held = np.asarray(run.held).reshape(run.n, 3)
    breached = ~on_time
    last = np.asarray(run.holder, np.int8)
    days = float(np.ceil(arrival[-1] / 1440.0)) if len(arrival) else 0.0
    working = world.work.working_minutes(days * 1440.0)
    span = world.work.working_minutes(run.ev.now)
    capacity: dict[int, float] = {}
    spans: dict[int, float] = {}
    for p, cap in enumerate(run.servers.capacity):
        lv = world.pool_level[p]
        capacity[lv] = capacity.get(lv, 0.0) + cap * working
        spans[lv] = spans.get(lv, 0.0) + cap * span
    return Outcomes(
        mode=run.mode, arrival=arrival, owner_at=np.asarray(run.owner_at, dtype=float),
        lead_done=np.asarray(run.lead_done, dtype=float), resolved=resolved, due=due,
        facts=np.asarray(run.facts, np.int8), misroutes=np.asarray(run.misroutes, np.int16),
        hops=np.asarray(run.hops, np.int16), escalations=np.asarray(run.escalations, np.int16),
        level=np.asarray(run.level, np.int8), scope_level=scope_levels(run),
        copresent=np.asarray(run.copresent, np.bool_), rating=rating, stage=truth(held, breached),
        attributed=attributed(held, breached, last, shared_record=run.shared),
        busy={lv: b for lv, b in enumerate(run.busy) if b}, capacity=capacity,
        events=run.ev.processed, held=held, climb=np.asarray(run.climb), span=spans,
        wait={lv: (run.waited[lv], run.started[lv]) for lv in range(5)}, overhead=dict(run.overhead))


def scope_levels(run: Run) -> NDArray[np.int8]:
    """The level of the lowest common ancestor of each case's places (its scope class)."""
    h = run.world.rules.router.hierarchy
    codes = run.world.workload.codes
    out = np.full(run.n, int(Level.TOWNSHIP), np.int8)
    for c in np.flatnonzero(run.world.workload.extra >= 0).tolist():
        out[c] = int(h.lca_pair(codes[run.place[c]], codes[run.extra[c]]).level)
    return out
