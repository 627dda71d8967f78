"""Accountability measured on each simulated timeline, by the platform's own rule (issue 26).

The platform (``assessment/attribution.py``) splits an adverse case's time into holds, each held by
one party, and gives each hold to its party's stage by level — central the front end (前端),
province and city the middle (中端), county and township the back end (末端): the article's three
links of the chain. A run records, per case, the time each stage held it (``held``); the stage
that held the breached case longest is where the delay truly lay.

What differs between modes is only what they *record*. With the shared record (信息对称) every
hold is timestamped, so the rule applied to the record finds the stage that held the time.
Without it nothing but the case's last holder is on file, and the default practice the article
describes applies: accountability falls on whoever held the case last — most often the
grassroots (责任追究往往倾向于对基层职能部门进行惩罚). Fairness is then an outcome: how often the
last holder is also the stage that held the time.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from liandong.assessment.attribution import STAGES, stage_of

# the platform's stage (0 front, 1 middle, 2 back) of a holder at each level, central … township
STAGE_OF_LEVEL = tuple(STAGES.index(stage_of(level)) for level in range(5))


def truth(held: NDArray[np.float64], breached: NDArray[np.bool_]) -> NDArray[np.int8]:
    """Breached cases: the stage that held the case longest (ties to the earlier stage); else -1."""
    stage = np.argmax(held, axis=1).astype(np.int8)
    return np.where(breached, stage, -1).astype(np.int8)


def attributed(held: NDArray[np.float64], breached: NDArray[np.bool_], last_level: NDArray[np.int8],
               *, shared_record: bool) -> NDArray[np.int8]:
    """Breached cases: the stage accountability falls on, given what the mode records; else -1.

    With the shared record the rule reads every hold (the same computation as ``truth``); without
    it only the last holder is known and takes the blame (a case never held by anyone: the back
    end, where the citizen first turned)."""
    if shared_record:
        return truth(held, breached)
    table = np.asarray((*STAGE_OF_LEVEL, STAGE_OF_LEVEL[-1]), np.int8)  # index -1: the back end
    return np.where(breached, table[last_level], -1).astype(np.int8)
