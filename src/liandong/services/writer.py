"""Group commit for concurrent callers: one writer thread lands many commands in one durable
transaction (each in its own savepoint), so web requests do not queue one commit at a time on the
database lock. Every caller still gets its own result or refusal.

Other periodic writes of the process (the ledger's checkpoints) run on the same thread between
batches (``run``), so that they never wait on the database lock behind a batch, nor a batch behind
them (SQLite's busy handler sleeps in steps of up to 100 ms: a tail of slow requests).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus, Result

_STOP = object()
T = TypeVar("T")


class Writer(Protocol):
    """Where a server's case commands go: the group-commit thread here (``BatchingWriter``) or a
    writer process of its own (``liandong.server.writer_process``)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def submit(self, command: c.Command) -> Future[Result | DomainError]: ...

    def submit_async(self, command: c.Command) -> asyncio.Future[Result | DomainError]: ...

    def handle(self, command: c.Command, timeout: float = 30.0) -> Result: ...

    def run(self, work: Callable[[], T]) -> Future[T]: ...


@dataclass(frozen=True, slots=True)
class _OnLoop:
    """A caller waiting on an event loop."""

    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Result | DomainError]


Waiter = Future[Result | DomainError] | _OnLoop


@dataclass(frozen=True)
class _Job:
    work: Callable[[], object]
    future: Future[object]


@dataclass
class BatchingWriter:
    bus: MessageBus
    max_batch: int = 200
    max_wait: float = 0.002  # seconds a batch waits for company once it has one command
    side_by_side: bool = False
    """Whether the store takes writers side by side (PostgreSQL): then ``run``'s work (a read mark, a
    checkpoint) runs in the caller's thread, in a transaction of its own, instead of holding up the
    batches behind it — a read mark waits there for the lock on its case while another worker's
    batch holds it (23 ms on average in the PostgreSQL soak, decision 0060)."""
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
            future.set_result(self._at_once(command))
        else:
            self._queue.put((command, future))
        return future

    def _at_once(self, command: c.Command) -> Result | DomainError:
        """The outcome of a command handled in the caller's thread (the writer not started)."""
        try:
            return self.bus.handle(command)
        except DomainError as exc:
            return exc

    def submit_async(self, command: c.Command) -> asyncio.Future[Result | DomainError]:
        """Queue a command from the event loop; its outcome arrives on the loop.

        The outcomes of one batch reach a loop in one wake-up, instead of one cross-thread call (and
        one ``concurrent.futures.Future`` with its lock and condition) a command."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result | DomainError] = loop.create_future()
        if self._thread is None:
            future.set_result(self._at_once(command))
        else:
            self._queue.put((command, _OnLoop(loop, future)))
        return future

    def run(self, work: Callable[[], T]) -> Future[T]:
        """Run ``work`` on the writer's thread after the batch in hand (at once when not started, or
        when the store takes writers ``side_by_side``)."""
        future: Future[T] = Future()
        if self._thread is None or self.side_by_side:
            try:
                future.set_result(work())
            except Exception as exc:  # handed to the caller, who waits on the future
                future.set_exception(exc)
        else:
            self._queue.put(_Job(work, future))  # type: ignore[arg-type]
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
                    # what queued up while the last batch was landing joins at once; only a lone
                    # command waits a moment for company
                    item = (self._queue.get(timeout=self.max_wait) if len(batch) == 1 and self.max_wait
                            else self._queue.get_nowait())
                    if item is _STOP:
                        self._queue.put(_STOP)
                        break
                    batch.append(item)
            except queue.Empty:
                pass
            pairs = [item for item in batch if isinstance(item, tuple)]
            if pairs:
                self._land(pairs)
            for job in batch:
                if isinstance(job, _Job):
                    try:
                        job.future.set_result(job.work())
                    except Exception as exc:  # handed to the caller, who waits on the future
                        job.future.set_exception(exc)

    def _land(self, pairs: list[tuple[c.Command, Waiter]]) -> None:
        outcomes: list[Result | DomainError] | None = None
        failure: Exception | None = None
        try:
            outcomes = self.bus.handle_batch([command for command, _ in pairs])
        except Exception as exc:  # the whole transaction failed: every caller hears it
            failure = exc
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Result | DomainError],
                                                             Result | DomainError | None]]] = {}
        for position, (_, waiter) in enumerate(pairs):
            outcome = None if outcomes is None else outcomes[position]
            if isinstance(waiter, _OnLoop):
                by_loop.setdefault(waiter.loop, []).append((waiter.future, outcome))
            elif outcome is None:
                waiter.set_exception(failure or RuntimeError("no outcome"))
            else:
                waiter.set_result(outcome)
        for loop, items in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
                loop.call_soon_threadsafe(_deliver, items, failure)


def _deliver(items: list[tuple[asyncio.Future[Result | DomainError], Result | DomainError | None]],
             failure: Exception | None) -> None:
    for future, outcome in items:
        if future.cancelled():
            continue
        if outcome is None:
            future.set_exception(failure or RuntimeError("no outcome"))
        else:
            future.set_result(outcome)


def unwrap(outcome: Result | DomainError) -> Result:
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome
