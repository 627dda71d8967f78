"""The cases received in a window with a place under a scope, as every read of a period selects
them (the facts, the streams, the read marks, the versions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, select

from liandong.adapters.sql import tables as t
from liandong.services.ports import prefix_end, scope_prefix


def received_in(since: datetime, until: datetime, scope: str | None) -> ColumnElement[bool]:
    """``case_record`` rows received in [since, until) with a place under ``scope``: the case ids
    come from one range scan of ``ix_case_place_unit`` (the scope's code prefix) — or, for a province,
    whose range holds most of the store (two million ids for a day's window), each case of the window
    is looked up in ``case_place`` by its key."""
    c, p = t.case_record, t.case_place
    window = (c.c.received_at >= since) & (c.c.received_at < until)
    prefix = scope_prefix(scope) if scope is not None else ""
    if not prefix:
        return window
    end = prefix_end(prefix)
    under = p.c.unit_code >= prefix if end is None else (p.c.unit_code >= prefix) & (p.c.unit_code < end)
    if len(prefix) <= 2:  # a province: most of the window's cases are in it; each is looked up by its key
        return window & exists().where((p.c.case_id == c.c.id) & under)
    return window & c.c.id.in_(select(p.c.case_id).where(under))
