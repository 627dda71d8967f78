"""Who wants to hear of new problems in an area (区域提醒): an e-mail address and a jurisdiction, kept
with the digest of the token its links carry (confirm, unsubscribe), confirmed or not yet.
Fakes subclass this port (``adapters.memory.alerts``); the SQL one keeps table ``area_alert``."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AreaAlert:
    email: str
    area: str
    token_digest: str
    created_at: datetime
    confirmed_at: datetime | None = None


class AreaAlerts(abc.ABC):
    @abc.abstractmethod
    def add(self, alert: AreaAlert) -> None:
        """Keep a new, unconfirmed alert; one already kept for the same address and area is replaced
        (a second request sends a fresh link and leaves the first one dead)."""

    @abc.abstractmethod
    def confirm(self, token_digest: str, at: datetime) -> AreaAlert | None:
        """Mark the alert of this token confirmed (once; later calls keep the first time); None if none."""

    @abc.abstractmethod
    def remove(self, token_digest: str) -> AreaAlert | None:
        """Forget the alert of this token; the one forgotten, None if there was none."""

    @abc.abstractmethod
    def confirmed_in(self, areas: list[str]) -> list[AreaAlert]:
        """The confirmed alerts for any of these areas."""
