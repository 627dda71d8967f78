"""Accounts and tokens on SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from liandong.adapters.sql import tables as t
from liandong.domain.errors import DomainError
from liandong.services.ports import AccountRecord, AccountRepository


def _record(row: object) -> AccountRecord:
    r = row  # a SQLAlchemy Row
    roles = tuple(x for x in r.roles.split(",") if x)  # type: ignore[attr-defined]
    return AccountRecord(r.id, r.username, r.password_hash, r.department_code, roles)  # type: ignore[attr-defined]


class SqlAccountRepository(AccountRepository):
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, account: AccountRecord, at: datetime) -> None:
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(t.account).values(
                    id=account.id, username=account.username, password_hash=account.password_hash,
                    department_code=account.department, roles=",".join(account.roles), created_at=at))
        except IntegrityError:
            raise DomainError("account.username_taken", username=account.username) from None

    def by_username(self, username: str) -> AccountRecord | None:
        row = self.conn.execute(select(t.account).where(t.account.c.username == username)).first()
        return None if row is None else _record(row)

    def by_id(self, account_id: str) -> AccountRecord | None:
        row = self.conn.execute(select(t.account).where(t.account.c.id == account_id)).first()
        return None if row is None else _record(row)

    def add_token(self, token_hash: str, account_id: str, at: datetime, expires: datetime) -> None:
        self.conn.execute(insert(t.auth_token).values(token_hash=token_hash, account_id=account_id,
                                                      created_at=at, expires_at=expires))

    def account_for_token(self, token_hash: str, now: datetime) -> AccountRecord | None:
        a, tok = t.account, t.auth_token
        row = self.conn.execute(select(a).join(tok, tok.c.account_id == a.c.id).where(
            tok.c.token_hash == token_hash, tok.c.expires_at > now)).first()
        return None if row is None else _record(row)

    def revoke_token(self, token_hash: str) -> None:
        self.conn.execute(delete(t.auth_token).where(t.auth_token.c.token_hash == token_hash))

    def add_api_key(self, key_hash: str, name: str, at: datetime) -> None:
        self.conn.execute(insert(t.api_key).values(key_hash=key_hash, name=name, created_at=at))

    def api_client(self, key_hash: str) -> str | None:
        k = t.api_key
        found: str | None = self.conn.execute(select(k.c.name).where(k.c.key_hash == key_hash)).scalar()
        return found
