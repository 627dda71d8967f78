"""The retelling model of relay (逐级上报, issue 26 point 5): each hop up is a retelling — a report
written from the one received — in which each key fact survives independently with probability
``1 − p`` (serial reproduction, Bartlett 1932). After ``h`` hops a fact survives with ``(1 − p)^h``.

``p`` is not an input: it is fitted to observed retention figures of retelling chains
(``[relay.retelling]``: after ``hops`` retellings a share ``retained`` of the details remains) by
least squares on the log of the retained share, ``ln s = h · ln(1 − p)``. The fit and its residuals
go to the report's calibration table; ``relay.fact_loss``, when set, overrides the fitted value
(the tests that neutralise every relay cost set it to 0; the tornado sweeps it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Fit:
    loss_per_hop: float  # p, the probability that a retelling drops a key fact
    residuals: tuple[float, ...]  # predicted − observed retained share, per observation

    def retained(self, hops: float) -> float:
        """The model's share of a fact's survival after ``hops`` retellings."""
        return (1.0 - self.loss_per_hop) ** hops


def fit(observations: Sequence[tuple[float, float]]) -> Fit:
    """``p`` from (hops, retained share) pairs: the least-squares slope through the origin of
    ``ln s`` on ``h`` (each observation weighted by its hops, as a chain of ``h`` retellings)."""
    pairs = [(h, s) for h, s in observations if h > 0 and 0 < s <= 1]
    if not pairs:
        raise ValueError("no usable retelling observation (hops > 0, 0 < retained ≤ 1)")
    slope = sum(h * math.log(s) for h, s in pairs) / sum(h * h for h, _ in pairs)
    p = 1.0 - math.exp(slope)
    return Fit(p, tuple((1.0 - p) ** h - s for h, s in pairs))
