"""The state cross-check's look at the tables derived from the case events (the 事实表 and its
sums, issue 28): the first disagreement the store names (``StateRows.derived``), for
``state_audit.check_state`` to report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from liandong.services.ports.audit import DerivedMismatch, StateRows


def first_derived(rows: StateRows, ids: Sequence[str] | None,
                  decoded: Mapping[str, Sequence[Any]] | None = None) -> DerivedMismatch | None:
    """``decoded``: the case streams the replay decoded and checked (shared, not decoded again)."""
    return next(iter(rows.derived(ids, decoded)), None)
