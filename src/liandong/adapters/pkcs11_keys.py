"""The PKCS#11 key store (密码机 / HSM, decision 0042): departments' Ed25519 keys made inside a token
and used there through ``CKM_EDDSA``; the private key is sensitive and not extractable, so it never
leaves the device. python-pkcs11 (PyPI) drives any PKCS#11 module: a vendor's 密码机 library in a
deployment, SoftHSM2 (Debian's ``softhsm2``) in the tests.

Each key is a pair of token objects labelled with the signer's name, both with ``CKA_ID`` = the raw
public key, which the ``signing_key`` row also keeps (with ``HELD_IN_TOKEN`` where a sealed key would
be): the row says which token object signs, so two processes that made a key for one name at once
keep the one whose row was stored and destroy the other. A row sealed before the switch to the
token keeps being opened by the sealed store. The log's and the witnesses' keys stay sealed.

One session per store, logged in with the PIN, shared by the signing threads under a lock (a token
lets an application log in once: a second store of the process finds it logged in); after a fork
the module is initialised again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.services.keystore import SealedKeyStore
from liandong.services.ports.keystore import HELD_IN_TOKEN, EntryKey, KeyStore, Progress
from liandong.services.ports.unit_of_work import UnitOfWork

ED25519_OID = "1.3.101.112"  # id-Ed25519 (RFC 8410), the curve named in CKA_EC_PARAMS


class TokenKey(EntryKey):
    """A private key object in the token, signing with ``CKM_EDDSA`` under the store's lock."""

    def __init__(self, name: str, public: bytes, handle: Any, lock: threading.Lock) -> None:
        self.name, self.public, self._handle, self._lock = name, public, handle, lock

    def sign(self, message: bytes) -> bytes:
        from pkcs11 import Mechanism

        with self._lock:
            return bytes(self._handle.sign(message, mechanism=Mechanism.EDDSA))


