"""热点与激增预警: hotspots and surge alerts per jurisdiction and matter, candidates for the monthly
priority problem (每月一题) and the public-opinion heat (舆情热度) of a case.

Everything works on plain arrays (times, place codes, matter codes), so the platform and the
simulator feed the same code. A series is one jurisdiction (a township, rolled up to its county and
city) and one matter type.

Surge test, at a moment T, for every series s:

- observed ``w``: reports in the window [T − 24 h, T);
- baseline ``b``: reports in the 28 days before the window (never the window itself);
- ``ρ = Λ(window) / Λ(baseline)``: the share of volume the window should hold, from an intensity
  λ(hour) = hour-of-day rate × day-of-week rate estimated on all reports of the baseline (pooled over
  the series, so a Monday morning is not a surge); expected = b·ρ;
- p-value = max(conditional binomial test of w out of w + b with success ρ / (1 + ρ) — the exact test
  of two Poisson rates, which allows for the noise of the baseline itself —, Poisson upper tail of w
  against the floor rate): a sparse series must beat the floor, so single reports raise nothing;
- an alert when w ≥ ``min_count`` and p ≤ α / m (Bonferroni over the m series with reports in the
  window or the baseline), or by Benjamini–Hochberg at level α.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats  # type: ignore[import-untyped]

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.worktime import SHANGHAI

Times = Sequence[datetime] | NDArray[np.float64]
DEFAULT_LEVELS = (Level.TOWNSHIP, Level.COUNTY, Level.CITY)


@dataclass(frozen=True, slots=True)
class Alert:
    """A series whose volume departs from its baseline: since ``started``, raised at ``fired``."""

    jurisdiction: str
    level: Level
    matter: str
    observed: int
    expected: float
    p_value: float
    started: datetime
    fired: datetime


@dataclass(frozen=True)
class _Data:
    """Reports as minutes from ``epoch``, once per series they count in, sorted by (series, time)."""

    epoch: datetime
    minutes: NDArray[np.float64]  # every report once
    series: list[tuple[str, Level, str]]  # (jurisdiction, level, matter)
    key: NDArray[np.float64]  # series index * span + (minutes - low), sorted
    low: float  # the earliest report (or 0)
    span: float  # more than the range of (minutes - low)
    grid: float  # a local hour boundary, minutes from the epoch
    hour0: datetime  # that boundary in local time
    k_first: int  # the hour (from ``grid``) of the first entry of ``hourly``
    hourly: NDArray[np.float64]  # all reports per local hour

    def count_before(self, series: NDArray[np.float64],
                     moment: float | NDArray[np.float64]) -> NDArray[np.int64]:
        """Position in ``key`` of the first report of each series at or after ``moment``."""
        offset = np.clip(np.asarray(moment, dtype=np.float64) - self.low, 0.0, self.span - 1.0)
        found: NDArray[np.int64] = np.searchsorted(self.key, series * self.span + offset)
        return found

    def moment(self, minutes: float) -> datetime:
        return self.epoch + timedelta(minutes=minutes)


def _minutes(times: Times, origin: datetime | None) -> tuple[datetime, NDArray[np.float64]]:
    if isinstance(times, np.ndarray):
        if origin is None:
            raise DomainError("insight.bad_parameter", name="origin", value="None",
                              allowed="a time-zone-aware datetime when times are minutes")
        return origin, np.asarray(times, dtype=np.float64)
    if any(t.utcoffset() is None for t in times):
        raise DomainError("insight.naive_time")
    epoch = origin or (min(times) if len(times) else datetime(2000, 1, 1, tzinfo=SHANGHAI))
    return epoch, np.array([(t - epoch).total_seconds() / 60.0 for t in times], dtype=np.float64)


class SurgeDetector:
    """Surge alerts per jurisdiction × matter against a trailing baseline (突发诉求激增预警)."""

    def __init__(self, hierarchy: HierarchyIndex, *, baseline_days: float = 28, window_hours: float = 24,
                 alpha: float = 0.001, min_count: int = 5, floor_per_day: float = 0.5,
                 min_baseline_days: float = 7, levels: Sequence[Level] = DEFAULT_LEVELS,
                 correction: Literal["bonferroni", "bh"] = "bonferroni", tz: tzinfo = SHANGHAI) -> None:
        if baseline_days <= 0 or window_hours <= 0 or not 0 < alpha < 1 or min_count < 1 \
                or floor_per_day < 0 or not 0 < min_baseline_days <= baseline_days:
            raise DomainError("insight.bad_parameter", name="SurgeDetector",
                              value=f"baseline_days={baseline_days}, window_hours={window_hours}, "
                                    f"alpha={alpha}, min_count={min_count}, floor_per_day={floor_per_day}",
                              allowed="positive values, 0 < alpha < 1, min_baseline_days ≤ baseline_days")
        self.hierarchy = hierarchy
        self.baseline = baseline_days * 1440.0
        self.window = window_hours * 60.0
        self.alpha = alpha
        self.min_count = min_count
        self.floor = floor_per_day * window_hours / 24.0  # expected reports in a window, at least
        self.min_baseline = min_baseline_days * 1440.0
        self.levels = tuple(levels)
        self.correction = correction
        self.tz = tz

    # -- input ------------------------------------------------------------------------------------
    def _prepare(self, times: Times, places: Sequence[str], matters: Sequence[str],
                 origin: datetime | None) -> _Data:
        epoch, minutes = _minutes(times, origin)
        if not len(minutes) == len(places) == len(matters):
            raise DomainError("insight.bad_parameter", name="times/places/matters",
                              value=f"{len(minutes)}/{len(places)}/{len(matters)}", allowed="equal lengths")
        pairs, inverse = np.unique(np.array([f"{p}|{m}" for p, m in zip(places, matters, strict=True)],
                                            dtype=object), return_inverse=True)
        index: dict[tuple[str, Level, str], int] = {}
        rows: list[NDArray[np.int64]] = []
        ids: list[int] = []
        by_pair = np.argsort(inverse.ravel(), kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(inverse.ravel(), minlength=len(pairs)))])
        for k, pair in enumerate(pairs.tolist()):
            place, _, matter = pair.partition("|")
            members = by_pair[bounds[k]:bounds[k + 1]]
            for level in self.levels:
                unit = self.hierarchy.ancestor_at(place, level)
                if unit is None or self.hierarchy.get(place).level < level:
                    continue
                s = index.setdefault((unit.code, level, matter), len(index))
                rows.append(members)
                ids.append(s)
        low = float(minutes.min()) if len(minutes) else 0.0
        span = (float(minutes.max()) - low + 2.0) if len(minutes) else 2.0
        parts = [s * span + (minutes[r] - low) for s, r in zip(ids, rows, strict=True)]
        key = np.sort(np.concatenate(parts)) if parts else np.zeros(0)
        local = epoch.astimezone(self.tz)
        hour0 = local.replace(minute=0, second=0, microsecond=0)
        grid = (hour0 - local).total_seconds() / 60.0
        hour = np.floor((minutes - grid) / 60.0).astype(np.int64)
        k_first = int(hour.min()) if len(hour) else 0
        hourly = np.bincount(hour - k_first).astype(np.float64) if len(hour) else np.zeros(0)
        return _Data(epoch, minutes, list(index), key, low, span, grid, hour0, k_first, hourly)

    # -- the test at one moment ------------------------------------------------------------------
    def _rho(self, data: _Data, b0: float, w0: float, t: float) -> float:
        """Λ(window) / Λ(baseline) under the pooled hour-of-day × day-of-week intensity."""
        g, hour0 = data.grid, data.hour0
        k0, k1 = math.floor((b0 - g) / 60), math.ceil((t - g) / 60)
        k = np.arange(k0, k1)
        edges = g + 60.0 * np.arange(k0, k1 + 1)
        hod = (hour0.hour + k) % 24
        dow = (hour0.weekday() + (hour0.hour + k) // 24) % 7
        pos = k - data.k_first
        inside = (pos >= 0) & (pos < len(data.hourly))
        hourly = np.zeros(len(k))
        hourly[inside] = data.hourly[pos[inside]]
        full = (edges[:-1] >= b0) & (edges[1:] <= w0)  # baseline hours wholly observed
        hod_rate = np.bincount(hod[full], hourly[full], 24) / np.maximum(np.bincount(hod[full], None, 24), 1)
        dow_rate = np.bincount(dow[full], hourly[full], 7) / np.maximum(np.bincount(dow[full], None, 7), 1)
        if hod_rate.sum() <= 0:
            return (t - w0) / max(w0 - b0, 1.0)
        seen = np.bincount(dow[full], None, 7) > 0
        dow_rate = np.where(seen & (dow_rate > 0), dow_rate, dow_rate[seen].mean())
        lam = (hod_rate + 1e-3 * hod_rate.mean())[hod] * dow_rate[dow]
        cum = np.concatenate([[0.0], np.cumsum(lam)])
        at = np.interp([b0, w0, t], edges, cum)
        return float((at[2] - at[1]) / max(at[1] - at[0], 1e-12))

    def _test(self, data: _Data, t: float) -> list[Alert]:
        w0 = t - self.window
        b0 = max(w0 - self.baseline, data.low)
        if w0 - b0 < self.min_baseline or not data.series:
            return []
        n = len(data.series)
        ids = np.arange(n, dtype=np.float64)
        nb, nw, nt = (data.count_before(ids, m) for m in (b0, w0, t))
        b, w = (nw - nb).astype(np.float64), (nt - nw).astype(np.float64)
        tested = int(np.count_nonzero(b + w))
        rho = self._rho(data, b0, w0, t)
        expected = b * rho
        candidates = np.flatnonzero((w >= self.min_count) & (w > expected))
        if candidates.size == 0:
            return []
        wc, bc = w[candidates], b[candidates]
        p_cond = stats.binom.sf(wc - 1, wc + bc, rho / (1.0 + rho))
        p_floor = stats.poisson.sf(wc - 1, self.floor) if self.floor > 0 else np.ones_like(wc)
        p = np.maximum(p_cond, p_floor)
        if self.correction == "bonferroni":
            hit = p <= self.alpha / tested
        else:  # Benjamini–Hochberg step-up over the tested series (the rest have p ≈ 1)
            order = np.argsort(p)
            ok = np.flatnonzero(p[order] <= self.alpha * np.arange(1, len(p) + 1) / tested)
            hit = np.zeros(len(p), bool)
            hit[order[:ok.max() + 1] if ok.size else []] = True
        out = []
        for i in np.flatnonzero(hit).tolist():
            s = int(candidates[i])
            jurisdiction, level, matter = data.series[s]
            started = self._started(data, s, w0, t, float(expected[s]))
            out.append(Alert(jurisdiction, level, matter, int(w[s]), round(float(expected[s]), 3),
                             float(p[i]), data.moment(started), data.moment(t)))
        out.sort(key=lambda a: (a.p_value, -a.observed, a.jurisdiction, a.matter))
        return out

    def _started(self, data: _Data, s: int, w0: float, t: float, expected: float) -> float:
        """The first hour of the excess: where the cumulative excess over the (flat) expectation
        is lowest before it climbs (the likeliest change point of a step increase)."""
        lo, hi = data.count_before(np.array([float(s), float(s)]), np.array([w0, t]))
        times = data.key[lo:hi] - s * data.span + data.low
        hours = max(1, math.ceil((t - w0) / 60))
        observed = np.bincount(np.clip(((times - w0) // 60).astype(np.int64), 0, hours - 1), minlength=hours)
        excess = np.concatenate([[0.0], np.cumsum(observed - expected / hours)])
        return w0 + 60.0 * min(int(np.argmin(excess)), hours - 1)

    # -- the API ----------------------------------------------------------------------------------
    def detect(self, times: Times, places: Sequence[str], matters: Sequence[str], *, as_of: datetime,
               origin: datetime | None = None) -> list[Alert]:
        """Series surging at ``as_of`` (times: aware datetimes, or minutes from ``origin``)."""
        data = self._prepare(times, places, matters, origin)
        return self._test(data, (as_of - data.epoch).total_seconds() / 60.0)

    def scan(self, times: Times, places: Sequence[str], matters: Sequence[str], *, start: datetime,
             end: datetime, origin: datetime | None = None, step_hours: float = 1.0) -> list[Alert]:
        """Test every ``step_hours`` from ``start`` to ``end`` as if live; one alert per episode
        (a series that keeps alerting is reported once, when it first fired)."""
        if step_hours <= 0:
            raise DomainError("insight.bad_parameter", name="step_hours", value=str(step_hours),
                              allowed="> 0")
        data = self._prepare(times, places, matters, origin)
        t, stop = ((x - data.epoch).total_seconds() / 60.0 for x in (start, end))
        active: set[tuple[str, Level, str]] = set()
        out: list[Alert] = []
        while t <= stop + 1e-9:
            alerts = self._test(data, t)
            now = {(a.jurisdiction, a.level, a.matter) for a in alerts}
            out.extend(a for a in alerts if (a.jurisdiction, a.level, a.matter) not in active)
            active = now
            t += 60.0 * step_hours
        return out


# -- 每月一题: the monthly priority problem -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PriorityCandidate:
    """A jurisdiction × matter proposed as the month's priority problem, with its components."""

    jurisdiction: str
    matter: str
    volume: int  # reports in the latest month
    months_present: int  # of the last ``months`` months with at least ``min_monthly`` reports
    recurrence: float  # months_present / months
    repeat: float  # share of the latest month's reports from townships that reported it before
    dissatisfaction: float  # unsatisfied share of the rated, shrunk towards the overall share
    score: float


