"""The federation's second slice in SQL (decision 0050): fork alarms, the daily per-unit facts the
centre received, and the versions of the reference data a node received."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from liandong.adapters.sql.tables_federation import federation_alarm, federation_fact, federation_reference


class SqlFederationData:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- fork alarms ------------------------------------------------------------------------------
    def add_alarm(self, alarm_id: str, accused: str, raised_by: str, size: int, detail: str,
                  at: datetime) -> bool:
        """Keep an alarm; False when it was kept before."""
        t = federation_alarm
        if self.conn.execute(select(t.c.alarm_id).where(t.c.alarm_id == alarm_id)).first() is not None:
            return False
        self.conn.execute(insert(t).values(alarm_id=alarm_id, accused=accused, raised_by=raised_by, size=size,
                                           detail=detail, at=at))
        return True

    def alarm_entry(self, alarm_id: str, ledger_index: int, digest: str) -> None:
        """The alarm's entry in this node's ledger (decision 0056)."""
        t = federation_alarm
        self.conn.execute(update(t).where(t.c.alarm_id == alarm_id).values(ledger_index=ledger_index,
                                                                            digest=digest))

    def alarms(self) -> list[dict[str, object]]:
        t = federation_alarm
        rows = self.conn.execute(select(t).order_by(t.c.at, t.c.alarm_id))
        return [{"alarm": r.alarm_id, "accused": r.accused, "raised_by": r.raised_by, "size": r.size,
                 "detail": r.detail, "at": r.at.isoformat(), "ledger_index": r.ledger_index} for r in rows]

    # -- national roll-up facts -------------------------------------------------------------------
    def replace_facts(self, sender: str, day: str, units: Mapping[str, Mapping[str, float]], msg_id: str,
                      at: datetime) -> None:
        """``sender``'s figures of ``day``, replacing whatever it sent for that day before."""
        t = federation_fact
        self.conn.execute(delete(t).where(t.c.sender == sender, t.c.day == day))
        if units:
            self.conn.execute(insert(t), [
                {"sender": sender, "day": day, "unit": unit, "msg_id": msg_id, "received_at": at,
                 "counts": json.dumps(dict(counts), sort_keys=True)} for unit, counts in units.items()])

    def facts(self, first: str, last: str) -> list[tuple[str, str, str, dict[str, float]]]:
        """``(sender, day, unit, counts)`` of the days ``first``–``last`` (inclusive)."""
        t = federation_fact
        rows = self.conn.execute(select(t).where(t.c.day >= first, t.c.day <= last)
                                 .order_by(t.c.sender, t.c.day, t.c.unit))
        return [(r.sender, r.day, r.unit, json.loads(r.counts)) for r in rows]

    # -- reference data ---------------------------------------------------------------------------
    def reference(self) -> dict[str, str]:
        t = federation_reference
        return {r.kind: r.version for r in self.conn.execute(select(t.c.kind, t.c.version))}

    def set_reference(self, kind: str, version: str, sender: str, at: datetime) -> None:
        t = federation_reference
        self.conn.execute(delete(t).where(t.c.kind == kind))
        self.conn.execute(insert(t).values(kind=kind, version=version, sender=sender, received_at=at))

    def queued(self, msg_id: str) -> bool:
        """Whether the outbox holds ``msg_id`` already (sent or not)."""
        from liandong.adapters.sql.tables_federation import federation_outbox as t

        return self.conn.execute(select(t.c.msg_id).where(t.c.msg_id == msg_id)).first() is not None
