"""All indicators for every county of the country over one month of cases: the KPI engine (DuckDB
over the Arrow facts table) side by side with the same computation in pandas.

Run: .venv/bin/python bench/bench_assessment.py [--cases 10000000] [--repeat 5] [--variants] [--fair]

The ``cases`` and ``members`` tables are generated directly with seeded numpy, in the schema of
``engine.case_table`` / ``engine.member_table`` (checked): places drawn uniformly over the
townships of the real national list, 2 % of cases naming a second township in another county (two
rows, the k flags set as ``case_table`` sets them), plausible rates. The per-case Python facts code
(``facts.case_facts``, the ingestion path) is not run: this measures the monthly aggregation once
the facts exist. Both sides compute, per county, the sums of every count column over the cases
counted once in it, every rate of ``engine.RATES``, the composite and the read lag, the ranking of
the counties inside their city by composite, and the national total; the results are checked
equal before any figure is printed. The two run in turn, a round each, and the script reports
how much CPU other processes took meanwhile. ``--variants`` also times the engine's two queries
on other layouts and SQL (the investigation reported in docs/benchmarks.md). ``--fair`` times instead
the fair assessment (issue 25: clock stops for refused extensions and resource waits, ~1 % of cases
excluded, the composite with collaboration weights, counties ranked within tiers of level and
volume band) both ways on the same facts, with the fair columns generated (``fair_month``).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import sys
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from liandong.adapters.reference_data import national_hierarchy
from liandong.assessment.engine import (
    DEFAULT_WEIGHTS,
    MEMBER_COUNTS,
    RATES,
    Engine,
    Figures,
    case_table,
    member_table,
)
from liandong.assessment.facts import COUNTS, MAJOR
from liandong.assessment.fair_columns import CASE_COLUMNS, MEMBER_COLUMNS
from liandong.assessment.rules import AssessmentRules, rank
from liandong.domain.hierarchy import HierarchyIndex, Level

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fair_month

MONTH = (datetime(2025, 5, 18, 16, tzinfo=UTC), datetime(2025, 6, 18, 16, tzinfo=UTC))  # 19th→18th, Beijing
SOURCES = {"hotline": 0.5, "citizen": 0.3, "grid": 0.12, "department": 0.05, "ngo": 0.03}
SEVERITIES = {"routine": 0.9939, "IV": 0.005, "III": 0.0008, "II": 0.00015, "I": 0.00005}
LEAD_AT = {Level.COUNTY: 0.7, Level.TOWNSHIP: 0.25, Level.CITY: 0.05}  # the lead department's level


def _codes(name: str, key: str) -> list[str]:
    text = resources.files("liandong.data").joinpath(name).read_text("utf-8")
    return [item["code"] for item in tomllib.loads(text)[key]]


def _strings(values: list[str], index: np.ndarray) -> pa.Array:
    """``values[index]`` as a plain Arrow string column (decoded, as ``case_table`` makes it)."""
    return pa.array(values, pa.string()).take(pa.array(index))


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    p = np.array(list(weights.values()))
    return rng.choice(len(weights), size=n, p=p / p.sum())


@dataclass
class Month:
    cases: pa.Table
    members: pa.Table
    hierarchy: HierarchyIndex


def month_of_cases(n: int, seed: int = 7, member_cases: int = 100_000, fair: bool = False) -> Month:
    """A month of ``n`` cases: the ``cases`` table (a row per case and place) and the ``members``
    table of the first ``member_cases`` cases (every case's member counts are in ``cases``); with
    ``fair``, the fair rules' columns generated (else today's counts in them)."""
    h = national_hierarchy()
    rng = np.random.default_rng(seed)
    towns = [u.code for u in h if u.level is Level.TOWNSHIP]
    ids = {u.code: i for i, u in enumerate(h)}
    # ancestors of each township by level (index into h's units, -1 where the branch skips it)
    anc = np.array([[ids[a.code] if (a := h.ancestor_at(t, Level(lv))) else -1 for lv in range(1, 5)]
                    for t in towns], dtype=np.int64)
    codes = [u.code for u in h] + [""]  # index -1 → ""
    levels = np.array([int(u.level) for u in h] + [-1], dtype=np.int8)

    # places: one township each, 2 % a second one in another county
    town = rng.integers(0, len(towns), n)
    cross = rng.random(n) < 0.02
    second = rng.integers(0, len(towns), n)
    while (clash := cross & (anc[second, 2] == anc[town, 2])).any():
        second[clash] = rng.integers(0, len(towns), int(clash.sum()))
    rows_of = 1 + cross.astype(np.int64)
    case_of_row = np.repeat(np.arange(n), rows_of)
    is_first = np.ones(len(case_of_row), bool)
    is_first[np.cumsum(rows_of)[cross] - 1] = False
    town_of_row = np.where(is_first, town[case_of_row], second[case_of_row])
    first_town = town[case_of_row]

    # per-case flags with the facts' dependencies (resolved ⊂ dispatched, valid ⊂ resolved, …)
    def p(prob: float) -> np.ndarray:
        return rng.random(n) < prob
    severity = _pick(rng, SEVERITIES, n)
    sev_names = list(SEVERITIES)
    dispatched = p(0.98)
    resolved = dispatched & p(0.95)
    closed = resolved & p(0.9)
    valid = resolved & p(0.8)
    major = np.isin(severity, [sev_names.index(s) for s in MAJOR])
    ack_due = dispatched & p(0.99)
    copresence_due = dispatched & (major | cross)
    c: dict[str, np.ndarray] = {
        "received": np.ones(n, bool), "dispatched": dispatched, "resolved": resolved, "closed": closed,
        "open": ~closed, "overdue": dispatched & ~resolved & p(0.3), "valid": valid,
        "contacted": valid & p(0.97), "solved": valid & p(0.88),
        "satisfaction_points": np.where(valid, rng.choice([1.0, 0.9, 0.0], n, p=[0.8, 0.12, 0.08]), 0.0),
        "ack_due": ack_due, "ack_in_time": ack_due & p(0.93), "resolved_on_time": resolved & p(0.95),
        "returned": dispatched & p(0.04), "redone": resolved & p(0.01), "extended": dispatched & p(0.03),
        "escalated": dispatched & p(0.015), "resource_asked": dispatched & p(0.005),
        "copresence_due": copresence_due, "copresent": copresence_due & p(0.8),
        "supporting": np.zeros(n, bool),  # no merged child (并单) among them
    }

    # the lead department: a system at the county (or township, city) of the first place
    systems = _codes("systems.toml", "systems")
    lead_sys = rng.integers(0, len(systems), n)
    at = _pick(rng, {str(int(lv)): w for lv, w in LEAD_AT.items()}, n)
    lead_unit = anc[town, np.array([int(lv) - 1 for lv in LEAD_AT])[at]]
    lead_unit = np.where(lead_unit < 0, anc[town, 3], lead_unit)  # a skipped level: the township
    departments = [f"{code}-{s}" for code in codes[:-1] for s in systems] + [""]
    lead = np.where(dispatched, lead_unit * len(systems) + lead_sys, len(departments) - 1)

    # team members: the lead, 0–3 assists (same unit, other systems), 4 % a summoned county department
    assists = rng.choice(4, n, p=[0.55, 0.3, 0.1, 0.05])
    summoned = p(0.04)
    size = np.where(dispatched, 1 + assists + summoned, 0)
    m_case = np.repeat(np.arange(n), size)
    pos = np.arange(len(m_case)) - np.repeat(np.cumsum(size) - size, size)
    role = np.where(pos == 0, 0, np.where(pos <= assists[m_case], 1, 2))  # lead, assist, summoned
    k = len(m_case)
    on_team = role < 2
    reads = on_team & (rng.random(k) < 0.9)
    summons_due = (role == 2) & (rng.random(k) < 0.95)
    assists_due = (role == 1) & (rng.random(k) < 0.9)
    member_values = {
        "summons_due": summons_due, "summons_in_time": summons_due & (rng.random(k) < 0.9),
        "assists_due": assists_due, "assists_in_time": assists_due & (rng.random(k) < 0.85),
        "team": on_team, "team_read_latest": reads & (rng.random(k) < 0.8),
        "read_lag_seconds": np.where(reads, rng.exponential(7200, k).round(), 0.0), "reads": reads,
    }
    for name, values in member_values.items():
        c[name] = np.bincount(m_case, weights=values.astype(np.float64), minlength=n)
    assert set(c) == set(COUNTS), set(c) ^ set(COUNTS)

    received = np.sort(rng.integers(int(MONTH[0].timestamp() * 1e6), int(MONTH[1].timestamp() * 1e6), n))
    ids_text = pc.binary_join_element_wise("C202506-", pc.cast(pa.array(np.arange(n) + 10_000_000), pa.string()), "")
    matters = _codes("matters.toml", "matters")
    lead_rows = lead[case_of_row]
    columns: dict[str, Any] = {
        "case_id": ids_text.take(pa.array(case_of_row)),
        "received_at": pa.array(received[case_of_row], pa.timestamp("us", tz="UTC")),
        "matter": _strings(matters, rng.zipf(1.6, n).clip(1, len(matters))[case_of_row] - 1),
        "severity": _strings(sev_names, severity[case_of_row]),
        "source": _strings(list(SOURCES), _pick(rng, SOURCES, n)[case_of_row]),
        "lead": _strings(departments, lead_rows),
        "lead_system": _strings([*systems, ""], np.where(dispatched, lead_sys, len(systems))[case_of_row]),
        "lead_level": pa.array(np.where(dispatched, levels[lead_unit], -1)[case_of_row].astype(np.int8)),
    }
    for j in range(4):  # p1..p4 and k1..k4: counted once per unit, never for a missing level
        unit = anc[town_of_row, j]
        columns[f"p{j + 1}"] = _strings(codes, np.where(unit < 0, len(codes) - 1, unit))
    columns["k0"] = pa.array(is_first)
    for j in range(4):
        unit = anc[town_of_row, j]
        columns[f"k{j + 1}"] = pa.array((unit >= 0) & (is_first | (unit != anc[first_town, j])))
    for name in COUNTS:
        columns[name] = pa.array(c[name].astype(np.float64)[case_of_row])
    if fair:
        fair_cases, fair_members = fair_month.generate(seed, c, member_values, m_case)
        for name in CASE_COLUMNS:
            values = fair_cases[name][case_of_row]
            columns[name] = pa.array(values if name == "excluded" else values.astype(np.float64))
    else:  # the same arrays as today's counts (no copy)
        fair_members = {name: member_values["assists_in_time"] for name in MEMBER_COLUMNS}
        columns["excluded"] = pa.array(np.zeros(len(case_of_row), bool))
        for name in CASE_COLUMNS[1:]:
            columns[name] = columns[name.rsplit("_", 1)[0]]
    cases = pa.table(columns)
    assert cases.schema == case_table([]).schema, cases.schema

    # the members table of the first cases, in member_table's schema
    keep = m_case < member_cases
    mc, mr = m_case[keep], role[keep]
    m_sys = (lead_sys[mc] + np.where(mr == 0, 0, 1 + rng.integers(0, len(systems) - 1, len(mc)))) % len(systems)
    m_unit = np.where(mr == 2, anc[town[mc], 2], lead_unit[mc])
    m_unit = np.where(m_unit < 0, lead_unit[mc], m_unit)
    mcols: dict[str, Any] = {
        "case_id": ids_text.take(pa.array(mc)), "department": _strings(departments, m_unit * len(systems) + m_sys),
        "system": _strings(systems, m_sys), "level": pa.array(levels[m_unit]), "unit": _strings(codes, m_unit),
        "role": _strings(["lead", "assist", "summoned"], mr),
        **{name: pa.array(member_values[name][keep].astype(np.float64)) for name in MEMBER_COUNTS},
        **{name: pa.array(fair_members[name][keep].astype(np.float64)) for name in MEMBER_COLUMNS},
    }
    members = pa.table(mcols)
    assert members.schema == member_table([], h).schema, members.schema
    return Month(cases, members, h)


# -- the computation, both ways --------------------------------------------------------------------
@dataclass
class Result:
    sums: dict[str, dict[str, float]]  # county → count → sum
    values: dict[str, dict[str, float | None]]  # county → rate, composite, read_lag_hours
    ranks: dict[str, int | None]  # county → rank by composite inside its city
    total: dict[str, float]


def cities(h: HierarchyIndex) -> dict[str, str]:
    """Each county's parent (its city, or its province where there is no city level)."""
    out = {}
    for u in h.descendants(h.root.code, Level.COUNTY):
        parent = h.parent(u.code)
        out[u.code] = parent.code if parent is not None else ""
    return out


