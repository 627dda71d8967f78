"""Accounts on memory, SQLite and PostgreSQL: Argon2 passwords, tokens, refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from liandong.domain.access import StaffRole
from liandong.domain.errors import DomainError
from liandong.services.accounts import TOKEN_LIFETIME, create_account, principal_for, sign_in
from liandong.services.ports import UnitOfWork

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_accounts_and_tokens(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        record = create_account(uow=uow, username="liangxi_1", password="s3cret-pass",
                                department="320213-urban_management", roles=["handler", "leader"], now=NOW)
        uow.commit()
    assert record.password_hash.startswith("$argon2") and "s3cret-pass" not in record.password_hash
    with uow_factory() as uow, pytest.raises(DomainError) as taken:
        create_account(uow=uow, username="liangxi_1", password="another-pass", department=None,
                       roles=["citizen"], now=NOW)
    assert taken.value.code == "account.username_taken"
    with uow_factory() as uow:
        token = sign_in(uow=uow, username="liangxi_1", password="s3cret-pass", now=NOW)
        uow.commit()
    with uow_factory() as uow:
        principal = principal_for(uow=uow, token=token, now=NOW + timedelta(hours=1))
        assert principal is not None and principal.department == "320213-urban_management"
        assert principal.roles == {StaffRole.HANDLER, StaffRole.LEADER}
        assert principal_for(uow=uow, token=token, now=NOW + TOKEN_LIFETIME) is None  # expired
        assert principal_for(uow=uow, token="forged", now=NOW) is None
    for username, password in (("liangxi_1", "wrong-pass"), ("nobody", "s3cret-pass")):
        with uow_factory() as uow, pytest.raises(DomainError, match=r"account\.bad_credentials"):
            sign_in(uow=uow, username=username, password=password, now=NOW)


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"username": "ab"}, "account.bad_username"),
    ({"password": "short"}, "account.weak_password"),
    ({"department": None, "roles": ["handler"]}, "account.staff_needs_department"),
    ({"roles": ["citizen"]}, "account.citizen_has_no_department"),
    ({"roles": ["king"]}, "account.bad_role"),
])
def test_bad_accounts_are_refused(kwargs: dict[str, object], code: str) -> None:
    from liandong.adapters.memory import MemoryUnitOfWork

    args = {"username": "valid_name", "password": "long-enough", "department": "320213-gov",
            "roles": ["handler"], **kwargs}
    with pytest.raises(DomainError) as info:
        create_account(uow=MemoryUnitOfWork(), now=NOW, **args)  # type: ignore[arg-type]
    assert info.value.code == code
