"""Area alerts in table ``area_alert`` (migration 0026); each call a transaction of its own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, insert, select, update

from liandong.adapters.sql.tables import area_alert
from liandong.services.ports.alerts import AreaAlert, AreaAlerts


def _alert(row: object) -> AreaAlert:
    return AreaAlert(email=row.email, area=row.area, token_digest=row.token_digest,  # type: ignore[attr-defined]
                     created_at=row.created_at, confirmed_at=row.confirmed_at)  # type: ignore[attr-defined]


class SqlAreaAlerts(AreaAlerts):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, alert: AreaAlert) -> None:
        t = area_alert
        with self.engine.begin() as connection:
            connection.execute(delete(t).where(t.c.email == alert.email, t.c.area == alert.area))
            connection.execute(insert(t).values(email=alert.email, area=alert.area,
                                                token_digest=alert.token_digest, created_at=alert.created_at,
                                                confirmed_at=alert.confirmed_at))

    def confirm(self, token_digest: str, at: datetime) -> AreaAlert | None:
        t = area_alert
        with self.engine.begin() as connection:
            connection.execute(update(t).where(t.c.token_digest == token_digest, t.c.confirmed_at.is_(None))
                               .values(confirmed_at=at))
            row = connection.execute(select(t).where(t.c.token_digest == token_digest)).first()
        return None if row is None else _alert(row)

    def remove(self, token_digest: str) -> AreaAlert | None:
        t = area_alert
        with self.engine.begin() as connection:
            row = connection.execute(select(t).where(t.c.token_digest == token_digest)).first()
            connection.execute(delete(t).where(t.c.token_digest == token_digest))
        return None if row is None else _alert(row)

    def confirmed_in(self, areas: list[str]) -> list[AreaAlert]:
        t = area_alert
        query = select(t).where(t.c.area.in_(areas), t.c.confirmed_at.is_not(None)).order_by(t.c.email)
        with self.engine.connect() as connection:
            return [_alert(row) for row in connection.execute(query)]
