"""One manual clock for the rate limits. The throttle (``http/throttle.py``) reads the injected
``Clock``; the ``limits`` library under it has no clock parameter: its memory storages and strategies
read ``time.time()`` through the ``time`` module each imports. The ``limits_clock`` fixture
(tests/conftest.py) puts a ManualTime in place of that name in those modules only, for one test, driven
by the same ``ManualClock`` the throttle is given, so a test advances one clock instead of sleeping or
racing the wall clock; the rest of the process keeps the real clock."""

from __future__ import annotations

import importlib
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from liandong.services.clock import ManualClock

LIMITS_MODULES = ("limits.storage.memory", "limits.aio.storage.memory", "limits.strategies",
                  "limits.aio.strategies")

START = 1_800_000_000.0
"""2027-01-15 08:00 UTC: the start of a minute, so fixed and sliding windows begin with the test."""


class ManualTime:
    """Stands in for the ``time`` module: ``time()`` answers the manual clock's instant, the rest is
    real. ``clock`` is the ``ManualClock`` to give the throttle."""

    def __init__(self, start: float = START) -> None:
        self.clock = ManualClock(datetime.fromtimestamp(start, UTC))

    def time(self) -> float:
        return self.clock.now().timestamp()

    def advance(self, seconds: float) -> None:
        assert seconds >= 0, "time does not go back"
        self.clock.advance(timedelta(seconds=seconds))

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def install(monkeypatch: pytest.MonkeyPatch, clock: ManualTime) -> ManualTime:
    for name in LIMITS_MODULES:
        module = importlib.import_module(name)
        assert getattr(module, "time", None) is time, (
            f"{name} no longer reads the clock as time.time(): tests.support.clock needs another seam")
        monkeypatch.setattr(module, "time", clock)
    return clock
