"""Work the server does on a timer, in a daemon thread: a failure is logged loudly and the next
round tries again (nothing is lost: what the work reads stays in the store)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("liandong.background")


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
