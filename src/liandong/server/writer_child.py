"""The writer process's side of ``liandong.server.writer_process``: it wires its own platform from the
server's settings, lands what the server sends in batches (the older half of a long queue first),
answers each batch in one message, and publishes the ledger's checkpoints between batches.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import signal
import time
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.services.cases import Result

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("liandong.writer")
CHECKPOINT_SECONDS = 1.0
_STOP = "stop"
_READY = "ready"
SPLIT_FROM = 8
"""From this many pending commands on, the writer lands the older half first (``_Inbox.next_batch``):
each half is then at least four commands, enough that its commit costs little beside their work."""
Outcome = Result | DomainError


class WriterFailed(RuntimeError):
    """The writer process failed a whole batch or died with it: the outcome is unknown."""


class _Inbox:
    """Commands received from the server and not yet landed, oldest first."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pending: deque[tuple[int, c.Command]] = deque()
        self.stopping = False

    def collect(self, wait: float, enough: int) -> None:
        """Take in what has arrived (up to ``enough`` pending), waiting up to ``wait`` seconds for
        something if nothing is pending; a stop message ends the intake (what is pending is still
        landed)."""
        if not self.pending and not self.stopping and not self.conn.poll(wait):
            return
        while not self.stopping and len(self.pending) < enough and self.conn.poll(0):
            message = self.conn.recv()
            if message == _STOP:
                self.stopping = True
            else:
                self.pending.extend(message)

    def next_batch(self, max_batch: int) -> list[tuple[int, c.Command]]:
        """The oldest half of what is pending (all of it when there are fewer than ``SPLIT_FROM``).

        The server and its writer work in turns on the same requests: while the writer lands one
        batch, the server answers the batch before and reads the clients' next requests. Landing all
        that is pending at once would leave the server idle for the whole batch and the writer
        idle while the server turns every answer into a new request; halving keeps both at work
        (measured with 16 clients: batches of 16, the writer idle half the time, 1,900 reports/s;
        halves of 8 back to back, 2,700–2,900/s). Under a flood, half of a long queue is still a
        long batch."""
        count = len(self.pending)
        take = min(max_batch, count if count < SPLIT_FROM else (count + 1) // 2)
        return [self.pending.popleft() for _ in range(take)]


class _Turns:
    """Writer processes of one SQLite file take turns by an exclusive ``flock`` on a file beside it.

    With ``--workers 2`` each server process has a writer of its own, and SQLite lets one write at
    a time: the other's busy handler sleeps in growing steps (up to 100 ms each) and polls again,
    which gave reports a p99 of half a second (bench/bench_http.py --workers 2). A process waiting
    on the lock file is woken by the kernel as soon as the other lets go. Nothing to do on
    PostgreSQL, or where ``fcntl`` is missing (the busy handler still keeps writes correct)."""

    def __init__(self, database: str | None) -> None:
        """``database``: the SQLite file's path (None: no turns to take)."""
        self._fd: int | None = None
        if database and fcntl is not None:
            self._fd = os.open(f"{database}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)  # kept open

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        if self._fd is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def writer_main(conn: Connection, settings: Settings, max_batch: int = 200) -> None:
    """The child: land each batch in one transaction, send the outcomes, publish checkpoints."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    from liandong.bootstrap import bootstrap
    from liandong.server.checkpoints import CheckpointPublisher

    platform = bootstrap(settings, migrate_schema=False)
    wal = platform.defer_wal_checkpoints()  # the server's timer checkpoints the log, not our commits
    bus = platform.bus()
    publisher = CheckpointPublisher(platform)
    turns = _Turns(wal.path if wal is not None else None)  # an SQLite file: writers take turns
    gc.collect()
    gc.freeze()  # the hierarchy and the rules: out of the collector's way (see server.app.warm_up)
    conn.send((_READY, os.getpid()))
    published = time.monotonic()
    inbox = _Inbox(conn)
    try:
        while True:
            inbox.collect(CHECKPOINT_SECONDS, 2 * max_batch)
            if inbox.pending:
                batch = inbox.next_batch(max_batch)
                try:
                    with turns.turn():
                        outcomes: list[Any] = bus.handle_batch([command for _, command in batch])
                except Exception as exc:  # the whole transaction failed: every caller hears it
                    log.exception("a batch of %d commands failed", len(batch))
                    outcomes = [WriterFailed(repr(exc))] * len(batch)
                _answer(conn, [(key, outcome) for (key, _), outcome in zip(batch, outcomes, strict=True)])
            elif inbox.stopping:
                return
            if time.monotonic() - published >= CHECKPOINT_SECONDS:
                try:
                    with turns.turn():
                        publisher.publish_once()
                except Exception:  # keep publishing; the failure is logged loudly
                    log.exception("checkpoint failed")
                published = time.monotonic()
    except (EOFError, BrokenPipeError, ConnectionResetError):
        return  # the server is gone


def _answer(conn: Connection, answer: list[tuple[int, Any]]) -> None:
    """Send the outcomes of a batch; one that cannot be pickled reaches its caller as a failure
    (the command was applied: only its answer is lost) instead of ending the writer."""
    try:
        conn.send(answer)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        raise
    except Exception:
        log.exception("outcomes of a batch could not be pickled")
        conn.send([(key, _sendable(outcome)) for key, outcome in answer])


def _sendable(outcome: Any) -> Any:
    try:
        pickle.dumps(outcome)
    except Exception as exc:
        return WriterFailed(f"the command was applied but its outcome could not be sent: {exc!r}")
    return outcome
