"""The state cross-check's look at the tables derived from the case events (the 事实表 and its
sums, issue 28): the first disagreement the store names (``StateRows.derived``), for
``state_audit.check_state`` to report."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from liandong.services.ports.audit import DerivedMismatch, StateRows


def first_derived(rows: StateRows, ids: Sequence[str] | None,
                  followed: Collection[str] = ()) -> DerivedMismatch | None:
    """``followed``: the cases whose derived rows the replay checked (``StateRows.follow``)."""
    return next(iter(rows.derived(ids, followed)), None)
