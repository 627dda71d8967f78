"""Work the server does on a timer, in a daemon thread: a failure is logged loudly and the next
round tries again (nothing is lost: what the work reads stays in the store)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable

log = logging.getLogger("liandong.background")

BACKGROUND_NICE = 10
"""How much lower than the requests' the CPU priority of a background process is (``nice``). Not
for a thread of a server process: one that waited for a core while holding the interpreter lock
would hold up the requests of its own process."""


def lower_priority(pid: int, by: int = BACKGROUND_NICE) -> None:
    """Lower the CPU priority of a process. Lowering needs no privilege; where the system has no
    such call, nothing."""
    if hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + by)


class Periodic:
    """``work`` every ``interval`` seconds, the first time after ``first`` (default: ``interval``)."""

    def __init__(self, name: str, interval: float, work: Callable[[], object], *, first: float | None = None,
                 ) -> None:
        self.name, self.interval, self.work = name, interval, work
        self.first = interval if first is None else first
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Periodic:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        wait = self.first
        while not self._stop.wait(wait):
            wait = self.interval
            try:
                self.work()
            except Exception:
                log.exception("%s failed; retrying in %.0f s", self.name, self.interval)
