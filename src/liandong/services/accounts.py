"""Accounts: creation, sign-in with Argon2-hashed passwords, and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from liandong.domain.access import Principal, StaffRole
from liandong.domain.errors import DomainError
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
