"""The kernel against theory: with routing off and one department, M/M/c waits match Erlang C."""

from __future__ import annotations

import math

import pytest

from liandong.simulation.queueing import erlang_c_wait, mmc


def test_erlang_c_reduces_to_mm1() -> None:
    # M/M/1: W_q = rho / (mu - lambda)
    assert erlang_c_wait(0.8, 1.0, 1) == pytest.approx(0.8 / 0.2)
    # M/M/2 with a = 1: P(wait) = 1/3, W_q = (1/3) / (2 - 1)
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


def test_unstable_queue_is_refused() -> None:
    with pytest.raises(ValueError, match="unstable"):
        erlang_c_wait(5.0, 1.0, 5)


# Enough customers that the sampling error of the mean wait (σ ≈ 0.5 %) is far inside 3 %.
@pytest.mark.parametrize(("arrival", "service", "handlers", "customers"),
                         [(0.6, 1.0, 1, 1_000_000), (2.4, 1.0, 4, 1_500_000)])
def test_mean_wait_matches_the_closed_form_within_3_percent(arrival: float, service: float,
                                                           handlers: int, customers: int) -> None:
    run = mmc(arrival_rate=arrival, service_rate=service, c=handlers, customers=customers, seed=11)
    expected = erlang_c_wait(arrival, service, handlers)
    assert math.isclose(run.mean_wait, expected, rel_tol=0.03), (run.mean_wait, expected)


def test_same_seed_same_waits_and_departments_are_independent() -> None:
    a = mmc(arrival_rate=2.0, service_rate=1.0, c=3, customers=20_000, seed=5)
    b = mmc(arrival_rate=2.0, service_rate=1.0, c=3, customers=20_000, seed=5)
    c = mmc(arrival_rate=2.0, service_rate=1.0, c=3, customers=20_000, seed=6)
    assert a == b
    assert a.mean_wait != c.mean_wait
    many = mmc(arrival_rate=2.0, service_rate=1.0, c=3, customers=20_000, seed=5, departments=4)
    assert many.customers == 4 * a.customers
    assert many.events == 4 * 2 * 20_000  # one arrival and one completion per customer
