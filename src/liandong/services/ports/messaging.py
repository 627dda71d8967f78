"""The message bus the outboxes are relayed to."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Outbound:
    """One message for the bus: a subject, an id that makes a second delivery harmless, a payload."""

    subject: str
    msg_id: str
    payload: bytes


class Publisher(abc.ABC):
    """The message bus the outboxes are relayed to (NATS JetStream on the platform)."""

    @abc.abstractmethod
    def publish(self, messages: Sequence[Outbound]) -> None:
        """Deliver every message or raise; a message delivered twice (same id) is kept once."""

    def close(self) -> None:  # noqa: B027 - most publishers hold nothing
        """Release the connection."""
