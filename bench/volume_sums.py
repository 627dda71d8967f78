"""The volume generator's share of the sums beside the 事实表 (``adapters.sql.sums``): the
statements the case store issues for them, caught per chunk (``capture_sum``) and written by the
store's own upserts (``write_sums``) — a key of one chunk may be in an earlier one too."""

from __future__ import annotations

import re
from typing import Any

from liandong.adapters.sql.sums import SQL as SUM_SQL
from liandong.services.ports.sums import SUM_COLUMNS


def capture_sum(rows: Any, name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """One statement of ``SUM_SQL`` into ``rows`` (a ``volume_store.Rows``); what a cursor would
    fetch back (a case runs to its end within its chunk, so its earlier rows are there)."""
    if name == "sum_add":
        key = (params["places"], params["rday"], params["day"])
        found = rows.sums.get(key)
        if found is None:
            rows.sums[key] = dict(params)
        else:
            for column in SUM_COLUMNS:
                found[column] += params[column]
    elif name == "sum_add_due":
        key = (params["places"], params["rday"], params["day"], params["kind"], params["due_day"])
        due = rows.sums_due.get(key)
        if due is None:
            rows.sums_due[key] = dict(params)
        else:
            due["n"] += params["n"]
    elif name == "sum_add_now":
        key = (params["places"], params["rday"])
        found = rows.sums_now.get(key)
        if found is None:
            rows.sums_now[key] = dict(params)
        else:
            for column in SUM_COLUMNS:
                found[column] += params[column]
    elif name == "sum_skipped":
        return [(1,)] if params["id"] in rows.skipped else []
    elif name == "sum_skip":
        rows.skipped[params["id"]] = dict(params)
    elif name == "sum_rows":
        return [(f["version"], f["valid_from"], f["irregular"], f["body"])
                for f in rows.facts.get(params["id"], []) if f["version"] < params["v"]]
    elif name == "sum_unpend":
        rows.pending[params["id"]] = []
    elif name == "sum_pend":
        rows.pending.setdefault(params["id"], []).append(dict(params))
    elif name == "read_marks":  # the generator makes no read marks: a save moves none
        return []
    else:
        raise NotImplementedError(f"the volume generator does not capture {name}")
    return []


def write_sums(raw: Any, sqlite: bool, rows: Any) -> None:
    """A chunk's sums, skipped cases and pending deadlines, in the writer's transaction."""
    cur = raw.cursor()
    for name, params in (("sum_add", list(rows.sums.values())), ("sum_add_due", list(rows.sums_due.values())),
                         ("sum_add_now", list(rows.sums_now.values())),
                         ("sum_skip", list(rows.skipped.values())),
                         ("sum_pend", [p for ps in rows.pending.values() for p in ps])):
        if params:
            sql = SUM_SQL[name] if sqlite else re.sub(r":(\w+)", r"%(\1)s", SUM_SQL[name])
            cur.executemany(sql, params)
