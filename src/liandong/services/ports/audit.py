"""What the state cross-check reads (``ledger verify``, decision 0028): every stored event beside the
leaf that records it, and every projection the pages read, streamed in key order so that a national
day is read in a few sequential scans, never one query per event.

Rows are plain tuples (millions of them are read). An aggregate comes as
``(id, its projection's columns by name or None, the salt of its commitments or None, events)``,
in order of id; each event as ``(version, seq, type, at, actor, payload text, leaf index or None,
leaf or None)`` in order of version, ``at`` as the column holds it: an aware UTC datetime, or
(SQLite) its text, UTC without zone, ``YYYY-MM-DD HH:MM:SS.ffffff``: compared with the event's own
text without parsing either (decision 0047); then, for a case, the row of a table derived from the
events stored at that version (``StreamFollower``), or None."""

from __future__ import annotations

import abc
from collections.abc import Collection, Iterator, Sequence
from typing import Any

EventRow = tuple[int, int, str, Any, str, str, int | None, bytes | None, Any]
AggregateRows = tuple[str, dict[str, Any] | None, bytes | None, list[EventRow]]
MemberRow = tuple[str, str, str]
"""(case id, department code, role)."""
DerivedMismatch = tuple[str, str, int | None, str, str, str]


class StreamFollower(abc.ABC):
    """A table derived from a case's events (the 事实表) checked as the cross-check's replay goes,
    on the record it has just built (decision 0054): no second replay."""

    @abc.abstractmethod
    def step(self, record: Any, event: Any, stored: Any) -> None:
        """After ``event`` is applied to ``record``; ``stored``: the event row's last member."""

    @abc.abstractmethod
    def end(self) -> DerivedMismatch | None:
        """After the stream's last event: the first disagreement, or None."""


class StateRows(abc.ABC):
    """The stored events, their leaves and the projections, for the cross-check (reads only).

    ``ids``: only these aggregates (an incremental check); None: all of them."""

    @abc.abstractmethod
    def cases(self, ids: Sequence[str] | None = None) -> Iterator[AggregateRows]:
        """Each case's row of ``case_record``, salt and events, each event with the leaf linked to it."""

    @abc.abstractmethod
    def members(self, ids: Sequence[str] | None = None) -> Iterator[MemberRow]:
        """Ordered by case id, in the order of ``cases``."""

    @abc.abstractmethod
    def instruments(self, ids: Sequence[str] | None = None) -> Iterator[AggregateRows]:
        """Each instrument's row and events; its n-th leaf in the log records its version n."""

    @abc.abstractmethod
    def subjects(self, start: int) -> tuple[list[str], list[str]]:
        """The cases and the instruments that the log's entries from ``start`` on record."""

    def follow(self, case_id: str) -> StreamFollower | None:
        """What checks the derived rows of ``case_id`` during its replay (None: nothing, or
        ``derived`` does it)."""
        return None

    def derived(self, ids: Sequence[str] | None = None,
                followed: Collection[str] = ()) -> Iterator[DerivedMismatch]:
        """Where a table derived from the case events (the 事实表 and, on a full check, its sums)
        disagrees with them: ``(kind, id, version or None, field, expected, found)``, the first
        of each case (none by default: a store that keeps none). ``followed``: the cases whose rows
        were checked during the replay (``follow``), not again here; on a full check the sums
        are the ones their rows give, taken during the same scan."""
        return iter(())

    def accounted(self, start: int) -> Iterator[tuple[int, bytes, dict[str, Any]]]:
        """The entries from ``start`` on that record no aggregate's event but a row kept beside the
        log (the federation's hand-overs, issue 27): (index, leaf, what the row says the leaf's
        event holds). None by default."""
        return iter(())


class CheckpointMirror(abc.ABC):
    """The latest cosigned checkpoint kept outside the database (a file beside the secret key), so
    that deleting checkpoints from the database cannot hide a rollback of the log."""

    @abc.abstractmethod
    def read(self) -> str | None:
        """The cosigned note kept, or None."""

    @abc.abstractmethod
    def keep(self, size: int, note: str) -> None:
        """Keep ``note`` (of a log of ``size`` entries) unless a larger one is kept already."""
