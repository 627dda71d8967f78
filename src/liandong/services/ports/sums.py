"""The read side of the sums kept beside the 事实表 (``assessment.sums``), on every store."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

# The event-only columns of ``case_sum`` (counts of ``assessment.facts.COUNTS`` or parts of them;
# here, not in ``assessment.sums``, so that the tables are declared without the assessment code).
# ``dispatched_major`` is no longer read (共同在场 is decided per case since decision 0059) but kept:
# a column dropped is a table rebuilt on SQLite, and the sums' shape stays the one 0033 made.
SUM_COLUMNS = (
    "received", "dispatched", "resolved", "closed", "open", "valid", "contacted", "solved",
    "satisfaction_tenths", "ack_settled", "ack_in_time", "resolved_on_time", "returned", "redone",
    "extended", "escalated", "resource_asked", "summons_answered", "summons_in_time", "assists_due",
    "assists_in_time", "team", "supporting", "dispatched_major", "copresence_due", "copresent",
)
# The read-mark columns of ``case_sum_read`` (信息对称, ``assessment.read_sums``): as ``facts.COUNTS``.
READ_COLUMNS = ("team_read_latest", "read_lag_seconds", "reads")

class SumView(Protocol):
    def period_sums(self, first: str, last: str, cut: str | None, prefix: str = "",
                    ) -> Iterable[tuple[Any, ...]]:
        """(node, *SUM_COLUMNS) summed over the changes filed before ``cut`` (all with None), for the
        nodes under the code ``prefix`` (decision 0059: the sums are kept per node of the place
        sets' prefix tree, ``assessment.sums.nodes_of``)."""

    def period_trend(self, first: str, last: str, cut: str | None, prefix: str,
                     ) -> Iterable[tuple[str, int, int]]:
        """(received day, received, resolved) of the cases with a place under ``prefix``."""

    def period_due(self, first: str, last: str, cut: str | None, passed: str, prefix: str = "",
                   ) -> Iterable[tuple[str, str, int]]:
        """(node, kind, n): deadlines pending after the changes before ``cut``, due before ``passed``."""

    def pending_between(self, first: str, last: str, since: datetime, until: datetime,
                        ) -> Iterable[tuple[str, str, int]]:
        """(place set, kind, n): deadlines pending now, due in [since, until)."""

    def skipped_between(self, since: datetime, until: datetime) -> list[str]:
        """The cases received in [since, until) left out of the sums (read from rows and events)."""

    def day_stamp(self, day: str, prefix: str, since: datetime, until: datetime) -> tuple[Any, ...]:
        """What the sums taken now hold of the cases received on ``day`` (nodes under ``prefix``) and
        the cases of [since, until) left out of them: equal stamps, no save or read mark of the
        day's cases in between (``assessment.part_days``)."""

    def period_reads(self, first: str, last: str, cut: str | None, prefix: str = "",
                     ) -> Iterable[tuple[Any, ...]]:
        """(node, *READ_COLUMNS) of the read marks, after the changes before ``cut`` (all with None)."""

    def differences(self) -> list[str]:
        """What the stored sums hold that a recomputation from the fact rows does not (empty: equal)."""