def with_engine(engine: Engine, h: HierarchyIndex, city_of: dict[str, str]) -> Any:
    """The product path: ``Engine.by_unit`` and ``total``, then ``Figures`` and ``rules.rank``."""
    figures = engine.by_unit(h.root.code, Level.COUNTY)
    total = engine.total(h.root.code)
    names = [*RATES, "composite", "read_lag_hours"]
    values = {code: {name: f.value(name) for name in names} for code, f in figures.items()}
    by_city: dict[str, dict[str, Figures]] = defaultdict(dict)
    for code, f in figures.items():
        by_city[city_of[code]][code] = f
    ranks = {r.key: r.rank for group in by_city.values() for r in rank(group, {}, "composite")}
    return figures, total, values, ranks


def engine_result(out: Any) -> Result:
    figures, total, values, ranks = out
    return Result({code: dict(f.counts) for code, f in figures.items()}, values, ranks, dict(total.counts))


def with_pandas(frame: pd.DataFrame, counties: pd.Index, city: pd.Series) -> Any:
    """The same in vectorised pandas (the fastest of the idioms tried: the rows not counted in a
    county get a missing key rather than being filtered out, which would copy the frame)."""
    counts = frame[list(COUNTS)]
    key = frame["p3"].where(frame["k3"] & (frame["p3"] != ""))
    sums = counts.groupby(key, sort=False).sum().reindex(counties, fill_value=0.0)
    first = frame["k0"].to_numpy()
    total = pd.Series({name: counts[name].to_numpy()[first].sum() for name in COUNTS})
    out = pd.DataFrame(index=counties)
    for name, (num, den) in RATES.items():
        out[name] = sums[num] / sums[den].where(sums[den] != 0)
    w = DEFAULT_WEIGHTS
    out["composite"] = ((0.0 + w[0] * out["response"]) + w[1] * out["resolution"]) + w[2] * out["satisfaction"]
    out["read_lag_hours"] = sums["read_lag_seconds"] / sums["reads"].where(sums["reads"] != 0) / 3600
    ranks = out["composite"].groupby(city).rank(method="min", ascending=False)
    return sums, total, out, ranks


