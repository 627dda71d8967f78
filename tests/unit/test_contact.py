"""A reporter's phone (issue 20, finding 12d): a Chinese mobile or landline number, or nothing."""

from __future__ import annotations

import pytest

from liandong.domain.contact import check_phone
from liandong.domain.errors import DomainError
from liandong.i18n.messages import explain


@pytest.mark.parametrize(("given", "kept"), [
    ("13812345678", "13812345678"), (" 139 0000 1111 ", "13900001111"),
    ("010-12345678", "010-12345678"), ("051082345678", "051082345678"), ("0510-8234567", "0510-8234567"),
    ("010-12345678-123", "010-12345678-123"), ("0510-82345678转8", "0510-82345678转8"),
    ("021-87654321#66", "021-87654321#66"), ("", ""), ("  ", "")])
def test_12d_mobiles_and_landlines_are_taken(given: str, kept: str) -> None:
    assert check_phone(given) == kept


@pytest.mark.parametrize("given", ["12345", "12812345678", "1381234567", "138123456789",
                                   "+8613812345678", "010-123456", "10-12345678", "call me",
                                   "13812345678;drop", "0510-82345678x"])
def test_12d_anything_else_is_refused_saying_what_is_allowed(given: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_phone(given)
    assert refused.value.code == "case.bad_phone"
    zh = explain(refused.value, "zh")
    assert "手机号（1 开头的 11 位数字" in zh and given in zh
    assert "give a Chinese mobile number" in explain(refused.value, "en")
