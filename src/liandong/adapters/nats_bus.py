"""The message bus on NATS JetStream: the relay's messages land in a stream that keeps them (so a
subscriber that was away reads them later) and drops a repeated message id within its duplicate
window (so a message relayed twice after a crash is kept once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Coroutine, Sequence
from datetime import timedelta
from typing import Any, TypeVar

import nats
from nats.js.api import StreamConfig

from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.services.ports import Outbound, Publisher

T = TypeVar("T")
log = logging.getLogger("liandong.relay")
DUPLICATE_WINDOW = timedelta(minutes=10)


class JetStreamPublisher(Publisher):
    """A synchronous face on the asyncio NATS client, which runs its own loop in a daemon thread."""

    def __init__(self, url: str, *, stream: str = "LIANDONG", subjects: str = "liandong.>",
                 timeout: float = 10.0) -> None:
        self.url, self.stream, self.subjects, self.timeout = url, stream, subjects, timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-loop", daemon=True)
        self._thread.start()
        self._nc: Any = None
        self._js: Any = None

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(self.timeout)

    @staticmethod
    async def _quiet(exc: Exception) -> None:
        """The client's own error reports; the failure itself reaches the caller as an exception."""
        log.debug("nats: %s", exc)

    async def _connect(self) -> None:
        if self._nc is not None and self._nc.is_connected:
            return
        try:
            self._nc = await nats.connect(self.url, connect_timeout=2, max_reconnect_attempts=2,
                                          allow_reconnect=True, error_cb=self._quiet)
        except Exception as exc:
            problem = str(exc) or type(exc).__name__
            raise DomainError("relay.unreachable", url=self.url, problem=problem) from None
        self._js = self._nc.jetstream()
        config = StreamConfig(name=self.stream, subjects=[self.subjects],
                              duplicate_window=DUPLICATE_WINDOW.total_seconds())
        try:
            await self._js.stream_info(self.stream)
        except nats.js.errors.NotFoundError:
            await self._js.add_stream(config)

    async def _publish(self, messages: Sequence[Outbound]) -> None:
        await self._connect()
        sends = [self._js.publish(m.subject, m.payload, headers={"Nats-Msg-Id": m.msg_id}) for m in messages]
        for start in range(0, len(sends), 256):  # bounded in flight; every ack awaited
            await asyncio.gather(*sends[start:start + 256])

    def publish(self, messages: Sequence[Outbound]) -> None:
        if messages:
            self._run(self._publish(messages))

    def connect(self) -> None:
        """Reach the server now (and create the stream), to report a bad address at start."""
        self._run(self._connect())

    def close(self) -> None:
        if self._nc is not None:
            with contextlib.suppress(Exception):  # closing a dead connection: nothing to release
                self._run(self._nc.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def jetstream(settings: Settings) -> JetStreamPublisher:
    """The publisher on the NATS server of the settings (nats_url must be set)."""
    assert settings.nats_url, "nats_url is not set"
    return JetStreamPublisher(settings.nats_url, stream=settings.nats_stream,
                              subjects=f"{settings.nats_prefix}.>")