def pandas_result(found: Any) -> Result:
    sums, total, out, ranks = found
    return Result(
        {code: dict(zip(COUNTS, row, strict=True)) for code, row in zip(sums.index, sums.to_numpy(), strict=True)},
        {code: {k: None if math.isnan(v) else v for k, v in row.items()} for code, row in out.to_dict("index").items()},
        {code: None if math.isnan(r) else int(r) for code, r in ranks.items()},
        {k: float(v) for k, v in total.items()})


def same(a: Result, b: Result) -> float:
    """Check equal per-county sums, indicators and ranks, and the total, to 1e-9 (DuckDB sums
    doubles in another order than pandas); the largest relative difference of a sum."""
    worst = 0.0

    def close(x: float | None, y: float | None) -> bool:
        nonlocal worst
        if x is None or y is None:
            return x is None and y is None
        worst = max(worst, abs(x - y) / max(abs(x), abs(y), 1.0))
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
    assert a.sums.keys() == b.sums.keys() == a.values.keys() == b.values.keys() == a.ranks.keys() == b.ranks.keys()
    for code in a.sums:
        for name in COUNTS:
            assert close(a.sums[code][name], b.sums[code][name]), (code, name)
        for name, v in a.values[code].items():
            assert close(v, b.values[code][name]), (code, name, v, b.values[code][name])
        assert a.ranks[code] == b.ranks[code], (code, a.ranks[code], b.ranks[code])
    for name in COUNTS:
        assert close(a.total[name], b.total[name]), (name, a.total[name], b.total[name])
    return worst


