"""The fair part of ``bench_assessment``'s month (``--fair``, issue 25, decision 0051): the columns the
fair rules read (``assessment.fair_columns``) generated with plausible rates, and the fair figures
with tiers both ways — the engine (DuckDB over Arrow, the product's ``Engine`` with ``fair`` and
``tiers.rank_in_tiers``) and pandas doing the same computation on the same facts.

Generated: of the cases that asked for an extension (``extended``), 30 % were refused after a wait of
about 3 days; every resource request (``resource_asked``) waited about 5 days; a late resolution or
assist part was late by about 2 days; 1 % of cases are excluded (不合理诉求, 超出职能). A part is on
time under a stop set when its lateness is within the waits of the kinds stopped (the tables carry
the outcome per stop set, as ``fair_columns.case_values`` does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from liandong.assessment.engine import LOWER_IS_BETTER, RATES, Engine
from liandong.assessment.facts import COUNTS
from liandong.assessment.fair_columns import CASE_COLUMNS, SUFFIX, Mode
from liandong.assessment.fair_facts import KEPT
from liandong.assessment.fair_rules import Tiers
from liandong.assessment.rules import Classes
from liandong.assessment.tiers import rank_in_tiers
from liandong.domain.hierarchy import HierarchyIndex, Level

DAY = 86_400.0
WEIGHTS = (0.1, 0.4, 0.3)
EXTRA = (("on_time", 0.1), ("assists_in_time", 0.05), ("summons_in_time", 0.05))  # 1 in all


def generate(seed: int, c: dict[str, np.ndarray], members: dict[str, np.ndarray], m_case: np.ndarray,
             ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per case (the ``CASE_COLUMNS``) and per team member (``MEMBER_COLUMNS``)."""
    rng = np.random.default_rng(seed + 1)  # apart: the month's other columns are as without --fair
    n = len(c["received"])
    refused = c["extended"].astype(bool) & (rng.random(n) < 0.3)
    ext = np.where(refused, rng.exponential(3 * DAY, n), 0.0)
    res = np.where(c["resource_asked"].astype(bool), rng.exponential(5 * DAY, n), 0.0)
    stopped = {s: ext * e + res * r for (e, r), s in SUFFIX.items()}
    cases: dict[str, np.ndarray] = {"excluded": rng.random(n) < 0.01}
    late = rng.exponential(2 * DAY, n)
    base, resolved = c["resolved_on_time"].astype(bool), c["resolved"].astype(bool)
    for s, wait in stopped.items():
        cases[f"resolved_on_time_{s}"] = (base | (resolved & (late <= wait))).astype(np.float64)
    k = len(m_case)
    m_late = rng.exponential(2 * DAY, k)
    due, on_time = members["assists_due"].astype(bool), members["assists_in_time"].astype(bool)
    member_cols = {}
    for s, wait in stopped.items():
        flag = on_time | (due & (m_late <= wait[m_case]))
        member_cols[f"assists_in_time_{s}"] = flag
        cases[f"assists_in_time_{s}"] = np.bincount(m_case, weights=flag.astype(np.float64), minlength=n)
    return cases, member_cols


def bands(n: int, counties: int) -> tuple[int, ...]:
    """Volume bands around the mean county's month: small, middle, large."""
    mean = n / max(1, counties)
    return (max(1, round(mean * 0.75)), max(2, round(mean * 1.5)))


@dataclass
class FairResult:
    sums: dict[str, dict[str, float]]
    values: dict[str, dict[str, float | None]]
    tiers: dict[str, str]
    ranks: dict[str, int | None]


def with_engine(engine: Engine, tiers: Tiers, classes: Classes) -> Any:
    """The product path: ``Engine.by_unit`` with the fair mode, ``Figures``, ``rank_in_tiers``."""
    h = engine.hierarchy
    figures = engine.by_unit(h.root.code, Level.COUNTY)
    names = [*RATES, "composite"]
    values = {code: {name: f.value(name) for name in names} for code, f in figures.items()}
    ranked = rank_in_tiers(figures, {}, "composite", lower_is_better=False, classes=classes, tiers=tiers,
                           hierarchy=h)
    return figures, values, ranked


