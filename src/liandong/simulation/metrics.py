"""What a run measured, as tallies that add up across partitions (provinces run in separate
processes), and the figures derived from them.

Times to the owner and to resolution are kept as histograms over log-spaced bins, so quantiles
of a national run come from the merged histogram (to within one bin, about 5 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from liandong.simulation.config import LEVEL_KEYS
from liandong.simulation.outcomes import FACTS, Outcomes

# Histogram bins in hours: 0 and then log-spaced from 1 minute to 2 years.
BINS = np.concatenate([[0.0], np.geomspace(1 / 60, 24 * 730, 240), [np.inf]])
CLASSES = 5  # scope classes by the level of the places' lowest common ancestor
MAX_HOPS = 6
OVERHEADS = ("copresence", "dispatch")
SUMS = ("cases", "resolved", "reached", "breached", "owner_hours", "resolve_hours", "facts",
        "misroutes", "escalations", "copresent", "eligible", "satisfied", "basically", "rated",
        "fair", "breach_stage_front", "breach_stage_middle", "breach_stage_back")


@dataclass
class Tally:
    """Sums per scope class (0 central … 4 township), histograms, fidelity by relay hops, load."""

    mode: str
    sums: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    owner_hist: NDArray[np.float64] = field(default_factory=lambda: np.zeros((CLASSES, len(BINS) - 1)))
    resolve_hist: NDArray[np.float64] = field(default_factory=lambda: np.zeros((CLASSES, len(BINS) - 1)))
    # per hop count: facts intact, cases, hours on the hops, hours to the right owner, cases reaching it
    hop_facts: NDArray[np.float64] = field(default_factory=lambda: np.zeros((MAX_HOPS + 1, 5)))
    busy: NDArray[np.float64] = field(default_factory=lambda: np.zeros(5))
    capacity: NDArray[np.float64] = field(default_factory=lambda: np.zeros(5))
    span: NDArray[np.float64] = field(default_factory=lambda: np.zeros(5))  # capacity until the last event
    waited: NDArray[np.float64] = field(default_factory=lambda: np.zeros(5))  # minutes in line
    started: NDArray[np.float64] = field(default_factory=lambda: np.zeros(5))  # jobs taken up
    overhead: NDArray[np.float64] = field(default_factory=lambda: np.zeros(2))  # co-presence, dispatch
    events: int = 0

    def __post_init__(self) -> None:
        for key in SUMS:
            self.sums.setdefault(key, np.zeros(CLASSES))

    @classmethod
    def of(cls, o: Outcomes) -> Tally:
        t = cls(o.mode)
        k = o.scope_level.astype(np.int64)

        def add(key: str, values: NDArray[np.float64] | NDArray[np.bool_]) -> None:
            t.sums[key] += np.bincount(k, weights=np.asarray(values, float), minlength=CLASSES)

        done = ~np.isnan(o.resolved)
        reached = ~np.isnan(o.owner_at)
        owner_h = np.where(reached, (o.owner_at - o.arrival) / 60, 0.0)
        resolve_h = np.where(done, (o.resolved - o.arrival) / 60, 0.0)
        breached = ~(done & (o.resolved <= o.due))
        add("cases", np.ones(len(k)))
        add("resolved", done)
        add("reached", reached)
        add("breached", breached)
        add("owner_hours", owner_h)
        add("resolve_hours", resolve_h)
        add("facts", o.facts.astype(float))
        add("misroutes", o.misroutes.astype(float))
        add("escalations", o.escalations.astype(float))
        eligible = o.scope_level < 4  # cross-boundary cases (major ones are counted by the route)
        add("eligible", eligible)
        add("copresent", eligible & o.copresent)
        add("satisfied", o.rating == 0)
        add("basically", o.rating == 1)
        add("rated", o.rating >= 0)
        add("fair", breached & (o.stage == o.attributed))
        add("breach_stage_front", o.stage == 0)
        add("breach_stage_middle", o.stage == 1)
        add("breach_stage_back", o.stage == 2)
        for hours, mask, hist in ((owner_h, reached, t.owner_hist), (resolve_h, done, t.resolve_hist)):
            b = np.clip(np.searchsorted(BINS, hours[mask], side="right") - 1, 0, len(BINS) - 2)
            np.add.at(hist, (k[mask], b), 1)
        hops = np.clip(o.hops, 0, MAX_HOPS).astype(np.intp)
        np.add.at(t.hop_facts, (hops, 0), o.facts.astype(float))
        np.add.at(t.hop_facts, (hops, 1), 1)
        if o.climb is not None:
            np.add.at(t.hop_facts, (hops, 2), o.climb / 60)
        np.add.at(t.hop_facts, (hops[reached], 3), owner_h[reached])
        np.add.at(t.hop_facts, (hops[reached], 4), 1)
        for lv, minutes in o.busy.items():
            t.busy[lv] += minutes
        for lv, minutes in o.capacity.items():
            t.capacity[lv] += minutes
        for lv, minutes in (o.span or {}).items():
            t.span[lv] += minutes
        for lv, (waited, started) in (o.wait or {}).items():
            t.waited[lv] += waited
            t.started[lv] += started
        if o.overhead:
            t.overhead += [o.overhead.get(k, 0.0) for k in OVERHEADS]
        t.events = o.events
        return t

    def merge(self, other: Tally) -> Tally:
        out = Tally(self.mode)
        for key in SUMS:
            out.sums[key] = self.sums[key] + other.sums[key]
        out.owner_hist = self.owner_hist + other.owner_hist
        out.resolve_hist = self.resolve_hist + other.resolve_hist
        out.hop_facts = self.hop_facts + other.hop_facts
        for name in ("busy", "capacity", "span", "waited", "started", "overhead"):
            setattr(out, name, getattr(self, name) + getattr(other, name))
        out.events = self.events + other.events
        return out

    # -- derived figures --------------------------------------------------------------------
    def figures(self, scope_class: int | None = None) -> dict[str, float]:
        """The headline figures, overall or for one scope class."""
        sl = slice(None) if scope_class is None else slice(scope_class, scope_class + 1)
        s = {key: float(v[sl].sum()) for key, v in self.sums.items()}
        n = s["cases"]

        def ratio(a: float, b: float) -> float:
            return a / b if b else float("nan")

        owner = self.owner_hist[sl].sum(axis=0)
        resolve = self.resolve_hist[sl].sum(axis=0)
        return {
            "cases": n,
            "owner_hours_mean": ratio(s["owner_hours"], s["reached"]),
            "owner_hours_p90": quantile(owner, 0.9),
            "reached_share": ratio(s["reached"], n),
            "resolve_days_mean": ratio(s["resolve_hours"], s["resolved"]) / 24,
            "resolve_days_p50": quantile(resolve, 0.5) / 24,
            "resolve_days_p90": quantile(resolve, 0.9) / 24,
            "breach_rate": ratio(s["breached"], n),
            "fidelity": ratio(s["facts"], n * FACTS),
            "misroutes_per_100": 100 * ratio(s["misroutes"], n),
            "escalations_per_100": 100 * ratio(s["escalations"], n),
            "copresence": ratio(s["copresent"], s["eligible"]),
            "satisfaction": ratio(s["satisfied"] + s["basically"], s["rated"]),
            "accountability_fairness": ratio(s["fair"], s["breached"]),
        }

    def load(self) -> dict[str, float]:
        return {LEVEL_KEYS[lv]: (self.busy[lv] / self.capacity[lv] if self.capacity[lv] else float("nan"))
                for lv in range(5)}

    def fidelity_by_hops(self) -> list[tuple[int, float, float]]:
        """(hops, cases, mean share of facts intact) for each hop count that occurred."""
        return [(h, float(row[1]), float(row[0] / (row[1] * FACTS))) for h, row in enumerate(self.hop_facts)
                if row[1]]

    def hops(self) -> list[tuple[int, float, float, float, float]]:
        """(hops, cases, facts intact, hours on the hops, hours to the right owner) per hop count."""
        return [(h, float(n), float(f / (n * FACTS)), float(climb / n), float(owner / reached) if reached
                 else float("nan")) for h, (f, n, climb, owner, reached) in enumerate(self.hop_facts) if n]

    def queues(self) -> dict[str, tuple[float, float, float]]:
        """Per level: utilisation until the last event, offered load over the reporting days (above
        1: the level cannot keep up and its line grows), and the mean wait in line in hours."""
        def ratio(a: float, b: float) -> float:
            return a / b if b else float("nan")
        return {LEVEL_KEYS[lv]: (ratio(self.busy[lv], self.span[lv]), ratio(self.busy[lv], self.capacity[lv]),
                                 ratio(self.waited[lv], self.started[lv]) / 60) for lv in range(5)}

    def costs(self) -> dict[str, float]:
        """Staff hours per 100 cases beyond the handling itself (co-presence, the 12345 desk) and of
        handling at all levels."""
        n = float(self.sums["cases"].sum())
        per = 100 / 60 / n if n else float("nan")
        return {"copresence": self.overhead[0] * per, "dispatch": self.overhead[1] * per,
                "handling": float(self.busy.sum()) * per}


def quantile(hist: NDArray[np.float64], q: float) -> float:
    """The q-quantile of a histogram over ``BINS`` (linear within the bin)."""
    total = hist.sum()
    if not total:
        return float("nan")
    cum = np.cumsum(hist)
    i = int(np.searchsorted(cum, q * total, side="left"))
    lo, hi = BINS[i], BINS[i + 1] if np.isfinite(BINS[i + 1]) else BINS[i]
    before = cum[i - 1] if i else 0.0
    share = (q * total - before) / hist[i] if hist[i] else 0.0
    return float(lo + (hi - lo) * share)
