"""Accounts and tokens: in memory and on SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from liandong.adapters.sql import tables as t
from liandong.domain.errors import DomainError
from liandong.services.ports import AccountRecord, AccountRepository


class MemoryAccountRepository(AccountRepository):
    def __init__(self) -> None:
        self.accounts: dict[str, AccountRecord] = {}
        self.tokens: dict[str, tuple[str, datetime]] = {}
        self.api_keys: dict[str, str] = {}

    def add(self, account: AccountRecord, at: datetime) -> None:
        if any(a.username == account.username for a in self.accounts.values()):
            raise DomainError("account.username_taken", username=account.username)
        self.accounts[account.id] = account

    def by_username(self, username: str) -> AccountRecord | None:
        return next((a for a in self.accounts.values() if a.username == username), None)

    def by_id(self, account_id: str) -> AccountRecord | None:
        return self.accounts.get(account_id)

    def add_token(self, token_hash: str, account_id: str, at: datetime, expires: datetime) -> None:
        self.tokens[token_hash] = (account_id, expires)

    def account_for_token(self, token_hash: str, now: datetime) -> AccountRecord | None:
        found = self.tokens.get(token_hash)
        if found is None or found[1] <= now:
            return None
        return self.accounts.get(found[0])

    def revoke_token(self, token_hash: str) -> None:
        self.tokens.pop(token_hash, None)

    def add_api_key(self, key_hash: str, name: str, at: datetime) -> None:
        self.api_keys[key_hash] = name

    def api_client(self, key_hash: str) -> str | None:
        return self.api_keys.get(key_hash)


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