class Contention:
    """The share of the machine's CPU time used by other processes while timing (this VM's 2 cores
    are shared with whatever else runs; a busy neighbour halves DuckDB's two threads)."""

    def __enter__(self) -> Contention:
        self.began, self.own, self.busy = time.perf_counter(), _own_cpu(), _busy_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = (time.perf_counter() - self.began) * (os.cpu_count() or 1)
        others = (_busy_cpu() - self.busy) - (_own_cpu() - self.own)
        self.share = max(0.0, others / wall) if wall else 0.0


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _busy_cpu() -> float:
    """Seconds of CPU time all processes used since boot (Linux ``/proc/stat``; 0 elsewhere)."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def rounds(contenders: dict[str, Callable[[], Any]], repeat: int) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Each contender once per round, in turn, ``repeat`` rounds: the machine's speed drifts (a
    shared 2-core VM), so side-by-side figures come from the same stretch of time."""
    times: dict[str, list[float]] = {k: [] for k in contenders}
    results: dict[str, Any] = {}
    for _ in range(repeat):
        for name, fn in contenders.items():
            began = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - began)
    return times, results


# -- other layouts and SQL for the engine's queries -------------------------------------------------
def variants(cases: pa.Table, repeat: int) -> tuple[dict[str, list[float]], float]:
    """The two queries of the timed run (counties, national total; rows fetched as ``_figures``
    does) as the engine runs them now and as it could."""
    def select(fsum: bool = False) -> str:
        return ", ".join(f"{'FSUM' if fsum and n == 'satisfaction_points' else 'SUM'}({n}) AS {n}" for n in COUNTS)
    db = duckdb.connect()
    db.register("cases", cases)
    db.register("dict_cases", cases.select(["p3", "k0", "k3", *COUNTS]).set_column(
        0, "p3", pc.dictionary_encode(cases["p3"])))
    encoded = pc.dictionary_encode(cases["p3"]).combine_chunks()
    county_names = encoded.dictionary
    db.register("county_names", pa.table({"c3": pa.array(np.arange(len(county_names), dtype=np.int32)),
                                          "p3": county_names}))
    db.register("int_cases", cases.select(["k0", "k3", *COUNTS]).append_column("c3", encoded.indices))
    began = time.perf_counter()
    db.execute(f"CREATE TABLE native AS SELECT p3, k0, k3, {', '.join(COUNTS)} FROM cases")
    loaded = time.perf_counter() - began

    def both(table: str, sums: str, key: str = "p3", where: str = "AND TRUE AND p3 <> ''") -> Callable[[], Any]:
        county = f"SELECT {key} AS key, {sums} FROM {table} WHERE k3 {where} GROUP BY {key}"
        if key != "p3":  # integer codes: the strings joined back on the 2,845 result rows
            county = f"SELECT n.p3 AS key, s.* EXCLUDE (key) FROM ({county}) s JOIN county_names n ON n.c3 = s.key"
        total = f"SELECT NULL AS key, {sums} FROM {table} WHERE k0"
        return lambda: (db.execute(county).fetchall(), db.execute(total).fetchall())

    def single_thread() -> Any:
        db.execute("SET threads = 1")
        try:
            return now()
        finally:
            db.execute("RESET threads")
    now = both("cases", select())
    one_scan = ", ".join(f"SUM({n}) FILTER (WHERE k3 AND p3 <> '') AS {n}, SUM({n}) FILTER (WHERE k0) AS t_{n}"
                         for n in COUNTS)  # the total is then the sum of the t_ columns over the groups
    contenders = {
        "as now: Arrow table, string keys, SUM": now,
        "FSUM for satisfaction_points (exact, deterministic totals)": both("cases", select(fsum=True)),
        "p3 dictionary-encoded in the Arrow table": both("dict_cases", select()),
        "integer county code in the Arrow table, names joined back": both("int_cases", select(), "c3", ""),
        f"native DuckDB table (copied once: {loaded:.1f} s)": both("native", select()),
        "SET threads = 1": single_thread,
        "one scan for both: SUM … FILTER (WHERE k3) and FILTER (WHERE k0) by p3": lambda: db.execute(
            f"SELECT p3 AS key, {one_scan} FROM cases GROUP BY p3").fetchall(),
    }
    with Contention() as busy:
        times, results = rounds(contenders, repeat)
    reference = sorted(results[next(iter(contenders))][0])
    for name, found in results.items():
        county = found[0] if isinstance(found, tuple) else [row for row in found if row[0]]
        assert len(county) == len(reference), name
    db.close()
    return times, busy.share


