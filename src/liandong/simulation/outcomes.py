"""What a run records per case, and how a reporter rates the result."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from liandong.simulation.config import Rating

FACTS = 5  # place, matter, severity, scope, demand
FRONT, MIDDLE, BACK = 0, 1, 2  # stages: reaching the owner, handling, joint closure


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
    stage: NDArray[np.int8]  # breaches: the stage that took longest (front, middle, back), else -1
    attributed: NDArray[np.int8]  # breaches: the stage accountability falls on, else -1
    busy: dict[int, float]  # working minutes of handling per level
    capacity: dict[int, float]  # handler-working-minutes available per level over the run
    events: int


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
