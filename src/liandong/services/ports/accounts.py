"""Accounts, tokens and API keys."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AccountRecord:
    id: str
    username: str
    password_hash: str
    department: str | None
    roles: tuple[str, ...]


class AccountRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, account: AccountRecord, at: datetime) -> None:
        """Store a new account; a taken username raises ``account.username_taken``."""

    @abc.abstractmethod
    def by_username(self, username: str) -> AccountRecord | None: ...

    @abc.abstractmethod
    def by_id(self, account_id: str) -> AccountRecord | None: ...

    @abc.abstractmethod
    def add_token(self, token_hash: str, account_id: str, at: datetime, expires: datetime) -> None: ...

    @abc.abstractmethod
    def account_for_token(self, token_hash: str, now: datetime) -> AccountRecord | None:
        """The account of an unexpired token."""

    @abc.abstractmethod
    def revoke_token(self, token_hash: str) -> None:
        """Sign-out: the token no longer identifies anyone."""

    @abc.abstractmethod
    def add_api_key(self, key_hash: str, name: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def api_client(self, key_hash: str) -> str | None:
        """The name of the client holding this API key (Open311 intake)."""