def side_by_side(engine: Engine, city_of: dict[str, str], repeat: int,
                 ) -> tuple[dict[str, list[float]], Result, Result, str]:
    """The DataFrame made from the same Arrow table (not timed), then both computations in rounds."""
    h = engine.hierarchy
    began = time.perf_counter()
    frame = engine.cases.to_pandas()
    note = f"to_pandas {time.perf_counter() - began:.1f} s, not timed; peak RSS so far {rss_gib():.1f} GiB"
    counties = pd.Index(list(city_of), name="p3")
    city = pd.Series(city_of).reindex(counties)
    with Contention() as busy:
        times, found = rounds({
            "pandas": lambda: with_pandas(frame, counties, city),
            "engine": lambda: with_engine(engine, h, city_of),
            "queries": lambda: (engine.by_unit(h.root.code, Level.COUNTY), engine.total(h.root.code)),
        }, repeat)
    note += f"; other processes used {busy.share:.0%} of the CPU while timing"
    return times, engine_result(found["engine"]), pandas_result(found["pandas"]), note


def rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--variants", action="store_true", help="also time the engine's queries on other layouts")
    parser.add_argument("--fair", action="store_true", help="time the fair assessment with tiers instead")
    args = parser.parse_args()
    if args.fair:
        fair_main(args.cases, args.repeat)
        return
    began = time.perf_counter()
    month = month_of_cases(args.cases)
    built, h = time.perf_counter() - began, month.hierarchy
    city_of = cities(h)
    engine = Engine(month.cases, month.members, h)
    times, duck, pand, note = side_by_side(engine, city_of, args.repeat)
    worst = same(duck, pand)
    first = month.cases["k0"].to_numpy(zero_copy_only=False)
    exact = math.fsum(month.cases["satisfaction_points"].to_numpy()[first])
    shown = engine.total(h.root.code).as_dict()["satisfaction_points"]
    tried, share = variants(month.cases, args.repeat) if args.variants else ({}, 0.0)

    t = month.cases
    print(f"facts: {args.cases:,} cases, {t.num_rows:,} rows × {t.num_columns} columns "
          f"({t.nbytes / 2**30:.2f} GiB Arrow, built in {built:.1f} s; {note}); "
          f"members sample {month.members.num_rows:,} rows; {len(duck.sums):,} counties, "
          f"{sum(r is not None for r in duck.ranks.values()):,} ranked; results equal "
          f"(largest relative difference {worst:.1e})")
    print(f"national satisfaction_points: exact {exact!r}, engine SUM {duck.total['satisfaction_points']!r}, "
          f"as_dict shows {shown!r}")
    print(f"peak RSS of the run: {rss_gib():.1f} GiB\n")
    best = {k: min(v) for k, v in times.items()}
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"| all indicators for every county ({args.repeat} rounds) | best s | median s | × pandas (best) | × pandas (median) |")
    print("|---|---:|---:|---:|---:|")
    rows = [("pandas: masked-key `groupby` sum, vectorised rates, composite, ranks, total (baseline)", "pandas"),
            ("`Engine.by_unit` + `total` (DuckDB over Arrow), then `Figures`, `rules.rank`", "engine"),
            ("of which the two DuckDB queries (`by_unit`, `total`)", "queries")]
    for label, key in rows:
        print(f"| {label} | {best[key]:.2f} | {median[key]:.2f} | {best['pandas'] / best[key]:.1f} "
              f"| {median['pandas'] / median[key]:.1f} |")
    print("\nall rounds (s): " + "; ".join(f"{k} " + ", ".join(f"{x:.2f}" for x in v) for k, v in times.items()))
    if tried:
        first = next(iter(tried))
        print(f"\n| the two queries ({args.repeat} rounds) | best s | median s | × as now (median) |")
        print("|---|---:|---:|---:|")
        for label, ts in tried.items():
            print(f"| {label} | {min(ts):.2f} | {statistics.median(ts):.2f} "
                  f"| {statistics.median(tried[first]) / statistics.median(ts):.2f} |")
        print(f"\n(other processes used {share:.0%} of the CPU while timing these)")


