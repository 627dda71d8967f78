"""Which worker of a server does the work one process does for all of them (decision 0060): the
ledger's audit, the heat sweep and 考核固化. Run in every worker, each round was done two or more
times over, on the same two cores as the requests (the PostgreSQL soak's seconds of p99: an audit
round of up to two seconds in both workers every ten seconds, a freeze in both at once).

The lead holds an exclusive lock on ``<data_dir>/timers.lock`` (``flock``: the lock goes with its
process, so when that worker ends another takes the lead at its next round). Workers of one server
share a data directory; servers on other hosts with their own directories each audit on their own."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux: every worker leads, as before
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "timers.lock"


class TimerLead:
    def __init__(self, data_dir: Path | None) -> None:
        self.path = data_dir / LOCK_FILE if data_dir is not None else None
        self._fd: int | None = None

    def held(self) -> bool:
        """Whether this process leads (taking the lead when nobody holds it)."""
        if self._fd is not None or self.path is None or fcntl is None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def only(self, work: Callable[[], object]) -> Callable[[], None]:
        """``work``, done by the lead only."""
        def round_() -> None:
            if self.held():
                work()
        return round_

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)  # the lock goes with the file's last descriptor
            self._fd = None
