"""Shared reference data for the simulator's tests (loaded once per worker)."""

from __future__ import annotations

import pytest

from liandong.bootstrap import Platform, bootstrap
from liandong.simulation.config import SimulationConfig, load_config


@pytest.fixture(scope="session")
def platform() -> Platform:
    return bootstrap(memory=True)


@pytest.fixture(scope="session")
def config() -> SimulationConfig:
    return load_config()
