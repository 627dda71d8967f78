"""The rate limits (http/throttle.py) on a manual clock: a moving window for sign-in, a sliding
window counter for anonymous intake, each refusing over its limit and granting again as the
window passes, without sleeping; a refused client told how long to wait by the injected clock."""

from __future__ import annotations

import asyncio

import pytest
from limits import parse

from liandong.domain.errors import DomainError
from liandong.http.throttle import Throttle, check_sign_in
from tests.support.clock import ManualTime


def test_sign_in_is_refused_over_the_limit_until_a_minute_has_passed(limits_clock: ManualTime) -> None:
    throttle = Throttle(per_username=parse("3/minute"), per_address=parse("30/minute"),
                        clock=limits_clock.clock)
    for _ in range(3):
        check_sign_in(throttle, "Centre", "198.51.100.7")
    with pytest.raises(DomainError, match=r"account\.too_many_attempts"):
        check_sign_in(throttle, "centre", "198.51.100.8")  # the username counts whatever its case
    check_sign_in(throttle, "leader", "198.51.100.7")  # another account is not held back
    limits_clock.advance(60)  # a moving window: the first attempts are still inside it
    with pytest.raises(DomainError, match=r"account\.too_many_attempts"):
        check_sign_in(throttle, "centre", "198.51.100.7")
    limits_clock.advance(1)
    check_sign_in(throttle, "centre", "198.51.100.7")


def test_an_address_is_refused_over_its_own_limit_whatever_the_usernames(limits_clock: ManualTime) -> None:
    throttle = Throttle(per_address=parse("2/minute"), clock=limits_clock.clock)
    check_sign_in(throttle, "a", "203.0.113.1")
    limits_clock.advance(30)
    check_sign_in(throttle, "b", "203.0.113.1")
    with pytest.raises(DomainError, match=r"account\.too_many_attempts"):
        check_sign_in(throttle, "c", "203.0.113.1")
    limits_clock.advance(31)  # the first attempt left the window, the second has not
    check_sign_in(throttle, "d", "203.0.113.1")
    with pytest.raises(DomainError, match=r"account\.too_many_attempts"):
        check_sign_in(throttle, "e", "203.0.113.1")


def test_intake_counts_in_a_sliding_window_on_the_event_loop(limits_clock: ManualTime) -> None:
    throttle = Throttle(clock=limits_clock.clock)
    item = parse("3/minute")

    async def hits(n: int, who: str = "198.51.100.1") -> list[bool]:
        return [await throttle.hit_async(item, "intake", who) for _ in range(n)]

    async def scenario() -> list[list[bool]]:
        seen = [await hits(4), await hits(1, "198.51.100.2")]
        limits_clock.advance(60)  # the next window: the last one still weighs in full
        seen.append(await hits(1))
        limits_clock.advance(30)  # half-way: the last window's 3 weigh 1.5
        seen.append(await hits(3))
        limits_clock.advance(90)  # two windows on: nothing of the first weighs any more
        seen.append(await hits(1))
        return seen

    assert asyncio.run(scenario()) == [[True, True, True, False], [True], [False], [True, True, False],
                                       [True]]


def test_a_refused_client_waits_until_its_oldest_attempt_leaves_the_window(limits_clock: ManualTime) -> None:
    throttle = Throttle(clock=limits_clock.clock)
    item = parse("2/minute")
    assert throttle.hit(item, "portal-report", "198.51.100.9")
    limits_clock.advance(20)
    assert throttle.hit(item, "portal-report", "198.51.100.9")
    assert not throttle.hit(item, "portal-report", "198.51.100.9")
    assert throttle.retry_after(item, "portal-report", "198.51.100.9") == 40  # the first, 20 s ago
    limits_clock.advance(39.5)
    assert throttle.retry_after(item, "portal-report", "198.51.100.9") == 1  # never less than a second
    limits_clock.advance(1.5)  # past the minute (as for sign-in: the window's end is still inside it)
    assert throttle.hit(item, "portal-report", "198.51.100.9")
