"""The PKCS#11 key store (密码机 / HSM, decision 0042): departments' Ed25519 keys made inside a token
and used there through ``CKM_EDDSA``; the private key is sensitive and not extractable, so it never
leaves the device. python-pkcs11 (PyPI) drives any PKCS#11 module: a vendor's 密码机 library in a
deployment, SoftHSM2 (Debian's ``softhsm2``) in the tests.

Each key is a pair of token objects labelled with the signer's name, both with ``CKA_ID`` = the raw
public key, which the ``signing_key`` row also keeps (with ``HELD_IN_TOKEN`` where a sealed key would
be): the row says which token object signs, so two processes that made a key for one name at once
keep the one whose row was stored and destroy the other. A row sealed before the switch to the
token keeps being opened by the sealed store. The log's and the witnesses' keys stay sealed.

One session per thread (decision 0042, amended): each thread that signs opens its own session and
finds its own handle of each private key, so no thread uses another's session state; the first
session logs in with the PIN and the others share the login (PKCS#11 logs in an application, not a
session). The calls into the module stay serialised by one lock per module and process:
python-pkcs11 0.10 initialises a module with ``C_Initialize(NULL)``, which by the standard tells it
that the application does not call it from several threads at once — SoftHSM2 then crashed when four
threads signed through four sessions without the lock. After a fork the module is initialised again
and the child opens its own sessions.

``move_sealed_keys`` (``liandong ledger keys-to-token``) puts the keys sealed in the database before
the switch into the token and marks their rows, so that no department's private key stays in the
database; the log's and the witnesses' keys stay sealed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.services.keystore import SealedKeyStore
from liandong.services.ports.keystore import HELD_IN_TOKEN, EntryKey, KeyStore, Progress
from liandong.services.ports.unit_of_work import UnitOfWork

ED25519_OID = "1.3.101.112"  # id-Ed25519 (RFC 8410), the curve named in CKA_EC_PARAMS


class TokenKey(EntryKey):
    """A private key object in the token, signing with ``CKM_EDDSA`` in the calling thread's session."""

    def __init__(self, name: str, public: bytes, store: Pkcs11KeyStore) -> None:
        self.name, self.public, self._store = name, public, store

    def sign(self, message: bytes) -> bytes:
        from pkcs11 import Mechanism

        store = self._store
        with store.calls:
            return bytes(store._private(self.name, self.public).sign(message, mechanism=Mechanism.EDDSA))


class _Session(threading.local):
    """One thread's session of the token and its handles of the private keys (by public key)."""

    session: Any = None
    pid = 0
    handles: dict[bytes, Any]

    def __init__(self) -> None:
        self.handles = {}