def priority_candidates(hierarchy: HierarchyIndex, times: Times, places: Sequence[str],
                        matters: Sequence[str], *, as_of: datetime, origin: datetime | None = None,
                        satisfied: Sequence[bool | None] | None = None, level: Level = Level.COUNTY,
                        months: int = 6, min_monthly: int = 3, prior: float = 5.0,
                        top: int = 10) -> list[PriorityCandidate]:
    """Candidates for 每月一题, best first. Months are the 30-day periods ending at ``as_of``.

    score = 0.4·v + 0.2·recurrence + 0.2·repeat + 0.2·dissatisfaction, all in 0–1, where
    v = ln(1 + volume) / ln(1 + the largest volume) over the candidates; recurrence = months with at
    least ``min_monthly`` reports / ``months``; repeat = share of the latest month's reports from
    townships that reported the same matter in an earlier month; dissatisfaction = (unsatisfied +
    prior·overall share) / (rated + prior) over all the months (``satisfied``: True, False, or None
    for unrated). Only pairs with reports in the latest month are candidates.
    """
    if months < 1 or top < 1 or min_monthly < 1 or prior < 0:
        raise DomainError("insight.bad_parameter", name="months/top/min_monthly/prior",
                          value=f"{months}/{top}/{min_monthly}/{prior}", allowed="≥ 1, prior ≥ 0")
    epoch, minutes = _minutes(times, origin)
    age = ((as_of - epoch).total_seconds() / 60.0 - minutes) / (30 * 1440.0)
    period = np.floor(age).astype(np.int64)  # 0: the latest month
    ratings = [None] * len(minutes) if satisfied is None else list(satisfied)
    if len(ratings) != len(minutes):
        raise DomainError("insight.bad_parameter", name="satisfied", value=str(len(ratings)),
                          allowed=f"{len(minutes)} ratings, one per report")
    rated = np.array([s is not None for s in ratings], bool)
    unhappy = np.array([s is False for s in ratings], bool)
    keep = (age >= 0) & (period < months)
    overall = float(unhappy[keep].sum() / max(rated[keep].sum(), 1))
    groups: dict[tuple[str, str], list[int]] = {}
    for i in np.flatnonzero(keep).tolist():
        unit = hierarchy.ancestor_at(places[i], level)
        if unit is not None and hierarchy.get(places[i]).level >= level:
            groups.setdefault((unit.code, matters[i]), []).append(i)
    rows = []
    for (code, matter), members in groups.items():
        idx = np.array(members)
        per = np.bincount(period[idx], minlength=months)
        if per[0] == 0:
            continue
        latest = idx[period[idx] == 0]
        before = {places[i] for i in idx[period[idx] > 0].tolist()}
        repeat = sum(places[i] in before for i in latest.tolist()) / len(latest)
        weight = rated[idx].sum() + prior
        unsatisfied = (unhappy[idx].sum() + prior * overall) / weight if weight > 0 else 0.0
        rows.append((code, matter, int(per[0]), int((per >= min_monthly).sum()), repeat, float(unsatisfied)))
    top_volume = max((r[2] for r in rows), default=1)
    out = []
    for code, matter, volume, present, repeat, unsatisfied in rows:
        v = math.log1p(volume) / math.log1p(top_volume)
        score = 0.4 * v + 0.2 * present / months + 0.2 * repeat + 0.2 * unsatisfied
        out.append(PriorityCandidate(code, matter, volume, present, present / months, round(repeat, 4),
                                     round(unsatisfied, 4), round(score, 4)))
    out.sort(key=lambda c: (-c.score, -c.volume, c.jurisdiction, c.matter))
    return out[:top]


# -- 舆情热度: public-opinion heat ----------------------------------------------------------------------
HEAT_SCALE = 7.0


def opinion_heat(*, duplicates: int, similar: int, expected: float = 0.0, scale: float = HEAT_SCALE) -> int:
    """Public-opinion heat of a case, 0–100, an input to escalation (the platform escalates at the
    policy's ``heat_threshold``, 80).

    heat = round(100 · (1 − exp(−E / scale))), E = duplicates + ½ · max(0, similar − expected):
    ``duplicates`` are reports merged into the case (the same problem reported again), ``similar``
    other reports of the matter at the same township in the window around it, ``expected`` their
    baseline count (SurgeDetector's expectation). With scale 7, one duplicate gives 13, five give 51,
    a dozen (a 舆情 burst of the simulator) 82: past the threshold.
    """
    if duplicates < 0 or similar < 0 or expected < 0 or scale <= 0:
        raise DomainError("insight.bad_parameter", name="opinion_heat",
                          value=f"duplicates={duplicates}, similar={similar}, expected={expected}",
                          allowed="counts ≥ 0, scale > 0")
    excess = duplicates + 0.5 * max(0.0, similar - expected)
    return max(0, min(100, round(100.0 * (1.0 - math.exp(-excess / scale)))))