class Pkcs11KeyStore(KeyStore):
    """Keys in the PKCS#11 token labelled ``token`` of the module at ``module``."""

    kind = "pkcs11"

    def __init__(self, module: str, token: str, pin: str, sealed: SealedKeyStore) -> None:
        self.module, self.token, self._pin, self.sealed = module, token, pin, sealed
        self._lock = threading.Lock()
        self._session: Any = None
        self._pid = 0
        self._keys: dict[str, EntryKey] = {}
        self._keys_pid = os.getpid()

    # -- the port -----------------------------------------------------------------------------
    def key(self, uow: UnitOfWork, name: str, kind: str, now: datetime) -> EntryKey:
        if self._keys_pid != os.getpid():  # a forked child opens its own handles
            self._keys, self._keys_pid = {}, os.getpid()
        found = self._keys.get(name)
        if found is not None:
            return found
        stored = uow.ledger.key(name)
        if stored is not None and stored[2] != HELD_IN_TOKEN:
            found = self.sealed.key(uow, name, kind, now)  # sealed before the switch: stays sealed
        else:
            if stored is None:
                made = self.generate(name)
                uow.ledger.add_key(name, kind, made, HELD_IN_TOKEN, now)
                stored = uow.ledger.key(name)
                assert stored is not None
                if stored[1] != made:  # another process stored its key first: use that one
                    self.destroy(made)
            found = TokenKey(name, stored[1], self._private(name, stored[1]), self._lock)
        self._keys[name] = found
        return found

    def create(self, uow: UnitOfWork, names: Sequence[str], now: datetime,
               progress: Progress | None = None, chunk: int = 5000) -> None:
        for start in range(0, len(names), chunk):
            part = names[start:start + chunk]
            uow.ledger.add_keys([(n, "department", self.generate(n), HELD_IN_TOKEN) for n in part], now)
            if progress is not None:
                progress("keys", start + len(part), len(names))

    # -- the token ----------------------------------------------------------------------------
    def generate(self, name: str) -> bytes:
        """A fresh Ed25519 pair made in the token for ``name``; its raw public key."""
        from pkcs11 import Attribute, KeyType, Mechanism
        from pkcs11.util.ec import encode_named_curve_parameters

        with self._lock:
            session = self._open()
            params = session.create_domain_parameters(
                KeyType.EC_EDWARDS, {Attribute.EC_PARAMS: encode_named_curve_parameters(ED25519_OID)},
                local=True)
            public, private = params.generate_keypair(
                mechanism=Mechanism.EC_EDWARDS_KEY_PAIR_GEN, store=True, label=name, id=os.urandom(16),
                public_template={Attribute.VERIFY: True},
                private_template={Attribute.SIGN: True, Attribute.SENSITIVE: True,
                                  Attribute.EXTRACTABLE: False, Attribute.PRIVATE: True})
            raw = _raw_point(bytes(public[Attribute.EC_POINT]))
            public[Attribute.ID] = raw
            private[Attribute.ID] = raw
            return raw

    def import_key(self, name: str, private: bytes, public: bytes) -> None:
        """Put an existing Ed25519 key (its 32-byte seed) into the token, sensitive and not
        extractable from then on (a key moved from the sealed store or another system)."""
        from pkcs11 import Attribute, KeyType, ObjectClass
        from pkcs11.util.ec import encode_named_curve_parameters

        with self._lock:
            self._open().create_object({
                Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.KEY_TYPE: KeyType.EC_EDWARDS,
                Attribute.EC_PARAMS: encode_named_curve_parameters(ED25519_OID), Attribute.VALUE: private,
                Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False, Attribute.SIGN: True, Attribute.LABEL: name,
                Attribute.ID: public})

    def destroy(self, public: bytes) -> None:
        """Remove the token's objects of the key ``public`` (one made in vain)."""
        from pkcs11 import Attribute

        with self._lock:
            for found in list(self._open().get_objects({Attribute.ID: public})):
                found.destroy()

    def _private(self, name: str, public: bytes) -> Any:
        from pkcs11 import ObjectClass
        from pkcs11.exceptions import NoSuchKey

        with self._lock:
            try:
                return self._open().get_key(object_class=ObjectClass.PRIVATE_KEY, id=public)
            except NoSuchKey:
                raise DomainError("ledger.key_not_in_token", name=name, token=self.token,
                                  key_id=public.hex()[:16]) from None

    def _open(self) -> Any:
        """The logged-in session of this process (opened again in a forked child); under the lock."""
        if self._session is not None and self._pid == os.getpid():
            return self._session
        import pkcs11
        from pkcs11.exceptions import PKCS11Error, UserAlreadyLoggedIn

        try:
            lib = pkcs11.lib(self.module)
            if self._pid and self._pid != os.getpid():
                lib.reinitialize()
            token = lib.get_token(token_label=self.token)
            try:
                self._session = token.open(user_pin=self._pin, rw=True)
            except UserAlreadyLoggedIn:  # another store of this process logged in: the login is shared
                self._session = token.open(rw=True)
        except (PKCS11Error, RuntimeError, OSError) as exc:
            raise DomainError("ledger.token_unavailable", module=self.module, token=self.token,
                              problem=type(exc).__name__ + (f": {exc}" if str(exc) else "")) from None
        self._pid = os.getpid()
        return self._session


def _raw_point(point: bytes) -> bytes:
    """The 32 raw bytes of an Ed25519 ``CKA_EC_POINT`` (DER OCTET STRING, as SoftHSM2 gives it, or raw)."""
    return point[2:] if len(point) == 34 and point[:2] == b"\x04\x20" else point


def key_store(settings: Settings, sealed: SealedKeyStore) -> KeyStore:
    """The store the settings choose (``LIANDONG_KEY_STORE``): ``sealed`` or ``pkcs11`` with
    ``LIANDONG_PKCS11_MODULE``, ``LIANDONG_PKCS11_TOKEN`` and ``LIANDONG_PKCS11_PIN``."""
    if settings.key_store == "sealed":
        return sealed
    missing = [n for n, v in (("LIANDONG_PKCS11_MODULE", settings.pkcs11_module),
                              ("LIANDONG_PKCS11_TOKEN", settings.pkcs11_token),
                              ("LIANDONG_PKCS11_PIN", settings.pkcs11_pin)) if not v]
    if missing:
        raise DomainError("ledger.token_unavailable", module=settings.pkcs11_module or "-",
                          token=settings.pkcs11_token or "-", problem="not set: " + ", ".join(missing))
    assert settings.pkcs11_pin is not None
    return Pkcs11KeyStore(settings.pkcs11_module, settings.pkcs11_token, settings.pkcs11_pin, sealed)