class Pkcs11KeyStore(KeyStore):
    """Keys in the PKCS#11 token labelled ``token`` of the module at ``module``."""

    kind = "pkcs11"

    def __init__(self, module: str, token: str, pin: str, sealed: SealedKeyStore) -> None:
        self.module, self.token, self._pin, self.sealed = module, token, pin, sealed
        self.calls = _module_lock(module)  # every call into the module, from any thread (see above)
        self._lock = self.calls
        self._local = _Session()
        self._sessions: list[Any] = []  # every session opened in this process (closed by ``close``)
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
            self._private(name, stored[1])  # refused now, in words, when the token lacks it
            found = TokenKey(name, stored[1], self)
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

        with self.calls:
            params = self._open().create_domain_parameters(
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

        with self.calls:
            self._open().create_object({
                Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.KEY_TYPE: KeyType.EC_EDWARDS,
                Attribute.EC_PARAMS: encode_named_curve_parameters(ED25519_OID), Attribute.VALUE: private,
                Attribute.TOKEN: True, Attribute.PRIVATE: True, Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False, Attribute.SIGN: True, Attribute.LABEL: name,
                Attribute.ID: public})

    def holds(self, public: bytes) -> bool:
        """Whether the token has a private key of id ``public``."""
        from pkcs11 import Attribute, ObjectClass

        with self.calls:
            found = self._open().get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: public})
            return any(True for _ in found)

    def destroy(self, public: bytes) -> None:
        """Remove the token's objects of the key ``public`` (one made in vain)."""
        from pkcs11 import Attribute

        with self.calls:
            for found in list(self._open().get_objects({Attribute.ID: public})):
                found.destroy()
            self._local.handles.pop(public, None)

    def close(self) -> None:
        """Close every session this store opened in this process (those of ended threads too)."""
        with self.calls:
            sessions, self._sessions = self._sessions, []
            for session in sessions:
                try:
                    session.close()
                except Exception:  # a session the module already dropped
                    continue
            self._local = _Session()

    def _private(self, name: str, public: bytes) -> Any:
        """This thread's handle of the private key ``public`` (found once per thread)."""
        local = self._local
        handle = local.handles.get(public) if local.pid == os.getpid() else None
        if handle is not None:
            return handle
        from pkcs11 import ObjectClass
        from pkcs11.exceptions import NoSuchKey

        try:
            with self.calls:
                handle = self._open().get_key(object_class=ObjectClass.PRIVATE_KEY, id=public)
            local.handles[public] = handle
        except NoSuchKey:
            raise DomainError("ledger.key_not_in_token", name=name, token=self.token,
                              key_id=public.hex()[:16]) from None
        return handle

    def _open(self) -> Any:
        """The calling thread's logged-in session (opened on its first use, and again in a child)."""
        local = self._local
        if local.session is not None and local.pid == os.getpid():
            return local.session
        import pkcs11
        from pkcs11.exceptions import PKCS11Error, UserAlreadyLoggedIn

        with self.calls:
            try:
                lib = pkcs11.lib(self.module)
                if self._pid and self._pid != os.getpid():  # forked: the parent's sessions are gone
                    lib.reinitialize()
                    self._sessions = []
                token = lib.get_token(token_label=self.token)
                try:
                    session = token.open(user_pin=self._pin, rw=True)
                except UserAlreadyLoggedIn:  # another session of this process logged in: shared
                    session = token.open(rw=True)
            except (PKCS11Error, RuntimeError, OSError) as exc:
                raise DomainError("ledger.token_unavailable", module=self.module, token=self.token,
                                  problem=type(exc).__name__ + (f": {exc}" if str(exc) else "")) from None
            self._pid = os.getpid()
            self._sessions.append(session)
        local.session, local.pid, local.handles = session, os.getpid(), {}
        return session


def move_sealed_keys(uow: UnitOfWork, store: Pkcs11KeyStore, names: Sequence[str] | None = None,
                     progress: Callable[[str], None] | None = None) -> list[str]:
    """Put the keys sealed in the database (all but the log's and the witnesses', or ``names``) into
    the token and mark their rows as held there; the names moved. Each key is opened with the platform
    secret, checked against its public key, imported (unless the token holds it already: a move cut
    short is run again), made to sign a probe that must verify, and only then is its row changed:
    nothing is lost when the device refuses. The caller commits."""
    from liandong.ledger.suite import open_private_key

    suite = store.sealed.suite
    wanted = None if names is None else set(names)
    moved: list[str] = []
    for name, kind, public, sealed in uow.ledger.sealed_keys():
        if kind in STAYS_SEALED or (wanted is not None and name not in wanted):
            continue
        private = open_private_key(sealed, store.sealed.secret)
        if suite.public_key(private) != public:
            raise DomainError("ledger.key_mismatch", name=name)
        if not store.holds(public):
            store.import_key(name, private, public)
        probe = b"liandong/keys-to-token/" + name.encode()
        if not suite.verify(public, probe, TokenKey(name, public, store).sign(probe)):
            raise DomainError("ledger.key_mismatch", name=name)
        uow.ledger.hold_in_token(name, public)
        store._keys.pop(name, None)
        store.sealed._keys.pop(name, None)
        moved.append(name)
        if progress is not None:
            progress(name)
    if wanted is not None and (unknown := sorted(wanted - set(moved))):
        raise DomainError("ledger.no_sealed_key", names=", ".join(unknown))
    return moved


_LOCKS: dict[str, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def _module_lock(module: str) -> threading.RLock:
    """The process's one lock of the PKCS#11 module at ``module`` (shared by all its stores)."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(module, threading.RLock())


STAYS_SEALED = frozenset({"log", "witness"})
"""The kinds of key that stay sealed: the log's and the in-process witnesses' (decision 0011)."""


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
