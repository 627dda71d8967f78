"""The ledger's auditor in a process of its own (decision 0028), at a lower CPU priority than the
server's: a round replays the cases the new entries touch, which under a full intake load is as
much work as the intake itself. In the server's process it held the interpreter for whole rounds,
halving the intake rate and stretching the slowest answers from 20 ms to 1.5 s (bench_http); in
its own process, `nice`d, the requests come first and the audit catches up when the load eases.

The child bootstraps only after its first interval (a short-lived server never pays for it), runs
``audit_once`` every interval, and sends each round's status to the server, whose ``LedgerWatch``
adopts it: ``/healthz`` and the banner read it as before."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
from dataclasses import asdict
from typing import Any

from liandong.config import Settings
from liandong.server.auditor import audit_once
from liandong.services.ledger_watch import LedgerWatch
from liandong.services.state_audit import Finding

log = logging.getLogger("liandong.ledger_audit")
NICENESS = 10


def audit_main(settings: Settings, interval: float, stop: Any, out: Any) -> None:
    """The child: wait an interval, wire the platform, then audit every interval until stopped."""
    with contextlib.suppress(OSError):  # a platform without nice runs it at the same priority
        os.nice(NICENESS)
    if stop.wait(interval):
        return
    from liandong.bootstrap import bootstrap

    watch = bootstrap(settings, migrate_schema=False).ledger_watch()
    while True:
        try:
            audit_once(watch)
        except Exception:
            log.exception("ledger audit failed; retrying in %.0f s", interval)
        status = watch.status
        out.put((status.checked, asdict(status.alarm) if status.alarm is not None else None))
        if stop.wait(interval):
            return


class AuditProcess:
    """Starts the child and keeps the server's ``LedgerWatch`` up to date with its rounds."""

    def __init__(self, settings: Settings, interval: float, watch: LedgerWatch) -> None:
        self.settings, self.interval, self.watch = settings, interval, watch
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        self._stop = context.Event()
        self._out: Any = context.Queue()
        self._process = context.Process(target=audit_main, name="liandong-ledger-audit", daemon=True,
                                        args=(settings, interval, self._stop, self._out))
        self._done = threading.Event()
        self._reader = threading.Thread(target=self._read, name="ledger-audit-status", daemon=True)

    def start(self) -> AuditProcess:
        self._process.start()
        self._reader.start()
        return self

    def _read(self) -> None:
        while not self._done.is_set():
            try:
                checked, alarm = self._out.get(timeout=0.5)
            except queue.Empty:
                continue
            except (EOFError, OSError):  # the child is gone
                return
            self.watch.adopt(checked, Finding(**alarm) if alarm is not None else None)

    def stop(self) -> None:
        self._stop.set()
        self._process.join(timeout=10)
        if self._process.is_alive():  # pragma: no cover - a round longer than the grace
            self._process.terminate()
            self._process.join(timeout=5)
        self._done.set()
        self._reader.join(timeout=2)
