"""The state cross-check's look at the tables derived from the case events (the 事实表 and its
sums, issue 28): the first disagreement the store names (``StateRows.derived``), for
``state_audit.check_state`` to report."""

from __future__ import annotations

from collections.abc import Sequence

from liandong.services.ports.audit import DerivedMismatch, StateRows


def first_derived(rows: StateRows, ids: Sequence[str] | None) -> DerivedMismatch | None:
    return next(iter(rows.derived(ids)), None)
