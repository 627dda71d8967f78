"""The federation's fabric on NATS JetStream (decision 0049), with nothing of the domain in it.

Each node talks only to its own NATS server, whose JetStream domain is the node's. Two streams live in
that domain:

- ``LD_FED_OUT_<scope>`` keeps what the node sends (subjects ``fed.out.<from>.<to>.<kind>``), published
  by the federation relay under ``Nats-Msg-Id`` (a relay that sends twice is kept once, within the
  window). Its name carries the node's scope: nats-server 2.9 checks a source's filter against a
  stream of the source's name in the *sourcing* domain when there is one, so the names must differ;
- ``LD_FED_IN`` keeps what the node receives: it *sources* each peer's outgoing stream across the
  leaf-node connection through that peer's domain API (``$JS.<domain>.API``), filtered to the
  subjects addressed to this node. The server does the moving: while a leaf connection is down the
  messages wait in the sender's stream, and the source catches up once it is back.

The receiver reads ``LD_FED_IN`` through a durable pull consumer (``receiver``), acknowledging each
message after its transaction committed; one not acknowledged within ``ack_wait`` is delivered again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import nats
from nats.js.api import AckPolicy, ConsumerConfig, ExternalStream, StreamConfig, StreamSource

from liandong.domain.errors import DomainError
from liandong.services.ports import Outbound

T = TypeVar("T")
log = logging.getLogger("liandong.federation")
OUT_PREFIX = "LD_FED_OUT_"
IN_STREAM = "LD_FED_IN"
RECEIVER = "receiver"
DUPLICATE_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Source:
    """A peer's outgoing stream, read through its domain, filtered to what is addressed here."""

    stream: str
    domain: str
    filter_subject: str


def out_stream(scope: str) -> str:
    """The name of the outgoing stream of the node owning ``scope``."""
    return f"{OUT_PREFIX}{scope}"


@dataclass
class Delivery:
    subject: str
    data: bytes
    msg_id: str
    delivered: int
    """How many times the server has delivered it (1: the first time)."""
    _msg: Any

    def __repr__(self) -> str:
        return f"Delivery({self.subject!r}, {self.msg_id!r}, delivered={self.delivered})"


@dataclass(frozen=True)
class FabricState:
    out_messages: int
    in_messages: int
    pending: int
    """Messages of ``LD_FED_IN`` the receiver has not acknowledged yet."""
    sources: dict[str, int]
    """Each source's lag (messages of the peer's stream not yet copied here), by its stream name."""


