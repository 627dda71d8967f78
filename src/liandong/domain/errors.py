"""Errors of the domain: a stable code and the facts needed to explain it in any language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal by the rules. ``code`` names it; ``params`` fill the localised message."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        detail = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code}({detail})" if detail else self.code

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its params (a refusal crosses from the writer process to the server's)."""
        return (_restore, (type(self), self.code, self.params))


def _restore(cls: type[DomainError], code: str, params: dict[str, Any]) -> DomainError:
    return cls(code, **params)


class ReferenceDataError(DomainError):
    """Reference data (systems, matter types, governance elements) that fails validation."""
