"""Area alerts in memory, for tests and a platform without a database."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime

from liandong.services.ports.alerts import AreaAlert, AreaAlerts


class MemoryAreaAlerts(AreaAlerts):
    def __init__(self) -> None:
        self.alerts: dict[str, AreaAlert] = {}
        self._lock = threading.Lock()

    def add(self, alert: AreaAlert) -> None:
        with self._lock:
            self.alerts = {k: a for k, a in self.alerts.items()
                           if (a.email, a.area) != (alert.email, alert.area)}
            self.alerts[alert.token_digest] = alert

    def confirm(self, token_digest: str, at: datetime) -> AreaAlert | None:
        with self._lock:
            found = self.alerts.get(token_digest)
            if found is not None and found.confirmed_at is None:
                found = self.alerts[token_digest] = replace(found, confirmed_at=at)
            return found

    def remove(self, token_digest: str) -> AreaAlert | None:
        with self._lock:
            return self.alerts.pop(token_digest, None)

    def confirmed_in(self, areas: list[str]) -> list[AreaAlert]:
        return [a for a in self.alerts.values() if a.area in areas and a.confirmed_at is not None]
