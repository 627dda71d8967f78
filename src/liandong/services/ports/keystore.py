"""Where the departments' signing keys are kept (密钥存储, decision 0042): the ledger asks a key store
for a department's key and signs through it, never holding the key itself.

Two stores: the sealed store (the private key sealed under the platform secret in the database's
``signing_key`` row, ``services.keystore``) and a PKCS#11 token (a 密码机 / HSM, where the private key
is made and stays, ``adapters.pkcs11_keys``). Either way the row keeps the public key, which is
what every verifier reads.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from datetime import datetime

from liandong.services.ports.unit_of_work import UnitOfWork

Progress = Callable[[str, int, int], None]


class EntryKey(abc.ABC):
    """One signer's key as the ledger uses it: its raw public key and a way to sign."""

    name: str
    public: bytes

    @abc.abstractmethod
    def sign(self, message: bytes) -> bytes:
        """The signature of ``message`` (Ed25519: 64 bytes); safe to call from several threads."""


class KeyStore(abc.ABC):
    """Opens, and makes on first use, the signing keys of departments (and of the platform)."""

    kind: str
    """What the configuration calls it: ``sealed`` or ``pkcs11``."""

    @abc.abstractmethod
    def key(self, uow: UnitOfWork, name: str, kind: str, now: datetime) -> EntryKey:
        """The key of ``name``, made and recorded (its public key in ``signing_key``) when there is none."""

    @abc.abstractmethod
    def create(self, uow: UnitOfWork, names: Sequence[str], now: datetime,
               progress: Progress | None = None, chunk: int = 5000) -> None:
        """Fresh keys for departments that have none yet (``liandong init``), recorded in ``uow``
        ``chunk`` at a time (``progress`` told after each)."""


HELD_IN_TOKEN = b"pkcs11"
"""What a ``signing_key`` row keeps in place of a sealed private key when the key is in a PKCS#11
token: nothing secret (a sealed key starts with its version byte, 0x01)."""