def engine_result(out: Any) -> FairResult:
    figures, values, ranked = out
    return FairResult({k: dict(f.counts) for k, f in figures.items()}, values,
                      {r.key: r.tier for r in ranked}, {r.key: r.rank for r in ranked})


def with_pandas(frame: pd.DataFrame, counties: pd.Index, mode: Mode, tiers: Tiers) -> Any:
    """The same fair computation in vectorised pandas: each count from the column of the stop set,
    the counts that are rates' summed over the cases not excluded (a masked key, as the KEPT ones
    over all), rates, the composite with the extra weights, the band of cases received, ranks."""
    key = frame["p3"].where(frame["k3"] & (frame["p3"] != ""))
    stops = SUFFIX.get((mode[0], mode[1]))
    source = {n: f"{n}_{stops}" if stops and f"{n}_{stops}" in CASE_COLUMNS else n for n in COUNTS}
    kept = [n for n in COUNTS if n in KEPT or not mode[2]]
    rated = [n for n in COUNTS if n not in kept]
    parts = [frame[[source[n] for n in kept]].groupby(key, sort=False).sum()]
    if rated:
        fair_key = key.where(~frame["excluded"])
        parts.append(frame[[source[n] for n in rated]].groupby(fair_key, sort=False).sum())
    sums = pd.concat(parts, axis=1).reindex(counties, fill_value=0.0).fillna(0.0)
    sums.columns = [*kept, *rated]
    sums = sums[list(COUNTS)]
    out = pd.DataFrame(index=counties)
    for name, (num, den) in RATES.items():
        out[name] = sums[num] / sums[den].where(sums[den] != 0)
    w = WEIGHTS
    score = ((0.0 + w[0] * out["response"]) + w[1] * out["resolution"]) + w[2] * out["satisfaction"]
    weight = pd.Series(((0.0 + w[0]) + w[1]) + w[2], index=counties)
    for name, extra in EXTRA:
        v = out[name]
        has = v.notna()
        score = score.where(~has, score + extra * ((1 - v) if name in LOWER_IS_BETTER else v))
        weight = weight.where(~has, weight + extra)
    out["composite"] = score / weight
    band = np.searchsorted(np.array(tiers.volume_bands), sums["received"].to_numpy(), side="right")
    tier = pd.Series([f"county·{tiers.band_label(int(b))}" for b in band], index=counties)
    ranks = out["composite"].groupby(tier).rank(method="min", ascending=False)
    return sums, out, tier, ranks


def pandas_result(found: Any) -> FairResult:
    sums, out, tier, ranks = found
    return FairResult(
        {code: dict(zip(COUNTS, row, strict=True)) for code, row in zip(sums.index, sums.to_numpy(), strict=True)},
        {code: {k: None if math.isnan(v) else v for k, v in row.items()} for code, row in out.to_dict("index").items()},
        dict(tier.items()), {code: None if math.isnan(r) else int(r) for code, r in ranks.items()})


def same(a: FairResult, b: FairResult) -> float:
    """Equal per-county sums, indicators, tiers and ranks (to 1e-9); the largest relative difference."""
    worst = 0.0

    def close(x: float | None, y: float | None) -> bool:
        nonlocal worst
        if x is None or y is None:
            return x is None and y is None
        worst = max(worst, abs(x - y) / max(abs(x), abs(y), 1.0))
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    assert a.sums.keys() == b.sums.keys() == a.tiers.keys() == b.tiers.keys()
    for code in a.sums:
        for name in COUNTS:
            assert close(a.sums[code][name], b.sums[code][name]), (code, name)
        for name, v in a.values[code].items():
            assert close(v, b.values[code][name]), (code, name, v, b.values[code][name])
        assert a.tiers[code] == b.tiers[code], (code, a.tiers[code], b.tiers[code])
        assert a.ranks[code] == b.ranks[code], (code, a.ranks[code], b.ranks[code])
    return worst


def tiers_of(n: int, h: HierarchyIndex) -> Tiers:
    """Tiers of level and volume band (``bands``) for a month of ``n`` cases."""
    counties = sum(1 for _ in h.descendants(h.root.code, Level.COUNTY))
    return Tiers(enabled=True, by_level=True, volume_bands=bands(n, counties))
