"""The KPI engine: the per-case facts of a period as columns, summed with DuckDB.

Two tables: ``cases`` (a row per case and place: a case in two counties has two rows; the flags
``k0``..``k4`` mark the one row of each case that counts at the whole scope, province, city,
county and township, so a case is counted once per unit however many places it names) and
``members`` (a row per department on a case's team). Every indicator is a ratio of two sums of
them (``RATES``), so a roll-up is a ``GROUP BY`` and the figures of a unit are the same whether
computed for it alone or as one row of its parent's table.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from liandong.assessment import fair_columns as fc
from liandong.assessment.facts import COUNTS, UNIT_LEVELS, CaseFacts
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level

# name → (numerator, denominator); None as numerator means "a mean of seconds", in hours.
RATES: dict[str, tuple[str, str]] = {
    "response": ("contacted", "valid"),  # 响应率
    "resolution": ("solved", "valid"),  # 解决率
    "satisfaction": ("satisfaction_points", "valid"),  # 满意率
    "ack_timely": ("ack_in_time", "ack_due"),  # 及时签收率
    "on_time": ("resolved_on_time", "resolved"),  # 按时办结率
    "returns": ("returned", "dispatched"),  # 退单率
    "redo": ("redone", "resolved"),  # 重办率
    "extensions": ("extended", "dispatched"),  # 延期率
    "escalations": ("escalated", "dispatched"),  # 提级率
    "summons_in_time": ("summons_in_time", "summons_due"),  # 吹哨报到及时率
    "assists_in_time": ("assists_in_time", "assists_due"),  # 协办按时率
    "copresence": ("copresent", "copresence_due"),  # 共同在场率
    "symmetry": ("team_read_latest", "team"),  # 信息对称指数
}
# Rates where a lower value is better (the rankings use the composite; exports colour these).
LOWER_IS_BETTER = frozenset({"returns", "redo", "extensions", "escalations"})
MEMBER_COUNTS = ("summons_due", "summons_in_time", "assists_due", "assists_in_time", "team",
                 "team_read_latest", "read_lag_seconds", "reads")
DEFAULT_WEIGHTS = (0.1, 0.5, 0.4)


@dataclass(frozen=True, slots=True)
class Figures:
    """The sums of one group and the indicators made of them."""

    key: str
    counts: Mapping[str, float]
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS
    extra: tuple[tuple[str, float], ...] = ()  # weights beyond the three rates (issue 25)

    def rate(self, name: str) -> float | None:
        num, den = RATES[name]
        d = self.counts.get(den, 0)
        return self.counts.get(num, 0) / d if d else None

    def parts(self, name: str) -> tuple[float, float]:
        num, den = RATES[name]
        return self.counts.get(num, 0), self.counts.get(den, 0)

    @property
    def composite(self) -> float | None:
        """三率综合: weights × (response, resolution, satisfaction) and the configured indicators
        beyond them; None unless the three have a value."""
        values = [self.rate(n) for n in ("response", "resolution", "satisfaction")]
        if any(v is None for v in values):
            return None
        score = sum(w * (v or 0.0) for w, v in zip(self.weights, values, strict=True))
        if not self.extra:
            return score
        # an indicator without a value (no summons to answer…) gives its weight to the others, in
        # proportion; one where lower is better counts as 1 − its value
        weight = sum(self.weights)
        for name, w in self.extra:
            v = self.rate(name)
            if v is not None:
                score += w * (1 - v if name in LOWER_IS_BETTER else v)
                weight += w
        return score / weight

    @property
    def read_lag_hours(self) -> float | None:
        n = self.counts.get("reads", 0)
        return self.counts.get("read_lag_seconds", 0) / n / 3600 if n else None

    def value(self, name: str) -> float | None:
        """A count, a rate, ``composite`` or ``read_lag_hours`` by name."""
        if self.counts is NO_CASES:  # a unit without cases (most of a wide scope's): nothing to divide
            return None if name in _NO_VALUE else 0
        if name == "composite":
            return self.composite
        if name == "read_lag_hours":
            return self.read_lag_hours
        if name in RATES:
            return self.rate(name)
        return _num(self.counts.get(name, 0))

    def as_dict(self) -> dict[str, Any]:
        if self.counts is NO_CASES:  # a unit without cases (most units of a wide scope)
            fresh = {n: {"value": None, "numerator": 0, "denominator": 0} for n in RATES}  # the caller's own
            return {"key": self.key, **_ZERO, **fresh}
        out: dict[str, Any] = {"key": self.key, **{k: _num(v) for k, v in self.counts.items()}}
        for name in RATES:
            num, den = self.parts(name)
            value = self.rate(name)
            out[name] = {"value": None if value is None else round(value, 4),
                         "numerator": _num(num), "denominator": _num(den)}
        score, lag = self.composite, self.read_lag_hours
        out["composite"] = None if score is None else round(score, 4)
        out["read_lag_hours"] = None if lag is None else round(lag, 2)
        return out


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(float(v), 4)


def _empty_counts() -> dict[str, float]:
    return dict.fromkeys(COUNTS, 0.0)


NO_CASES: Mapping[str, float] = MappingProxyType(_empty_counts())  # the counts of every unit without cases
_NO_VALUE = frozenset({*RATES, "composite", "read_lag_hours"})  # what a unit without cases has no value of
# what ``as_dict`` gives for a group without cases (whatever the weights)
_ZERO: dict[str, Any] = {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(RATES), "composite": None,
                         "read_lag_hours": None}


# -- building the tables ----------------------------------------------------------------------------
_UNIT_COLUMNS = ("p1", "p2", "p3", "p4")


def case_table(facts: Iterable[CaseFacts]) -> pa.Table:
    """The ``cases`` table of a set of facts (a row per case and distinct place)."""
    cases = list(facts)
    take: list[int] = []  # the case of each row
    units: list[list[str]] = [[], [], [], []]
    first: list[list[bool]] = [[], [], [], [], []]
    for n, f in enumerate(cases):
        places = f.places or (("", "", "", ""),)
        seen: list[set[str]] = [set(), set(), set(), set()]
        for i, place in enumerate(places):
            take.append(n)
            first[0].append(i == 0)
            for j, code in enumerate(place):
                units[j].append(code)
                first[j + 1].append(bool(code) and code not in seen[j])
                seen[j].add(code)
    rows = pa.array(take, type=pa.int64())
    per_case: dict[str, list[Any]] = {
        "case_id": [f.case_id for f in cases], "received_at": [f.received_at for f in cases],
        "matter": [f.matter for f in cases], "severity": [f.severity for f in cases],
        "source": [f.source for f in cases], "lead": [f.lead for f in cases],
        "lead_system": [f.lead_system for f in cases], "lead_level": [f.lead_level for f in cases]}
    columns: dict[str, Any] = {name: pa.array(values, type=_type(name)).take(rows)
                               for name, values in per_case.items()}
    for j, name in enumerate(_UNIT_COLUMNS):
        columns[name] = pa.array(units[j], type=pa.string())
    for j in range(5):
        columns[f"k{j}"] = pa.array(first[j], type=pa.bool_())
    names = (*COUNTS, *fc.CASE_COLUMNS)  # the counts, then the fair rules' columns
    matrix = np.array([(*f.values, *fc.case_values(f)) for f in cases], dtype=np.float64).reshape(
        len(cases), len(names))
    matrix = matrix[np.asarray(take, dtype=np.int64)] if take else matrix
    for j, name in enumerate(names):
        columns[name] = pa.array(matrix[:, j] > 0 if name == "excluded" else matrix[:, j], type=_type(name))
    return pa.table(columns)


def member_table(facts: Iterable[CaseFacts], hierarchy: HierarchyIndex) -> pa.Table:
    cols: dict[str, list[Any]] = {n: [] for n in ("case_id", "department", "system", "level", "unit",
                                                  "role", *MEMBER_COUNTS, *fc.MEMBER_COLUMNS)}
    for f in facts:
        for m in f.members:
            unit, _, system = m.department.rpartition("-")
            cols["case_id"].append(f.case_id)
            cols["department"].append(m.department)
            cols["system"].append(system)
            cols["level"].append(int(hierarchy.get(unit).level) if unit in hierarchy else -1)
            cols["unit"].append(unit)
            cols["role"].append(m.role)
            for name, value in (("summons_due", m.summons_due), ("summons_in_time", m.summons_in_time),
                                ("assists_due", m.assists_due), ("assists_in_time", m.assists_in_time),
                                ("team", m.team),
                                ("team_read_latest", m.read_latest),
                                ("read_lag_seconds", m.read_lag_seconds), ("reads", m.reads)):
                cols[name].append(float(value))
            for name, fair in zip(fc.MEMBER_COLUMNS, fc.member_values(m, f.fair), strict=True):
                cols[name].append(fair)
    return pa.table({name: pa.array(values, type=_type(name)) for name, values in cols.items()})


def _type(name: str) -> pa.DataType:
    if name == "received_at":
        return pa.timestamp("us", tz="UTC")
    if name in ("lead_level", "level"):
        return pa.int8()
    if (name.startswith("k") and name[1:].isdigit()) or name == "excluded":
        return pa.bool_()
    if name in COUNTS or name in MEMBER_COUNTS or name in fc.CASE_COLUMNS or name in fc.MEMBER_COLUMNS:
        return pa.float64()
    return pa.string()


# -- the engine ------------------------------------------------------------------------------------
_BASE: list[duckdb.DuckDBPyConnection] = []
_BASE_LOCK = threading.Lock()


def _connection() -> duckdb.DuckDBPyConnection:
    """A connection of its own to the process's in-memory DuckDB database (opening the database
    costs tens of milliseconds; a further connection to it almost nothing). Registered tables are
    local to each connection."""
    with _BASE_LOCK:
        if not _BASE:
            _BASE.append(duckdb.connect())
        return _BASE[0].cursor()




@dataclass
class Engine:
    """DuckDB over the tables of one period (in memory; the tables are Arrow, read in place).

    With ``fair`` (``fair_columns.Mode``), the figures are those under the fair rules' clock stops
    and exclusions, from the tables' fair columns (the same as ``fair.adjust`` case by case)."""

    cases: pa.Table
    members: pa.Table | None  # None: built from ``facts`` when first needed
    hierarchy: HierarchyIndex
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS
    facts: Sequence[CaseFacts] = ()
    extra: tuple[tuple[str, float], ...] = ()
    fair: fc.Mode | None = None
    _db: duckdb.DuckDBPyConnection = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._db = _connection()
        self._db.register("cases", self.cases)
        if self.members is not None:
            self._db.register("members", self.members)

    @classmethod
    def of(cls, facts: Sequence[CaseFacts], hierarchy: HierarchyIndex,
           weights: tuple[float, float, float] = DEFAULT_WEIGHTS,
           extra: tuple[tuple[str, float], ...] = (), fair: fc.Mode | None = None) -> Engine:
        """The engine of a set of facts; the members table is built on the first department query."""
        return cls(case_table(facts), None, hierarchy, weights, facts, extra, fair)

    def _need_members(self) -> None:
        if self.members is None:
            self.members = member_table(self.facts, self.hierarchy)
            self._db.register("members", self.members)

    def close(self) -> None:
        self._db.close()

    def _figures(self, sql: str, params: Sequence[Any] = ()) -> list[Figures]:
        rel = self._db.execute(sql, list(params))
        names = [d[0] for d in rel.description or ()]
        out = []
        for row in rel.fetchall():
            values = dict(zip(names, row, strict=True))
            key = str(values.pop("key") or "")
            out.append(Figures(key, {k: float(v or 0) for k, v in values.items()}, self.weights, self.extra))
        return out

    def _where_scope(self, scope: str) -> tuple[str, list[Any]]:
        """The filter of a scope's cases, each counted once (the scope level's ``k`` flag)."""
        h = self.hierarchy
        if scope not in h:
            raise DomainError("assessment.unknown_scope", code=scope[:20])
        level = int(h.get(scope).level)
        if level == Level.CENTRAL:
            return "k0", []
        return f"k{level} AND p{level} = ?", [scope]

    def total(self, scope: str) -> Figures:
        """The figures of every case with a place in ``scope``."""
        where, params = self._where_scope(scope)
        found = self._figures(fc.query("NULL", where, None, self.fair), params)
        counts = found[0].counts if found else {}
        return Figures(scope, {**_empty_counts(), **counts}, self.weights, self.extra)

    def by_unit(self, scope: str, level: Level) -> dict[str, Figures]:
        """Per unit at ``level`` below ``scope``: every unit of the hierarchy at that level, with
        zeros where no case came from it."""
        h = self.hierarchy
        if scope not in h:
            raise DomainError("assessment.unknown_scope", code=scope[:20])
        top = int(h.get(scope).level)
        if level not in UNIT_LEVELS or int(level) <= top:
            raise DomainError("assessment.bad_level", value=level.key,
                              allowed=", ".join(lv.key for lv in UNIT_LEVELS if int(lv) > top))
        inside, params = ("TRUE", []) if top == Level.CENTRAL else (f"p{top} = ?", [scope])
        col = f"p{int(level)}"
        where = f"k{int(level)} AND {inside} AND {col} <> ''"
        rows = self._figures(fc.query(col, where, col, self.fair), params)
        out = {u.code: Figures(u.code, NO_CASES, self.weights, self.extra)
               for u in h.descendants(scope, level)}
        for f in rows:
            out[f.key] = f
        return out

    def by_department(self, scope: str, *, level: Level | None = None, system: str | None = None,
                      ) -> dict[str, Figures]:
        """Per department of the scope's cases: the case counts go to the department that led the
        case at the end of the period; the collaboration counts (summonses answered, assist parts,
        reads) are each department's own, from the members table. Only the departments of units
        inside the scope are listed."""
        where, params = self._where_scope(scope)
        self._need_members()
        extra, extra_params = "", list[Any]()
        if level is not None:
            extra += " AND {level} = ?"
            extra_params.append(int(level))
        if system is not None:
            extra += " AND {system} = ?"
            extra_params.append(system)
        rows = self._figures(fc.query(
            "lead", f"{where} AND lead <> ''{extra.format(level='lead_level', system='lead_system')}", "lead",
            self.fair), [*params, *extra_params])
        out = {f.key: f for f in rows}
        member_sums = fc.member_sums(MEMBER_COUNTS, self.fair)
        for f in self._figures(
                f"SELECT m.department AS key, {member_sums} FROM members m "
                f"WHERE m.case_id IN (SELECT case_id FROM cases WHERE {where}{fc.kept(self.fair)})"
                f"{extra.format(level='m.level', system='m.system')} GROUP BY m.department",
                [*params, *extra_params]):
            own = out.get(f.key)
            merged = dict(own.counts) if own is not None else _empty_counts()
            merged.update(f.counts)
            out[f.key] = Figures(f.key, merged, self.weights, self.extra)
        h = self.hierarchy  # a case of the scope may reach a department outside it (a provincial lead,
        # a neighbouring city's bureau on a cross-city case): that department is not ranked here
        return {k: f for k, f in out.items()
                if (u := k.rpartition("-")[0]) in h and h.is_ancestor(scope, u)}

    def by_dimension(self, scope: str, column: str) -> dict[str, Figures]:
        """Per matter, severity, source, lead system or lead level of the scope's cases."""
        allowed = ("matter", "severity", "source", "lead_system", "lead_level")
        if column not in allowed:
            raise DomainError("assessment.bad_dimension", value=column, allowed=", ".join(allowed))
        where, params = self._where_scope(scope)
        return {f.key: f for f in self._figures(
            fc.query(f"CAST({column} AS VARCHAR)", where, column, self.fair), params)}
