"""The auditor's timer work (decision 0028): a round of ``LedgerWatch.check``; a new alarm is logged as
an error line, in Chinese and English, and stays raised for ``/healthz`` and the pages.

A server that wired its platform from its settings audits in a process of its own (decision 0060,
``AuditorProcess``), started by the worker that leads the timers: each round replays every case its
new entries touch, 0.4–2.4 s of Python in the PostgreSQL soak, which inside a worker held that
worker's requests. Its alarm reaches every worker through ``<data_dir>/ledger-alarm.json``."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from typing import Any

from liandong.config import Settings
from liandong.i18n.ledger import describe_all
from liandong.server.background import lower_priority
from liandong.services.ledger_watch import LedgerWatch

log = logging.getLogger("liandong.ledger_audit")


def audit_once(watch: LedgerWatch, *, full: bool = False) -> None:
    alarm = watch.check(full=full)
    if alarm is not None:
        log.error("ledger audit: %s", describe_all(alarm.key, alarm.params))


class AuditorProcess:
    """The ledger's auditor in a child process at a lower CPU priority; ``ensure`` (the lead's timer)
    starts it, and starts it again should it have ended. It ends with the worker that started it."""

    def __init__(self, settings: Settings, every: float) -> None:
        self.settings, self.every = settings, every
        self._process: Any = None

    def ensure(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                return
            log.warning("the ledger auditor's process ended (exit code %s); starting another",
                        self._process.exitcode)
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        process = context.Process(target=auditor_main, args=(self.settings, self.every, os.getpid()),
                                  name="liandong-auditor", daemon=True)
        process.start()
        lower_priority(process.pid)
        self._process = process

    @property
    def pid(self) -> int | None:
        return None if self._process is None else int(self._process.pid)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(timeout=10)
            self._process = None


def auditor_main(settings: Settings, every: float, parent: int) -> None:
    """The child: a round every ``every`` seconds (the first checks the whole log) while the worker
    that started it lives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    from liandong.bootstrap import bootstrap

    platform = bootstrap(settings, migrate_schema=False)
    watch = platform.ledger_watch()
    while os.getppid() == parent:
        try:
            audit_once(watch)
        except Exception:  # the next round tries again; what it reads stays in the store
            log.exception("ledger audit failed; retrying in %.0f s", every)
        until = time.monotonic() + every
        while time.monotonic() < until and os.getppid() == parent:
            time.sleep(min(1.0, max(0.0, until - time.monotonic())))
