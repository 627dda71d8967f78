"""The server's auditor of the shared record (decision 0028): on a timer it verifies the entries
appended since its last round (``ledger verify --since``: their leaves, subtrees and signatures, the
cases and instruments they touch, and every cosigned checkpoint kept). Its first round checks the
whole log, and so does every ``full_every``-th round after: an edit of a projection that no new entry
touches is found by a full round (with the default timer, within the hour). A mismatch raises an
alarm that stays raised until a full round of a later run finds the whole log sound: what was found
does not heal, and whoever reads ``/healthz`` or the dashboard must see it. With ``shared`` (decision
0060) the alarm is kept where every worker of the server reads it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from liandong.services.shared_record import SharedRecord
from liandong.services.state_audit import Finding


@dataclass(frozen=True)
class WatchStatus:
    checked: int
    """The size of the log verified so far (0: not yet)."""
    alarm: Finding | None


class SharedAlarm(Protocol):
    """Where the worker that audits keeps its alarm for the other workers of the server (decision
    0060: one worker audits for all)."""

    def raised(self, finding: Finding) -> None: ...

    def cleared(self) -> None: ...

    def current(self) -> Finding | None: ...


class LedgerWatch:
    def __init__(self, record: Callable[[], SharedRecord], full_every: int = 360,
                 refusals: Callable[[], dict[str, str] | None] | None = None,
                 shared: SharedAlarm | None = None) -> None:
        self.record = record
        self.refusals = refusals
        """The latest refusal by an independent witness (decision 0035), kept outside this process."""
        self.shared = shared
        """The alarm of whichever worker audits, kept outside this process."""
        self.full_every = max(1, full_every)
        self._rounds = 0
        self._checked = 0
        self._alarm: Finding | None = None
        self._lock = threading.Lock()

    @property
    def status(self) -> WatchStatus:
        with self._lock:
            checked, alarm = self._checked, self._alarm
        if alarm is None and self.shared is not None:
            alarm = self.shared.current()
        refused = self.refusals() if alarm is None and self.refusals is not None else None
        if refused is not None:
            alarm = Finding("witness_refused", refused)
        return WatchStatus(checked, alarm)

    def check(self, *, full: bool = False) -> Finding | None:
        """One round: the new entries (all of them the first time, in a full round, or with
        ``full``); a new alarm, or None."""
        with self._lock:
            since, raised = self._checked, self._alarm
            full = full or self._rounds % self.full_every == 0
            self._rounds += 1
        if raised is not None or full:
            since = 0  # once alarmed, keep checking the whole log: the alarm names the first problem
        report = self.record().verify(since)
        findings = report.findings()
        with self._lock:
            if not findings:
                self._checked = max(self._checked, report.size)
                if full and raised is None and self.shared is not None:
                    self.shared.cleared()  # the whole log sound: an alarm of an earlier run is gone
                return None
            new = raised is None
            self._alarm = findings[0]
            if new and self.shared is not None:
                self.shared.raised(self._alarm)
            return self._alarm if new else None