def fair_main(n: int, repeat: int) -> None:
    """``--fair``: the fair figures of every county, ranked within tiers, engine against pandas."""
    began = time.perf_counter()
    month = fair_month_of(n)
    built, h = time.perf_counter() - began, month.hierarchy
    mode = (True, True, True)  # refused extensions' and resource waits stopped, exclusions on
    tiers = fair_month.tiers_of(n, h)
    classes = AssessmentRules().classes
    engine = Engine(month.cases, month.members, h, fair_month.WEIGHTS, extra=fair_month.EXTRA, fair=mode)
    began = time.perf_counter()
    frame = month.cases.to_pandas()
    note = f"to_pandas {time.perf_counter() - began:.1f} s, not timed"
    counties = pd.Index([u.code for u in h.descendants(h.root.code, Level.COUNTY)], name="p3")
    with Contention() as busy:
        times, found = rounds({
            "pandas": lambda: fair_month.with_pandas(frame, counties, mode, tiers),
            "engine": lambda: fair_month.with_engine(engine, tiers, classes),
            "queries": lambda: engine.by_unit(h.root.code, Level.COUNTY),
        }, repeat)
    duck, pand = fair_month.engine_result(found["engine"]), fair_month.pandas_result(found["pandas"])
    worst = fair_month.same(duck, pand)
    t = month.cases
    excluded = pc.sum(pc.and_(t["excluded"], t["k0"])).as_py()
    stopped = {name: int(pc.sum(pc.if_else(t["k0"], t[name], 0.0)).as_py()) for name in
               ("resolved_on_time", "resolved_on_time_er", "assists_in_time", "assists_in_time_er")}
    print(f"facts: {n:,} cases, {t.num_rows:,} rows × {t.num_columns} columns ({t.nbytes / 2**30:.2f} GiB Arrow, "
          f"built in {built:.1f} s; {note}; other processes used {busy.share:.0%} of the CPU while timing); "
          f"{excluded:,} cases excluded; resolved on time {stopped['resolved_on_time']:,} → "
          f"{stopped['resolved_on_time_er']:,} with the stops, assist parts {stopped['assists_in_time']:,} → "
          f"{stopped['assists_in_time_er']:,}; {len(duck.sums):,} counties in "
          f"{len(set(duck.tiers.values()))} tiers ({', '.join(sorted(set(duck.tiers.values())))}), "
          f"{sum(r is not None for r in duck.ranks.values()):,} ranked; results equal "
          f"(largest relative difference {worst:.1e}); peak RSS {rss_gib():.1f} GiB\n")
    best = {k: min(v) for k, v in times.items()}
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"| fair figures for every county, ranked in tiers ({repeat} rounds) | best s | median s "
          f"| × pandas (best) | × pandas (median) |")
    print("|---|---:|---:|---:|---:|")
    for label, key in (("pandas: the same columns picked, masked-key `groupby`, rates, composite, tiers, ranks", "pandas"),
                       ("`Engine(fair=…).by_unit` (DuckDB over Arrow), `Figures`, `tiers.rank_in_tiers`", "engine"),
                       ("of which the DuckDB query (`by_unit`)", "queries")):
        print(f"| {label} | {best[key]:.2f} | {median[key]:.2f} | {best['pandas'] / best[key]:.1f} "
              f"| {median['pandas'] / median[key]:.1f} |")
    print("\nall rounds (s): " + "; ".join(f"{k} " + ", ".join(f"{x:.2f}" for x in v) for k, v in times.items()))


def fair_month_of(n: int) -> Month:
    return month_of_cases(n, fair=True)


if __name__ == "__main__":
    main()
