"""The cases a phone number reported (``reporter_phone``), derived again from the stored reports:
every ``CaseReported`` that holds the reporter's phone gives one row, its digest keyed with the
platform secret (``domain.contact.phone_digest``). Migration 0030 runs it (keying the rows 0026
wrote unkeyed, and filling those of cases reported before 0026); the case store's
``rebuild_phones`` (``liandong case rekey-phones``) runs it again after the platform secret changed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

from liandong.domain.contact import phone_digest, phone_key

BATCH = 5000


def _phones(conn: Connection) -> str:
    """The query of (case, phone) of every stored report that gives a phone, by the database's own
    JSON functions (no event decoded in Python)."""
    field = ("json_extract(payload, '$.reporter_phone')" if conn.dialect.name == "sqlite"
             else "(payload::jsonb ->> 'reporter_phone')")
    return (f"SELECT case_id, {field} AS phone FROM case_event "
            f"WHERE type = 'CaseReported' AND {field} IS NOT NULL AND {field} <> ''")


def stored_phones(conn: Connection) -> int:
    """How many stored reports give a phone."""
    return int(conn.execute(text(f"SELECT count(*) FROM ({_phones(conn)}) AS reported")).scalar() or 0)


def rebuild(conn: Connection, secret: bytes | None) -> int:
    """Replace every row of ``reporter_phone`` by one per stored report with a phone, keyed with
    ``secret`` (the platform secret); the rows written. Refused (``RuntimeError``, nothing changed)
    without a secret when any report gives a phone: a digest cannot be keyed without it."""
    if secret is None:
        if stored_phones(conn):
            raise RuntimeError(
                "re-keying the reporters' phone digests (migration 0030) needs the platform secret: run "
                "the migration through `liandong init` (or bootstrap()), which gives it, or pass "
                "secret= to liandong.adapters.sql.migrate.upgrade")
        conn.execute(text("DELETE FROM reporter_phone"))  # unkeyed rows of no stored report: useless
        return 0
    key = phone_key(secret)
    return rebuild_by(conn, lambda phone: phone_digest(phone, key))


def rebuild_by(conn: Connection, digest: Callable[[str], str]) -> int:
    """Every row of ``reporter_phone`` replaced by ``digest`` of each stored report's phone."""
    conn.execute(text("DELETE FROM reporter_phone"))
    insert = text("INSERT INTO reporter_phone (phone_hash, case_id) VALUES (:phone, :case_id)")
    rows = conn.execute(text(_phones(conn))).fetchall()  # one report per case: no pair twice
    for start in range(0, len(rows), BATCH):
        conn.execute(insert, [{"phone": digest(phone), "case_id": case_id}
                              for case_id, phone in rows[start:start + BATCH]])
    return len(rows)
