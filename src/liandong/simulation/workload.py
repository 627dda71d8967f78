"""The seeded workload: who reports what, where and when, over the real national list.

Everything is drawn up front with numpy from one generator, so two runs with the same seed see
the same reports and the same per-case random numbers (common random numbers: a capacity or
threshold sweep then differs only by the design, not by luck).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from difflib import get_close_matches

import numpy as np
from numpy.typing import NDArray

from liandong.domain.catalogue import Catalogue, parse_scope
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Kind, Level
from liandong.domain.responsibility import MatterType, Severity
from liandong.simulation.config import SEVERITY_KEYS, SimulationConfig

URBAN = frozenset({Kind.SUBDISTRICT})
SEVERITIES = tuple(Severity(k) for k in SEVERITY_KEYS)


@dataclass(frozen=True)
class Workload:
    """Reports sorted by time. ``place`` and ``extra`` index ``codes`` (extra = -1: one place)."""

    codes: list[str]  # townships of the scope first, then units outside it that reports touch
    townships: int  # how many of ``codes`` are the scope's own townships
    matters: list[MatterType]
    time: NDArray[np.float64]  # minutes from the start
    place: NDArray[np.int32]
    extra: NDArray[np.int32]
    matter: NDArray[np.int16]
    severity: NDArray[np.int8]  # index into SEVERITIES
    heat: NDArray[np.int16]
    template: NDArray[np.int32]  # a draw for the report text
    service: NDArray[np.float64]  # lognormal factor (mean 1) of the lead's service time
    assist: NDArray[np.float64]  # the same for assisting parts
    ack: NDArray[np.float64]  # exponential factor (mean 1) of the time to acknowledge
    u: NDArray[np.float64]  # (n, 4) uniforms: misroute, rating, silo outcome, spare

    def __len__(self) -> int:
        return len(self.time)


def scope_townships(hierarchy: HierarchyIndex, scope: str) -> list[Jurisdiction]:
    root = parse_scope(scope, hierarchy).root
    units = [u for u in hierarchy.descendants(root) if u.level is Level.TOWNSHIP]
    if not units:
        raise DomainError("simulation.empty_scope", scope=scope)
    return units


def _kind_weight(config: SimulationConfig, kind: Kind) -> float:
    weights = config.arrivals.kind_weight
    return weights.get(kind.value, weights.get("other", 1.0))


def _matter_weights(config: SimulationConfig, matters: list[MatterType], rural: bool) -> NDArray[np.float64]:
    per_category: dict[str, int] = {}
    for m in matters:
        per_category[m.category] = per_category.get(m.category, 0) + 1
    cw = config.matters.category_weight
    boost = config.matters.rural_boost if rural else {}
    w = np.array([cw.get(m.category, 0.0) * boost.get(m.category, 1.0) / per_category[m.category]
                  for m in matters])
    if w.sum() <= 0:
        w = np.ones(len(matters))
    return w / w.sum()


class _Neighbours:
    """Units a report may also touch: a sibling township, or a township further away."""

    def __init__(self, hierarchy: HierarchyIndex, rng: np.random.Generator) -> None:
        self.h = hierarchy
        self.rng = rng
        self._townships: dict[str, list[str]] = {}

    def _under(self, code: str) -> list[str]:
        found = self._townships.get(code)
        if found is None:
            found = [u.code for u in self.h.descendants(code) if u.level is Level.TOWNSHIP]
            self._townships[code] = found
        return found

    def pick(self, code: str, level: Level) -> str | None:
        """A township under the same ancestor at ``level`` but not under the same child of it."""
        path = self.h.path(code)
        above = next((u for u in path if u.level == level), None)
        below = next((u for u in path if u.level > level), None)
        if above is None or below is None:
            return None
        pool = self._under(above.code)
        for _ in range(8):
            other = pool[int(self.rng.integers(len(pool)))]
            if not self.h.is_ancestor(below.code, other):
                return other
        return None


def generate(hierarchy: HierarchyIndex, catalogue: Catalogue, config: SimulationConfig, *,
             scope: str, days: int, seed: int | np.random.SeedSequence) -> Workload:
    """About ``days`` days of reports from the townships of ``scope``."""
    rng = np.random.default_rng(seed)
    units = scope_townships(hierarchy, scope)
    matters = list(catalogue.matters.matters.values())
    national = [_kind_weight(config, u.kind) for u in hierarchy.descendants(hierarchy.root.code)
                if u.level is Level.TOWNSHIP]
    norm = float(np.mean(national)) if national else 1.0
    weights = np.array([_kind_weight(config, u.kind) for u in units]) / norm
    daily = config.arrivals.per_township_per_day * weights  # per township per day

    prof = config.arrivals.profile
    hour = np.asarray(prof.hour, dtype=float)
    hour /= hour.sum()
    week = np.asarray(prof.weekday, dtype=float)
    week /= week.mean()
    first = config.start.date()
    dows = np.array([(first + timedelta(days=d)).weekday() for d in range(days)])
    hourly = (week[dows][:, None] * hour[None, :]).ravel()  # share of a mean day, per hour
    counts = rng.poisson(hourly * daily.sum())
    n_base = int(counts.sum())
    time = np.repeat(np.arange(days * 24, dtype=float) * 60.0, counts) + rng.random(n_base) * 60.0
    place = rng.choice(len(units), size=n_base, p=daily / daily.sum()).astype(np.int32)

    # 舆情 bursts: many reports on one matter in one township within hours.
    heat_cfg = config.heat
    per_township = heat_cfg.per_city_per_30_days * 333 / max(len(national), 1)
    bursts = int(rng.poisson(per_township * len(units) * days / 30))
    b_place = rng.choice(len(units), size=bursts, p=daily / daily.sum()).astype(np.int32)
    b_start = rng.random(bursts) * days * 1440.0
    b_size = rng.poisson(heat_cfg.reports_mean, size=bursts)
    n_heat = int(b_size.sum())
    h_time = np.repeat(b_start, b_size) + rng.random(n_heat) * heat_cfg.spread_hours * 60
    h_place = np.repeat(b_place, b_size)

    rural = np.array([u.kind not in URBAN for u in units])
    mw_urban = _matter_weights(config, matters, rural=False)
    mw_rural = _matter_weights(config, matters, rural=True)
    matter = np.where(rural[place], _draw(rng, mw_rural, n_base), _draw(rng, mw_urban, n_base))
    b_matter = np.where(rural[b_place], _draw(rng, mw_rural, bursts), _draw(rng, mw_urban, bursts))
    h_matter = np.repeat(b_matter, b_size)

    # Injected surges (a separate random stream: without them the run is exactly as before).
    s_time, s_place, s_matter = _surges(hierarchy, config, units, matters, scope=scope, days=days,
                                        seed=seed, hourly=hourly, daily=daily,
                                        mix=np.where(rural[:, None], mw_rural[None, :], mw_urban[None, :]))

    time = np.concatenate([time, h_time, s_time])
    place = np.concatenate([place, h_place, s_place]).astype(np.int32)
    matter = np.concatenate([matter, h_matter, s_matter]).astype(np.int16)
    heat = np.concatenate([np.zeros(n_base, np.int16), np.full(n_heat, heat_cfg.heat, np.int16),
                           np.zeros(len(s_time), np.int16)])
    order = np.argsort(time, kind="stable")
    time, place, matter, heat = time[order], place[order], matter[order], heat[order]
    keep = time < days * 1440.0
    time, place, matter, heat = time[keep], place[keep], matter[keep], heat[keep]
    n = len(time)

    severity = _severities(config, matters, matter, rng)
    codes = [u.code for u in units]
    extra = _boundaries(hierarchy, config, codes, place, rng)
    sigma = config.handling.sigma
    return Workload(
        codes=codes, townships=len(units), matters=matters, time=time, place=place,
        extra=extra, matter=matter, severity=severity, heat=heat,
        template=rng.integers(0, 1 << 30, size=n).astype(np.int32),
        service=rng.lognormal(-sigma * sigma / 2, sigma, size=n),
        assist=rng.lognormal(-sigma * sigma / 2, sigma, size=n),
        ack=rng.exponential(1.0, size=n), u=rng.random((n, 4)))


SURGE_STREAM = 0x5E6E  # spawn key of the random stream of injected surges


def _surges(hierarchy: HierarchyIndex, config: SimulationConfig, units: list[Jurisdiction],
            matters: list[MatterType], *, scope: str, days: int, seed: int | np.random.SeedSequence,
            hourly: NDArray[np.float64], daily: NDArray[np.float64], mix: NDArray[np.float64],
            ) -> tuple[NDArray[np.float64], NDArray[np.int32], NDArray[np.int64]]:
    """Reports of the injected surges (``[[surges]]``): Poisson over the hours of the surge with the
    daily profile, at the surge's townships in proportion to their volume."""
    if not config.surges:
        return np.zeros(0), np.zeros(0, np.int32), np.zeros(0, np.int64)
    root = parse_scope(scope, hierarchy).root
    matter_index = {m.code: i for i, m in enumerate(matters)}
    base = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    rng = np.random.default_rng(np.random.SeedSequence(base.entropy,
                                                       spawn_key=(*base.spawn_key, SURGE_STREAM)))
    times, places, kinds = [], [], []
    for k, surge in enumerate(config.surges):
        inside = surge.place in hierarchy and hierarchy.is_ancestor(root, surge.place)
        at = [i for i, u in enumerate(units) if inside and hierarchy.is_ancestor(surge.place, u.code)]
        if not at:
            raise DomainError("simulation.bad_surge_place", index=k + 1, place=surge.place, scope=scope)
        m = matter_index.get(surge.matter)
        if m is None:
            near = get_close_matches(surge.matter, list(matter_index), n=3, cutoff=0.5)
            raise DomainError("simulation.bad_surge_matter", index=k + 1, matter=surge.matter,
                              suggestions="、".join(near))
        share = daily[at] / daily[at].sum()
        per_day = surge.extra_per_day + (surge.multiplier - 1.0) * float((daily[at] * mix[at, m]).sum())
        start, end = surge.start_day * 1440.0, min(surge.start_day + surge.duration_days, days) * 1440.0
        hours = np.arange(int(start // 60), int(np.ceil(end / 60)))
        hours = hours[hours < len(hourly)]
        lo = np.maximum(hours * 60.0, start)
        hi = np.minimum(hours * 60.0 + 60.0, end)
        counts = rng.poisson(per_day * hourly[hours] * (hi - lo) / 60.0)
        n = int(counts.sum())
        times.append(np.repeat(lo, counts) + rng.random(n) * np.repeat(hi - lo, counts))
        places.append(np.asarray(at, np.int32)[rng.choice(len(at), size=n, p=share)])
        kinds.append(np.full(n, m, np.int64))
    return np.concatenate(times), np.concatenate(places), np.concatenate(kinds)


def _draw(rng: np.random.Generator, weights: NDArray[np.float64], n: int) -> NDArray[np.int64]:
    cum = np.cumsum(weights)
    cum[-1] = 1.0
    drawn: NDArray[np.int64] = np.searchsorted(cum, rng.random(n), side="right")
    return drawn


def _severities(config: SimulationConfig, matters: list[MatterType], matter: NDArray[np.int16],
                rng: np.random.Generator) -> NDArray[np.int8]:
    """The matter's default, or an incident tier where the matter allows one."""
    p = config.matters.severity
    tiers = [Severity.I, Severity.II, Severity.III, Severity.IV]
    cum = np.cumsum([p.get(t.value, 0.0) for t in tiers])  # type: ignore[call-overload]
    u = rng.random(len(matter))
    out = np.empty(len(matter), np.int8)
    index = {s: i for i, s in enumerate(SEVERITIES)}
    default = np.array([index[m.default_severity] for m in matters], np.int8)
    out[:] = default[matter]
    tier_of = np.searchsorted(cum, u, side="right")  # 0..3 a tier, 4 none
    for k, tier in enumerate(tiers):
        allowed = np.array([tier in m.limits for m in matters])
        hit = (tier_of == k) & allowed[matter]
        out[hit] = index[tier]
    return out


def _boundaries(hierarchy: HierarchyIndex, config: SimulationConfig, codes: list[str],
                place: NDArray[np.int32], rng: np.random.Generator) -> NDArray[np.int32]:
    """Second affected units: neighbours in the same county, city, province, or another province."""
    b = config.boundary
    cum = np.cumsum([b.township, b.county, b.city, b.province])
    u = rng.random(len(place))
    which = np.searchsorted(cum, u, side="right")  # 0 township … 3 province, 4 none
    extra = np.full(len(place), -1, np.int32)
    neighbours = _Neighbours(hierarchy, rng)
    index = {code: i for i, code in enumerate(codes)}
    levels = (Level.COUNTY, Level.CITY, Level.PROVINCE, Level.CENTRAL)
    for row in np.flatnonzero(which < 4):
        other = neighbours.pick(codes[place[row]], levels[which[row]])
        if other is None:
            continue
        i = index.get(other)
        if i is None:
            i = index[other] = len(codes)
            codes.append(other)
        extra[row] = i
    return extra
