"""Rate limits shared by every worker: sign-in attempts, anonymous public intake, portal reports.

The counting is the ``limits`` library's. With ``LIANDONG_REDIS_URL`` set, the counts live in Redis,
so that a limit holds for the deployment as a whole (two workers do not each grant it, a restart
does not forget it); without it, each process counts in its own memory (the embedded demo, one
worker). Sync callers (sign-in, run in a worker thread) and the event loop (the intake guard) each
get a limiter of their own kind on the same storage.

Time: what the throttle itself reads (how long a refused client waits) comes from the injected
clock. The ``limits`` library reads ``time.time()`` inside its memory storages and has no clock
parameter; the tests drive both from one ``ManualClock`` (``tests/support/clock.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from limits import RateLimitItem, parse
from limits import aio as limits_aio
from limits.aio.storage import MemoryStorage as AsyncMemoryStorage
from limits.aio.storage import RedisStorage as AsyncRedisStorage
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.services.clock import Clock, SystemClock

SIGN_IN_PER_USERNAME = parse("5/minute")
SIGN_IN_PER_ADDRESS = parse("30/minute")


@dataclass
class Throttle:
    """The app's limiters (``app.state.throttle``)."""

    redis_url: str | None = None
    prefix: str = "liandong"
    per_username: RateLimitItem = SIGN_IN_PER_USERNAME
    per_address: RateLimitItem = SIGN_IN_PER_ADDRESS
    clock: Clock = field(default_factory=SystemClock)
    _async: limits_aio.strategies.SlidingWindowCounterRateLimiter | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        storage: Storage = (RedisStorage(self.redis_url, key_prefix=self.prefix) if self.redis_url
                            else MemoryStorage())
        self.sync = MovingWindowRateLimiter(storage)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Throttle:
        return cls(settings.redis_url, settings.redis_prefix, parse(settings.sign_in_limit),
                   parse(settings.sign_in_address_limit), clock or SystemClock())

    @property
    def shared(self) -> bool:
        """Whether the counts are the deployment's (Redis) rather than this process's."""
        return self.redis_url is not None

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one attempt (sync callers); False once over the limit."""
        return self.sync.hit(item, *identifiers)

    def retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        """Whole seconds (at least one) until the moving window of ``item`` grants again."""
        reset = self.sync.get_window_stats(item, *identifiers).reset_time
        return max(1, math.ceil(reset - self.clock.now().timestamp()))

    async def hit_async(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one attempt on the event loop (O(1) whatever the limit); False once over it."""
        if self._async is None:  # made on the running loop, which its storage belongs to
            storage = (AsyncRedisStorage(f"async+{self.redis_url}", implementation="redispy",
                                         key_prefix=self.prefix)
                       if self.redis_url else AsyncMemoryStorage())
            self._async = limits_aio.strategies.SlidingWindowCounterRateLimiter(storage)
        return await self._async.hit(item, *identifiers)


def check_sign_in(throttle: Throttle, username: str, address: str) -> None:
    """Count a sign-in attempt, by the form or the API alike: at most 5 a minute for a username
    and 30 from an address (configurable); refused beyond (before the password is looked at)."""
    if not (throttle.hit(throttle.per_username, "sign-in", username.lower())
            and throttle.hit(throttle.per_address, "sign-in", address)):
        raise DomainError("account.too_many_attempts")
