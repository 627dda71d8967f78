"""Documents attached at 办结 and 协办反馈 (issue 23 point 8): a readable, unencrypted PDF of 1–500 pages
within 10 MB, each refusal named."""

from __future__ import annotations

import pytest

from liandong.adapters.documents import DOCUMENT_LIMIT, check_pdf
from liandong.domain.errors import DomainError
from tests.factories.photos import jpeg, pdf


def test_a_real_pdf_is_kept_as_sent_with_its_pages() -> None:
    data = pdf(pages=3)
    checked = check_pdf(data)
    assert checked.data == data and checked.pages == 3


@pytest.mark.parametrize(("content", "code"), [
    (lambda: pdf(password="secret"), "document.encrypted"),
    (lambda: b"%PDF-1.7\n" + b"0" * 200, "document.unreadable"),
    (lambda: pdf()[: len(pdf()) // 3], "document.unreadable"),
    (lambda: jpeg(), "document.not_pdf"),
    (lambda: b"%PDF-1.4\n" + b" " * (DOCUMENT_LIMIT + 1), "document.too_large"),
])
def test_what_is_not_a_whole_plain_pdf_is_refused_by_name(content, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        check_pdf(content())
    assert refused.value.code == code
