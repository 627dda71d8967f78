"""Accounts and tokens in memory (tests, the simulator)."""

from __future__ import annotations

from datetime import datetime

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