class JetStreamFabric:
    """A synchronous face on the asyncio client, whose loop runs in a daemon thread of its own."""

    def __init__(self, url: str, out: str, *, timeout: float = 10.0, ack_wait: float = 30.0) -> None:
        self.url, self.out, self.timeout, self.ack_wait = url, out, timeout, ack_wait
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-fabric", daemon=True)
        self._thread.start()
        self._nc: Any = None
        self._js: Any = None
        self._sub: Any = None

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout or self.timeout)

    @staticmethod
    async def _quiet(exc: Exception) -> None:
        log.debug("nats: %s", exc)

    async def _connect(self) -> Any:
        if self._nc is not None and self._nc.is_connected:
            return self._js
        if self._nc is not None:
            with contextlib.suppress(Exception):
                await self._nc.close()
            self._nc, self._sub = None, None
        try:
            self._nc = await nats.connect(self.url, connect_timeout=2, max_reconnect_attempts=2,
                                          reconnect_time_wait=0.2, error_cb=self._quiet)
        except Exception as exc:
            self._nc = None
            problem = str(exc) or type(exc).__name__
            raise DomainError("relay.unreachable", url=self.url, problem=problem) from None
        self._js = self._nc.jetstream()
        return self._js

    async def _ensure_outgoing(self, out_subjects: str) -> None:
        js = await self._connect()
        window = DUPLICATE_WINDOW.total_seconds()
        await _put_stream(js, StreamConfig(name=self.out, subjects=[out_subjects], duplicate_window=window))

    def ensure_outgoing(self, out_subjects: str) -> None:
        """This node's outgoing stream alone (made on every node first, the peers' sources find it)."""
        self._run(self._ensure_outgoing(out_subjects))

    async def _ensure(self, out_subjects: str, sources: Sequence[Source]) -> None:
        await self._ensure_outgoing(out_subjects)
        js = await self._connect()
        window = DUPLICATE_WINDOW.total_seconds()
        found = [StreamSource(name=s.stream, filter_subject=s.filter_subject,
                              external=ExternalStream(api=f"$JS.{s.domain}.API")) for s in sources]
        await _put_stream(js, StreamConfig(name=IN_STREAM, sources=found,
                                           duplicate_window=window))
        config = ConsumerConfig(durable_name=RECEIVER, ack_policy=AckPolicy.EXPLICIT, ack_wait=self.ack_wait,
                                max_ack_pending=1024)
        await js.add_consumer(IN_STREAM, config)

    def ensure(self, out_subjects: str, sources: Sequence[Source]) -> None:
        """Create (or bring up to date) the two streams and the receiver's durable consumer."""
        self._run(self._ensure(out_subjects, sources))

    async def _publish(self, messages: Sequence[Outbound]) -> None:
        js = await self._connect()
        for start in range(0, len(messages), 256):
            # no ``stream=``: its Nats-Expected-Stream header would travel with the message and
            # make every sourcing stream refuse it ("expected stream does not match")
            await asyncio.gather(*(js.publish(m.subject, m.payload, headers={"Nats-Msg-Id": m.msg_id})
                                   for m in messages[start:start + 256]))

    def publish(self, messages: Sequence[Outbound]) -> None:
        """Into this node's outgoing stream; returns once the server acknowledged every message."""
        if messages:
            self._run(self._publish(messages))

    async def _fetch(self, batch: int, wait: float) -> list[Delivery]:
        js = await self._connect()
        if self._sub is None:
            self._sub = await js.pull_subscribe_bind(RECEIVER, IN_STREAM)
        try:
            msgs = await self._sub.fetch(batch, timeout=wait)
        except (nats.errors.TimeoutError, TimeoutError):  # nothing arrived in time
            return []
        except nats.errors.Error as exc:  # the connection went: the next call connects again
            self._sub = None
            problem = str(exc) or type(exc).__name__
            raise DomainError("relay.unreachable", url=self.url, problem=problem) from None
        out = []
        for m in msgs:
            headers = m.headers or {}
            out.append(Delivery(m.subject, m.data, headers.get("Nats-Msg-Id", ""),
                                m.metadata.num_delivered, m))
        return out

    def fetch(self, batch: int = 64, wait: float = 1.0) -> list[Delivery]:
        """Up to ``batch`` messages for the receiver, waiting at most ``wait`` seconds for the first."""
        return self._run(self._fetch(batch, wait), timeout=wait + self.timeout)

    def ack(self, delivery: Delivery) -> None:
        self._run(delivery._msg.ack())

    async def _state(self) -> FabricState:
        js = await self._connect()
        out = await js.stream_info(self.out)
        inn = await js.stream_info(IN_STREAM)
        consumer = await js.consumer_info(IN_STREAM, RECEIVER)
        lags = {s.name: int(s.lag or 0)
                for s in inn.sources or []}
        return FabricState(out.state.messages, inn.state.messages,
                           int(consumer.num_pending or 0) + int(consumer.num_ack_pending or 0), lags)

    def state(self) -> FabricState:
        return self._run(self._state())

    def close(self) -> None:
        if self._nc is not None:
            with contextlib.suppress(Exception):
                self._run(self._nc.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


async def _put_stream(js: Any, config: StreamConfig) -> None:
    try:
        await js.stream_info(config.name)
    except nats.js.errors.NotFoundError:
        await js.add_stream(config)
        return
    await js.update_stream(config)
