"""Accounts: creation, sign-in with Argon2-hashed passwords, and bearer tokens.

The functions take a unit of work (the services and tests compose them); the edges use ``Accounts``,
bound to the platform's store and clock, each call in a transaction of its own."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from liandong.domain.access import Principal, StaffRole
from liandong.domain.errors import DomainError
from liandong.services.clock import Clock
from liandong.services.ports import AccountRecord, UnitOfWork

TOKEN_LIFETIME = timedelta(hours=12)
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not a password")  # compare against it so unknown users cost the same


def _roles(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    allowed = [r.value for r in StaffRole]
    for name in names:
        if name not in allowed:
            raise DomainError("account.bad_role", value=name, allowed=", ".join(allowed))
    return tuple(dict.fromkeys(names))


def create_account(*, uow: UnitOfWork, username: str, password: str, department: str | None,
                   roles: list[str] | tuple[str, ...], now: datetime) -> AccountRecord:
    """A staff account belongs to a department; a citizen account has none and only that role."""
    if len(username) < 3 or not username.replace("_", "").replace("-", "").isalnum():
        raise DomainError("account.bad_username", value=username)
    if len(password) < 8:
        raise DomainError("account.weak_password", min_length=8)
    clean = _roles(roles or ["citizen"])
    if department is None and clean != ("citizen",):
        raise DomainError("account.staff_needs_department")
    if department is not None and "citizen" in clean:
        raise DomainError("account.citizen_has_no_department")
    record = AccountRecord(uuid.uuid4().hex[:20], username, _HASHER.hash(password), department, clean)
    uow.accounts.add(record, now)
    return record


def sign_in(*, uow: UnitOfWork, username: str, password: str, now: datetime) -> str:
    """A new bearer token for a valid username and password; the same refusal otherwise."""
    record = uow.accounts.by_username(username)
    try:
        _HASHER.verify(record.password_hash if record else _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        record = None
    if record is None:
        raise DomainError("account.bad_credentials")
    token = secrets.token_urlsafe(32)
    uow.accounts.add_token(token_digest(token), record.id, now, now + TOKEN_LIFETIME)
    return token


def create_api_key(*, uow: UnitOfWork, name: str, now: datetime, key: str | None = None) -> str:
    """A new API key for an Open311 client; only its hash is stored."""
    issued = key or secrets.token_urlsafe(24)
    uow.accounts.add_api_key(token_digest(issued), name, now)
    return issued


def sign_out(*, uow: UnitOfWork, token: str) -> None:
    uow.accounts.revoke_token(token_digest(token))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_for(*, uow: UnitOfWork, token: str, now: datetime) -> Principal | None:
    record = uow.accounts.account_for_token(token_digest(token), now)
    if record is None:
        return None
    return Principal(record.id, record.username, frozenset(StaffRole(r) for r in record.roles),
                     record.department)


@dataclass(frozen=True)
class Accounts:
    """Accounts for the edges (sign-in by the form, the API and the CLI), on the injected clock."""

    uow: Callable[[], UnitOfWork]
    clock: Clock

    def sign_in(self, username: str, password: str) -> str:
        with self.uow() as uow:
            token = sign_in(uow=uow, username=username, password=password, now=self.clock.now())
            uow.commit()
        return token

    def staff_session(self, username: str, password: str) -> str:
        """A token for a staff member (the workbench): a citizen's right password is answered
        ``web.staff_only`` and leaves no token behind."""
        with self.uow() as uow:
            now = self.clock.now()
            token = sign_in(uow=uow, username=username, password=password, now=now)
            user = principal_for(uow=uow, token=token, now=now)
            if user is None or user.is_citizen:
                sign_out(uow=uow, token=token)
                uow.commit()
                raise DomainError("web.staff_only")
            uow.commit()
        return token

    def sign_out(self, token: str) -> None:
        with self.uow() as uow:
            sign_out(uow=uow, token=token)
            uow.commit()

    def principal(self, token: str) -> Principal | None:
        """Who holds this bearer token now (None: unknown, expired or revoked)."""
        with self.uow() as uow:
            return principal_for(uow=uow, token=token, now=self.clock.now())

    def api_client(self, api_key: str) -> str | None:
        """The Open311 client an API key was issued to, if any."""
        with self.uow() as uow:
            return uow.accounts.api_client(token_digest(api_key))

    def create(self, *, username: str, password: str, department: str | None,
               roles: list[str] | tuple[str, ...]) -> AccountRecord:
        with self.uow() as uow:
            record = create_account(uow=uow, username=username, password=password, department=department,
                                    roles=roles, now=self.clock.now())
            uow.commit()
        return record

    def create_api_key(self, name: str) -> str:
        with self.uow() as uow:
            key = create_api_key(uow=uow, name=name, now=self.clock.now())
            uow.commit()
        return key
