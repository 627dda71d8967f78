"""Documents attached at 办结 and 协办反馈 (情况说明、整改报告): PDF only, read with pypdf to check that
it is a whole, unencrypted PDF of a sensible length before it is kept. Kept as sent (a PDF is not
re-encoded like a photo); served to staff as a download, never shown inline."""

from __future__ import annotations

import io
import logging

from liandong.domain.errors import DomainError
from liandong.services.ports.photos import CheckedDocument

DOCUMENT_LIMIT = 10 * 1024 * 1024
"""Largest document kept (bytes)."""
MAX_PAGES = 500

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is refused, not logged at length


def check_pdf(data: bytes) -> CheckedDocument:
    """The document if it is a readable, unencrypted PDF within the limits; else its refusal."""
    if len(data) > DOCUMENT_LIMIT:
        raise DomainError("document.too_large", limit=DOCUMENT_LIMIT // 1_048_576)
    if not data.lstrip()[:5] == b"%PDF-":
        raise DomainError("document.not_pdf")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DomainError("document.encrypted")
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        raise DomainError("document.unreadable") from None
    if not 1 <= pages <= MAX_PAGES:
        raise DomainError("document.pages", limit=MAX_PAGES)
    return CheckedDocument(data, pages)
