"""Errors of the ledger: a stable code and the facts needed to explain the refusal."""

from __future__ import annotations

from typing import Any

from liandong.domain.errors import DomainError


class LedgerError(DomainError, ValueError):
    """Malformed or unverifiable ledger input. ``code`` names it (``ledger.*``); ``params`` say where/why.

    A ``DomainError`` so the edges translate it like any other refusal, and a ``ValueError`` because it
    is always about a bad value handed to the ledger, never about the ledger's own state.
    """

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code, **params)
