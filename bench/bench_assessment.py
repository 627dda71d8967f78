"""All indicators for every county of the country over one month of cases, with the KPI engine
(DuckDB over the Arrow facts table), side by side with the same computation in pandas.

Run: .venv/bin/python bench/bench_assessment.py [--cases 10000000] [--repeat 3]

The facts table is generated directly (seeded numpy, realistic rates, places drawn from the real
national list, 2 % of cases naming a second county): this measures the aggregation — what a
monthly assessment run does once the per-case facts exist — not the replay of events into facts
(the ingestion path, measured by the demo and the dashboard timings). Both engines compute the
same thing: per county, the sums of every count column of the cases counted once in it, every
rate of ``engine.RATES``, the composite, and the ranking of the counties inside each city; the
results are checked equal before any figure is printed.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from liandong.adapters.reference_data import national_hierarchy
from liandong.assessment.engine import RATES, Engine, Figures
from liandong.assessment.facts import COUNTS
from liandong.assessment.rules import rank
from liandong.domain.hierarchy import Level

# (column, probability of 1) for the 0/1 flags; the others are derived below
FLAGS = {"dispatched": 0.98, "resolved": 0.93, "closed": 0.85, "overdue": 0.02, "returned": 0.04,
         "redone": 0.01, "extended": 0.03, "escalated": 0.015, "resource_asked": 0.005}


def facts_table(n: int, seed: int = 7) -> tuple[pa.Table, Any]:
    """A month of ``n`` cases as the engine's ``cases`` table (a row per case and county)."""
    h = national_hierarchy()
    rng = np.random.default_rng(seed)
    towns = [u for u in h if u.level is Level.TOWNSHIP]
    codes = np.array([[_at(h, t.code, lv) for lv in (1, 2, 3, 4)] for t in towns], dtype=object)
    pick = rng.integers(0, len(towns), n)
    second = np.flatnonzero(rng.random(n) < 0.02)  # cross-county cases: a second place elsewhere
    other = rng.integers(0, len(towns), len(second))
    case_of_row = np.concatenate([np.arange(n), second])
    town_of_row = np.concatenate([pick, other])
    first = np.concatenate([np.ones(n, bool), np.zeros(len(second), bool)])
    columns: dict[str, Any] = {}
    for j in range(4):
        level_codes = codes[:, j]
        dictionary, inverse = np.unique(level_codes.astype(str), return_inverse=True)
        idx = inverse[town_of_row]
        columns[f"p{j + 1}"] = pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32()), pa.array(dictionary))
        # counted once per unit: the first row, or a second row in another unit at this level
        same = np.zeros(len(case_of_row), bool)
        same[n:] = inverse[pick[second]] == inverse[other]
        columns[f"k{j + 1}"] = pa.array(first | ~same)
    columns["k0"] = pa.array(first)
    base = {name: rng.random(n) < p for name, p in FLAGS.items()}
    valid = base["resolved"] & (rng.random(n) < 0.85)
    rating = rng.choice([1.0, 0.9, 0.0], size=n, p=[0.8, 0.12, 0.08])
    counts = {
        **{k: v.astype(np.float64) for k, v in base.items()},
        "received": np.ones(n), "open": (~base["closed"]).astype(np.float64), "valid": valid.astype(np.float64),
        "contacted": (valid & (rng.random(n) < 0.97)).astype(np.float64),
        "solved": (valid & (rng.random(n) < 0.9)).astype(np.float64),
        "satisfaction_points": np.where(valid, rating, 0.0),
        "ack_due": base["dispatched"].astype(np.float64),
        "ack_in_time": (base["dispatched"] & (rng.random(n) < 0.93)).astype(np.float64),
        "resolved_on_time": (base["resolved"] & (rng.random(n) < 0.95)).astype(np.float64),
        "summons_due": (rng.random(n) < 0.05).astype(np.float64),
        "assists_due": rng.integers(0, 3, n).astype(np.float64),
        "copresence_due": (rng.random(n) < 0.03).astype(np.float64),
        "team": rng.integers(1, 5, n).astype(np.float64),
        "read_lag_seconds": rng.exponential(3600, n).round(), "reads": np.ones(n),
    }
    counts["summons_in_time"] = counts["summons_due"] * (rng.random(n) < 0.9)
    counts["assists_in_time"] = np.minimum(counts["assists_due"], rng.integers(0, 3, n))
    counts["copresent"] = counts["copresence_due"] * (rng.random(n) < 0.8)
    counts["team_read_latest"] = np.minimum(counts["team"], rng.integers(0, 5, n))
    assert set(counts) == set(COUNTS), set(COUNTS) ^ set(counts)
    for name in COUNTS:
        columns[name] = pa.array(counts[name][case_of_row], pa.float64())
    return pa.table(columns), h


def _at(h: Any, code: str, level: int) -> str:
    unit = h.ancestor_at(code, Level(level))
    return unit.code if unit is not None else ""


def with_duckdb(engine: Engine, h: Any) -> dict[str, Figures]:
    return engine.by_unit(h.root.code, Level.COUNTY)


def with_pandas(frame: pd.DataFrame, h: Any) -> dict[str, Figures]:
    counted = frame[frame["k3"] & (frame["p3"] != "")]
    sums = counted.groupby("p3", observed=True)[list(COUNTS)].sum()
    out = {u.code: Figures(u.code, dict.fromkeys(COUNTS, 0.0)) for u in h.descendants(h.root.code, Level.COUNTY)}
    for code, row in zip(sums.index, sums.to_numpy(), strict=True):
        out[str(code)] = Figures(str(code), dict(zip(COUNTS, map(float, row), strict=True)))
    return out


def indicators(figures: dict[str, Figures], h: Any) -> tuple[dict[str, dict[str, Any]], int]:
    """Every rate and the composite of every county, and the county ranking inside each city."""
    table = {code: {**{name: f.rate(name) for name in RATES}, "composite": f.composite}
             for code, f in figures.items()}
    by_city: dict[str, dict[str, Figures]] = defaultdict(dict)
    for code, f in figures.items():
        parent = h.parent(code)
        by_city[parent.code if parent is not None else ""][code] = f
    ranked = sum(len(rank(group, {}, "composite")) for group in by_city.values())
    return table, ranked


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    began = time.perf_counter()
    table, h = facts_table(args.cases)
    built = time.perf_counter() - began
    engine = Engine(table, None, h)
    frame = table.to_pandas()
    duck_s, (duck, duck_ranked) = best(lambda: indicators(with_duckdb(engine, h), h), args.repeat)
    pandas_s, (pand, pand_ranked) = best(lambda: indicators(with_pandas(frame, h), h), args.repeat)
    assert duck.keys() == pand.keys() and duck_ranked == pand_ranked
    for code in duck:
        for name, value in duck[code].items():
            other = pand[code][name]
            assert (value is None and other is None) or abs(value - other) < 1e-9, (code, name, value, other)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"facts table: {args.cases:,} cases, {table.num_rows:,} rows (built in {built:.1f} s); "
          f"{len(duck):,} counties, {duck_ranked:,} ranked within their cities; peak RSS {rss:.1f} GiB")
    print(f"| engine (best of {args.repeat}) | seconds | × pandas |")
    print("|---|---:|---:|")
    print(f"| pandas groupby (baseline) | {pandas_s:.2f} | 1.0 |")
    print(f"| DuckDB over Arrow (`Engine.by_unit`) | {duck_s:.2f} | {pandas_s / duck_s:.1f} |")


if __name__ == "__main__":
    main()
