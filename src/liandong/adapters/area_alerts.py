"""区域提醒: e-mail alerts of new public reports in an area a person subscribed to (issue 24 point 5).

Double opt-in: ``request`` keeps the alert unconfirmed and mails a confirmation link; only
``confirm`` with that link's token turns it on. Every mail carries an unsubscribe link. A token is
derived from the platform secret and the alert (HMAC), and only its SHA-256 is stored, so the links of
later mails can be made again without keeping a secret in the database.

Sending rides on ``ReporterUpdates``' queue and thread (after commit, retried, never failing a
command): the event that makes a report public is its dispatch by the 12345 centre (the moderation
step, ``adapters.public_feed``); a report without the reporter's consent, or of a matter never
public, sends nothing."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from liandong.adapters.public_feed import Published, public_report
from liandong.adapters.reporter_updates import ReporterUpdates
from liandong.domain.aggregate import DomainEvent
from liandong.domain.errors import DomainError
from liandong.domain.responsibility import ResponsibilityList
from liandong.i18n.alerts import ALERT_BODY, ALERT_SUBJECT, CONFIRM_BODY, CONFIRM_SUBJECT
from liandong.services.clock import Clock
from liandong.services.ports import Stored, UnitOfWork
from liandong.services.ports.alerts import AreaAlert, AreaAlerts
from liandong.services.ports.notify import Channel, Message

TRIGGER = "CaseDispatched"


class AreaAlertMail(ReporterUpdates):
    def __init__(self, uow: Callable[[], UnitOfWork], matters: ResponsibilityList,
                 channels: Sequence[Channel], *, alerts: AreaAlerts, platform: Published, clock: Clock,
                 secret: bytes, base_url: str) -> None:
        super().__init__(uow, matters, [c for c in channels if c.kind == "email"])
        self.alerts, self.platform, self.clock = alerts, platform, clock
        self.secret, self.base_url = secret, base_url.rstrip("/")

    # -- subscribing -----------------------------------------------------------------------------
    def token(self, alert: AreaAlert) -> str:
        text = f"{alert.email}\n{alert.area}\n{alert.created_at.isoformat()}".encode()
        return hmac.new(self.secret, b"area-alert\n" + text, hashlib.sha256).hexdigest()

    def links(self, alert: AreaAlert) -> tuple[str, str]:
        token = self.token(alert)
        return (f"{self.base_url}/public/alerts/confirm?{urlencode({'token': token})}",
                f"{self.base_url}/public/alerts/unsubscribe?{urlencode({'token': token})}")

    def request(self, *, email: str, area: str) -> AreaAlert:
        """Keep an unconfirmed alert and mail its confirmation link (sent before this returns: a
        person waits for it). Raises ``alerts.unknown_area`` for a code that names no jurisdiction."""
        try:
            unit = self.platform.hierarchy.get(area)
        except Exception:
            raise DomainError("alerts.unknown_area", area=area) from None
        pending = AreaAlert(email=email, area=unit.code, token_digest="", created_at=self.clock.now())
        alert = AreaAlert(email=email, area=unit.code, created_at=pending.created_at,
                          token_digest=hashlib.sha256(self.token(pending).encode()).hexdigest())
        self.alerts.add(alert)
        confirm, unsubscribe = self.links(alert)
        body = CONFIRM_BODY.format(area=unit.name, confirm=confirm, unsubscribe=unsubscribe)
        for channel in self.channels:
            if not self.deliver(channel, Message(to=email, subject=CONFIRM_SUBJECT, body=body)):
                raise DomainError("alerts.not_sent")
        return alert

    def confirm(self, token: str) -> AreaAlert | None:
        return self.alerts.confirm(_digest(token), self.clock.now())

    def unsubscribe(self, token: str) -> AreaAlert | None:
        return self.alerts.remove(_digest(token))

    # -- alerting --------------------------------------------------------------------------------
    def __call__(self, stored: list[Stored[DomainEvent]]) -> None:
        """The bus's subscriber: queue the dispatches (the moment a report may become public)."""
        chosen = [item for item in stored if type(item.event).__name__ == TRIGGER]
        if chosen:
            super().__call__([])  # starts the thread
            for item in chosen:
                self._queue.put(item.event)

    def messages(self, event: Any) -> list[tuple[Channel, Message]]:
        report = public_report(self.platform, event.aggregate_id, "zh")
        if report is None:
            return []
        path = self.platform.hierarchy.path(report.township)
        names = {unit.code: unit.name for unit in path}
        out = []
        for alert in self.alerts.confirmed_in(list(names)):
            _, unsubscribe = self.links(alert)
            body = ALERT_BODY.format(area=names[alert.area], matter=report.matter_name, place=report.place,
                                     description=report.description, unsubscribe=unsubscribe,
                                     link=f"{self.base_url}/public/reports/{report.id}")
            message = Message(to=alert.email, subject=ALERT_SUBJECT.format(area=names[alert.area]), body=body)
            out += [(channel, message) for channel in self.channels]
        return out


def _digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()
