"""A server's group commit in a process of its own (SQLite by default, see ``Settings.writer_process``).

In one process, the group-commit thread and the event loop take turns on the interpreter lock: the
writer lets go of it at every database statement and signature and then waits to get it back, so a
batch took three times as long in a busy server as alone (1.6 against 0.55 ms a report, measured).
Here the batches land in a child process with an interpreter of its own, on the other core: the
server only pickles commands to it and outcomes back, a message per batch each way.

Same contract as ``BatchingWriter``: every caller gets its own outcome (a ``Result`` or the
``DomainError`` that refused it). The child publishes the ledger's checkpoints between batches
(never a second writer on the database at once). Should the child die, the commands in flight are
answered with an error (their outcome is unknown: a client retries with its idempotency key) and a
new child is started. The child's side is ``liandong.server.writer_child``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.server.writer_child import _READY, _STOP, Outcome, WriterFailed, writer_main
from liandong.services.cases import Result
from liandong.services.writer import unwrap

log = logging.getLogger("liandong.writer")
T = TypeVar("T")
START_SECONDS = 300.0
"""How long a server waits for its writer process to be ready (it loads the reference data)."""


class _Waiter:
    __slots__ = ("future", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop | None,
                 future: asyncio.Future[Outcome] | Future[Outcome]) -> None:
        self.loop, self.future = loop, future


class WriterProcess:
    """The ``Writer`` of a server whose batches land in a child process (see the module)."""

    def __init__(self, settings: Settings, *, max_batch: int = 200) -> None:
        self.settings, self.max_batch = settings, max_batch
        self._outbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._waiting: dict[int, _Waiter] = {}
        self._in_flight: set[int] = set()  # sent to the child, not answered yet
        self._lock = threading.Lock()
        self._keys = itertools.count()
        self._process: Any = None
        self._conn: Connection | None = None
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self._gathering: dict[asyncio.AbstractEventLoop, list[tuple[int, c.Command]]] = {}

    def start(self) -> None:
        if self._threads:
            return
        self._spawn()
        self._threads = [threading.Thread(target=self._send_loop, name="writer-send", daemon=True),
                         threading.Thread(target=self._receive_loop, name="writer-receive", daemon=True)]
        for thread in self._threads:
            thread.start()

    def _spawn(self) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        mine, theirs = context.Pipe()
        process = context.Process(target=writer_main, args=(theirs, self.settings, self.max_batch),
                                  name="liandong-writer", daemon=True)
        process.start()
        theirs.close()
        # the server answers once its writer can: a request never waits on the child's start
        if not mine.poll(START_SECONDS):
            process.terminate()
            raise WriterFailed(f"the writer process was not ready within {START_SECONDS:.0f} s")
        try:
            ready = mine.recv()
        except EOFError:
            raise WriterFailed(f"the writer process failed to start (code {process.exitcode})") from None
        assert ready[0] == _READY, ready
        self._process, self._conn = process, mine

    def stop(self) -> None:
        if not self._threads:
            return
        self._stopping = True
        self._outbox.put(_STOP)
        if self._process is not None:
            self._process.join(timeout=30)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        self._fail_all(WriterFailed("the writer process stopped"))
        self._threads = []

    # submitting
    def submit(self, command: c.Command) -> Future[Outcome]:
        future: Future[Outcome] = Future()
        key = self._register(_Waiter(None, future))
        if key is not None:
            self._outbox.put([(key, command)])
        return future

    def submit_async(self, command: c.Command) -> asyncio.Future[Outcome]:
        """Queue from the event loop: the commands of one turn of the loop go out together (one
        hand-over to the sending thread, not one a request)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        key = self._register(_Waiter(loop, future))
        if key is not None:
            gathering = self._gathering.get(loop)
            if gathering is None:
                gathering = self._gathering[loop] = []
                loop.call_soon(self._flush, loop)
            gathering.append((key, command))
        return future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        items = self._gathering.pop(loop, None)
        if items:
            self._outbox.put(items)

    def handle(self, command: c.Command, timeout: float = 30.0) -> Result:
        return unwrap(self.submit(command).result(timeout=timeout))

    def run(self, work: Callable[[], T]) -> Future[T]:
        """Run ``work`` at once in the caller's thread (the child publishes the checkpoints itself)."""
        future: Future[T] = Future()
        try:
            future.set_result(work())
        except Exception as exc:  # handed to the caller, who waits on the future
            future.set_exception(exc)
        return future

    def _register(self, waiter: _Waiter) -> int | None:
        """A key for the command's outcome; None (the waiter failed at once) when not running."""
        if not self._threads or self._stopping:
            _settle(waiter.future, WriterFailed("the writer process is not running"))
            return None
        key = next(self._keys)
        with self._lock:
            self._waiting[key] = waiter
        return key

    # the two threads
    def _send_loop(self) -> None:
        while True:
            first = self._outbox.get()
            batch: list[Any] = [first]
            with contextlib.suppress(queue.Empty):
                while len(batch) < self.max_batch:
                    batch.append(self._outbox.get_nowait())
            stop = any(part is _STOP for part in batch)
            items: list[tuple[int, c.Command]] = [pair for part in batch if part is not _STOP
                                                  for pair in part]
            keys = [key for key, _ in items]
            with self._lock:
                self._in_flight.update(keys)
            conn = self._conn
            try:
                if items and conn is not None:
                    conn.send(items)
                if stop and conn is not None:
                    conn.send(_STOP)
            except (OSError, ValueError):  # the child is gone: these fail, the receiver starts another
                self._fail(keys, WriterFailed("the writer process is gone"))
            except Exception as exc:  # a command that cannot be pickled: its callers hear it, none sent
                log.exception("commands could not be sent to the writer process")
                self._fail(keys, WriterFailed(f"the command could not be sent to the writer: {exc!r}"))
            if stop:
                return

    def _receive_loop(self) -> None:
        while True:
            conn = self._conn
            try:
                assert conn is not None
                answered = conn.recv()
            except (EOFError, OSError):
                if self._stopping:
                    return
                log.error("the writer process exited (code %s); starting another",
                          self._process.exitcode if self._process is not None else "?")
                self._fail_in_flight(WriterFailed("the writer process exited"))
                time.sleep(1)
                try:
                    self._spawn()
                except WriterFailed:
                    log.exception("the writer process did not start again; retrying")
                continue
            except Exception:  # outcomes that cannot be read back: whatever was in flight fails loudly
                log.exception("outcomes from the writer process could not be read")
                self._fail_in_flight(WriterFailed("the writer's answer could not be read"))
                continue
            self._deliver(answered)

    # outcomes
    def _deliver(self, answered: list[tuple[int, Outcome | WriterFailed]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Waiter, Any]]] = {}
        with self._lock:
            found = [(self._waiting.pop(key, None), outcome) for key, outcome in answered]
            self._in_flight.difference_update(key for key, _ in answered)
        for waiter, outcome in found:
            if waiter is None:
                continue
            if waiter.loop is not None:
                by_loop.setdefault(waiter.loop, []).append((waiter, outcome))
            else:
                _settle(waiter.future, outcome)
        for loop, items in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
                loop.call_soon_threadsafe(_settle_all, items)

    def _fail(self, keys: list[int], error: WriterFailed) -> None:
        self._deliver([(key, error) for key in keys])

    def _fail_in_flight(self, error: WriterFailed) -> None:
        """What the dead child had been sent (its outcome unknown); what waits to be sent stays."""
        with self._lock:
            keys = list(self._in_flight)
        self._fail(keys, error)

    def _fail_all(self, error: WriterFailed) -> None:
        with self._lock:
            keys = list(self._waiting)
        self._fail(keys, error)


def _settle(future: asyncio.Future[Outcome] | Future[Outcome], outcome: Any) -> None:
    if future.cancelled() or future.done():
        return
    if isinstance(outcome, WriterFailed):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _settle_all(items: list[tuple[_Waiter, Any]]) -> None:
    for waiter, outcome in items:
        _settle(waiter.future, outcome)


__all__ = ["WriterFailed", "WriterProcess"]
