"""Publishes a checkpoint at least every second while the log has new entries (DESIGN §5)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from liandong.services.shared_record import SharedRecord
    from liandong.services.writer import Writer

log = logging.getLogger("liandong.checkpoints")


class Checkpointing(Protocol):
    """What the publisher needs of the platform: the shared record and the writer to run it on."""

    def record(self) -> SharedRecord: ...

    def writer(self) -> Writer: ...


class CheckpointPublisher:
    def __init__(self, platform: Checkpointing, interval: float = 1.0,
                 leads: Callable[[], bool] | None = None) -> None:
        self.platform = platform
        self.interval = interval
        self.leads = leads
        """Whether this process publishes for the server's workers (``TimerLead.held``); None: it does."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def publish_once(self) -> str | None:
        return self.platform.record().checkpoint()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self.leads is not None and not self.leads():
                continue
            try:  # on the group-commit thread, between batches, where the store has one writer at once
                self.platform.writer().run(self.publish_once).result(timeout=60)
            except Exception:  # keep publishing; the failure is logged loudly, never swallowed silently
                log.exception("checkpoint failed")
