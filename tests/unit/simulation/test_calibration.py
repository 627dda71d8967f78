"""The calibration table names every parameter's source; the retelling model's loss per hop is
fitted to observed retelling chains, not set equal to the output (issue 26 points 5 and 6)."""

from __future__ import annotations

import math

import pytest

from liandong.domain.errors import DomainError
from liandong.simulation import calibration, tornado
from liandong.simulation.config import SimulationConfig
from liandong.simulation.retelling import fit

KINDS = {"rule", "practice", "calibrated", "assumption", "structure"}


def test_every_parameter_has_a_declared_source(config: SimulationConfig) -> None:
    keys = set(calibration.leaves(config))
    assert keys == set(calibration.SOURCES)
    assert {kind for kind, _ in calibration.SOURCES.values()} <= KINDS
    rows = calibration.rows(config, None)
    assert len(rows) == len(keys) + len(calibration.CHECKS)
    assert all(row[2] != "?" for row in rows)


def test_the_tornado_moves_every_numeric_parameter_that_exists(config: SimulationConfig) -> None:
    ends = tornado.ends(config)
    assert [k for k, _, _ in ends] == list(tornado.KEYS)
    for key, low, high in ends:
        config.with_overrides({key: low})  # every end is a valid configuration
        config.with_overrides({key: high})
        assert low != high, key


def test_retelling_fit_recovers_the_loss_per_hop() -> None:
    p = 0.1
    f = fit([(h, (1 - p) ** h) for h in (1, 2, 4, 8)])
    assert math.isclose(f.loss_per_hop, p, rel_tol=1e-9)
    assert all(abs(r) < 1e-12 for r in f.residuals)
    assert math.isclose(f.retained(3), 0.9 ** 3)
    noisy = fit([(2, 0.85), (4, 0.60)])  # inconsistent chains: a compromise with residuals of both signs
    assert 0 < noisy.loss_per_hop < 1 and min(noisy.residuals) < 0 < max(noisy.residuals)


def test_the_shipped_loss_per_hop_comes_from_the_observations(config: SimulationConfig) -> None:
    assert config.relay.fact_loss is None
    observed = config.relay.retelling[0]
    assert math.isclose(config.relay.loss_per_hop, 1 - observed.retained ** (1 / observed.hops))
    assert config.with_overrides({"relay.fact_loss": 0.0}).relay.loss_per_hop == 0.0
    with pytest.raises(DomainError):
        config.with_overrides({"relay.retelling": []})
