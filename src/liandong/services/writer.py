"""Group commit for concurrent callers: one writer thread lands many commands in one durable
transaction (each in its own savepoint), so web requests do not queue one commit at a time on the
database lock. Every caller still gets its own result or refusal.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus, Result

_STOP = object()


@dataclass
class BatchingWriter:
    bus: MessageBus
    max_batch: int = 200
    max_wait: float = 0.002  # seconds a batch waits for company once it has one command
    _queue: queue.Queue[object] = field(default_factory=queue.Queue, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=10)
            self._thread = None

    def submit(self, command: c.Command) -> Future[Result | DomainError]:
        """Queue a command for the next batch (async callers await ``asyncio.wrap_future``)."""
        future: Future[Result | DomainError] = Future()
        if self._thread is None:
            try:
                future.set_result(self.bus.handle(command))
            except DomainError as exc:
                future.set_result(exc)
        else:
            self._queue.put((command, future))
        return future

    def handle(self, command: c.Command, timeout: float = 30.0) -> Result:
        """Submit and wait: the result of this command, or its refusal raised here."""
        return unwrap(self.submit(command).result(timeout=timeout))

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            try:
                while len(batch) < self.max_batch:
                    item = self._queue.get(timeout=self.max_wait)
                    if item is _STOP:
                        self._queue.put(_STOP)
                        break
                    batch.append(item)
            except queue.Empty:
                pass
            pairs = [item for item in batch if isinstance(item, tuple)]
            try:
                results = self.bus.handle_batch([command for command, _ in pairs])
            except Exception as exc:  # the whole transaction failed: every caller hears it
                for _, future in pairs:
                    future.set_exception(exc)
                continue
            for (_, future), outcome in zip(pairs, results, strict=True):
                future.set_result(outcome)


def unwrap(outcome: Result | DomainError) -> Result:
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome
