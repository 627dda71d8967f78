"""Independent witnesses the node asks to cosign its checkpoints (decision 0035), and where their
refusals are kept for the ledger alarm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class WitnessRefusal(Exception):
    """A witness did not cosign: its HTTP ``status`` (0: unreachable), its ``reason`` (the body it
    sent, or what went wrong) and, for a 409, the ``size`` it holds."""

    def __init__(self, status: int, reason: str, size: int | None = None) -> None:
        super().__init__(f"HTTP {status}: {reason}")
        self.status, self.reason, self.size = status, reason, size


class Cosigner(Protocol):
    """A witness reached over c2sp.org/tlog-witness."""

    name: str
    url: str
    vkey: str

    def add_checkpoint(self, old_size: int, proof: Sequence[bytes], note: str) -> str:
        """The witness's cosignature line(s) for ``note``; ``WitnessRefusal`` otherwise."""
        ...


class Refusals(Protocol):
    """The latest refusal by a witness, kept where the auditor of every process reads it."""

    def refused(self, params: Mapping[str, str]) -> None: ...

    def latest(self) -> dict[str, str] | None: ...
