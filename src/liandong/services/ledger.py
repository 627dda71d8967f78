"""共享记录: every stored event is signed by the acting department and appended to the Merkle log
in the same transaction; checkpoints are signed by the log and cosigned by the provincial and
central witnesses; receipts and full verification read it back.

Leaves are public (a citizen's receipt carries one; the log is served as tiles), so an event's
personal and free-text fields are not in its leaf: a version 3 leaf carries ``commitments`` to them
instead, salted per case or instrument, the salt kept beside it (``liandong.ledger.commitment``).
Version 1 (everything in clear) and 2 (personal fields committed) leaves, written before, are
unchanged (decisions 0008, 0031).
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from liandong.domain.aggregate import DomainEvent, concealed_fields
from liandong.domain.cases.events import CaseReported
from liandong.domain.codec import to_payload
from liandong.domain.errors import DomainError
from liandong.ledger.canonical import canonical_bytes, canonical_members
from liandong.ledger.commitment import SALT_BYTES, conceal, opens
from liandong.ledger.merkle import consistency_proof, inclusion_proof, root
from liandong.ledger.note import Checkpoint, Signer, Verifier, sign_checkpoint
from liandong.ledger.receipt import make_receipt
from liandong.ledger.suite import SHA256_ED25519, Suite
from liandong.ledger.witness import Witness
from liandong.services.keystore import SealedKeyStore
from liandong.services.keystore import derive_private_key as derive_private_key  # tests import it here
from liandong.services.ledger_audit import LOG_KEY, VerifyReport, verify_ledger
from liandong.services.ports import LedgerEntry, Stored, UnitOfWork
from liandong.services.ports.keystore import EntryKey, KeyStore
from liandong.services.ports.witness import Cosigner
from liandong.services.randomness import random_bytes
from liandong.services.witnessing import collect_cosignatures

PLATFORM_SIGNER = "platform"
LEAF_VERSION = 3
"""1: the event in full; 2: personal fields as commitments; 3 (public leaves, decision 0031): every
personal and free-text field of the event's type as a commitment, whatever its value."""
DEFAULT_ORIGIN = "liandong.gov.cn/log"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


PARALLEL_SIGNING = 64
"""Batches of at least this many envelopes are signed on several threads."""


@dataclass(frozen=True, slots=True)
class _Unsigned:
    """An envelope ready to sign: its canonical bytes and who signs it with which key."""

    seq: int | None
    subject: str
    signer: str
    key: EntryKey
    members: dict[str, bytes]
    """The canonical bytes of each member of the envelope: joined to sign (``message``), joined
    again with the signature to append, so that the event is encoded once."""
    message: bytes

    @classmethod
    def of(cls, seq: int | None, subject: str, signer: str, key: EntryKey,
           body: dict[str, object]) -> _Unsigned:
        members = {name: canonical_bytes(value) for name, value in body.items()}
        return cls(seq, subject, signer, key, members, canonical_members(members))


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _signing_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _signing_pool() -> ThreadPoolExecutor:
    """One small pool per process, made on first use."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=_signing_threads(), thread_name_prefix="ledger-sign")
        return _POOL


def signer_of(actor: str) -> str:
    """Departments sign their own acts; reporters' and system events are signed by the platform."""
    return actor if "-" in actor else PLATFORM_SIGNER


@dataclass
class Ledger:
    """Signs and appends events, issues checkpoints and receipts, verifies the whole log."""

    secret: bytes
    origin: str = DEFAULT_ORIGIN
    witnesses: tuple[str, ...] = ("100000",)
    suite: Suite = SHA256_ED25519
    leaf_version: int = LEAF_VERSION
    """The envelope version written (earlier ones only to make the leaves of older releases, for
    the tests that show they still verify)."""
    cosigners: tuple[Cosigner, ...] = ()
    """Independent witnesses (decision 0035); when there are any, they cosign instead of the
    in-process ``witnesses``, whose keys derive from this node's secret and so prove nothing beyond
    this host."""
    on_refusal: Callable[[Mapping[str, str]], None] | None = None
    """Where a witness's refusal goes (the ledger alarm)."""
    keys: KeyStore | None = None
    """Where the departments' and the platform's signing keys are (decision 0042); None: the sealed
    store, as the log's and the witnesses' keys always are."""
    sealed: SealedKeyStore = field(init=False, repr=False)

    # -- keys ---------------------------------------------------------------------------------
    def __post_init__(self) -> None:
        self.sealed = SealedKeyStore(self.secret, self.suite)
        if self.keys is None:
            self.keys = self.sealed

    def private_key(self, uow: UnitOfWork, name: str, kind: str, now: datetime) -> bytes:
        """The private key of the log, a witness (or, in the sealed store, any signer), opened from
        its sealed row; made on first use (``SealedKeyStore``)."""
        return self.sealed.key(uow, name, kind, now).private

    def entry_key(self, uow: UnitOfWork, signer: str, now: datetime) -> EntryKey:
        """The key that signs the entries of ``signer`` (a department or the platform), from the
        configured key store (decision 0042)."""
        assert self.keys is not None
        return self.keys.key(uow, signer, "platform" if signer == PLATFORM_SIGNER else "department", now)

    def create_keys(self, uow: UnitOfWork, names: Iterable[str], now: datetime,
                    progress: Callable[[str, int, int], None] | None = None, chunk: int = 5000) -> int:
        """A key pair for every department named that has none yet (``liandong init``), in the
        configured key store."""
        assert self.keys is not None
        existing = set(uow.ledger.public_keys())
        todo = [n for n in dict.fromkeys(names) if n not in existing]
        if todo:
            self.keys.create(uow, todo, now, progress, chunk)
        return len(todo)

    def log_signer(self, uow: UnitOfWork, now: datetime) -> Signer:
        return Signer(LOG_KEY, self.private_key(uow, LOG_KEY, "log", now), suite=self.suite)

    def witness(self, uow: UnitOfWork, code: str, now: datetime) -> Witness:
        name = f"witness-{code}"
        return Witness(name, self.private_key(uow, name, "witness", now), suite=self.suite,
                       state=uow.ledger.witness_state(name))

    # -- appending ------------------------------------------------------------------------------
    def leaf(self, uow: UnitOfWork, stored: Stored[DomainEvent], now: datetime) -> LedgerEntry:
        """The signed envelope of one event; the signature is checked before it is appended.

        An event with personal fields gets a fresh salt, kept with its case, and commitments to
        those fields in place of their values (envelope version 3: its free texts too)."""
        return self._sign([self._unsigned(uow, stored, now)])[0]

    def record(self, uow: UnitOfWork, stored: Sequence[Stored[DomainEvent]], now: datetime) -> None:
        """Append the events of one transaction (one batch: group commit), of any aggregate."""
        if stored:
            uow.ledger.append(self._sign([self._unsigned(uow, s, now) for s in stored]))

    def record_other(self, uow: UnitOfWork, subject: str, stream: str, event: dict[str, object],
                     now: datetime) -> int:
        """Append one entry that records no aggregate's event (the federation's hand-overs, issue
        27): signed by the platform, ``stream`` naming what it records, ``subject`` its id; returns
        its index. Whoever appends it keeps the row that accounts for it (the state cross-check)."""
        key = self.entry_key(uow, PLATFORM_SIGNER, now)
        body: dict[str, object] = {"v": self.leaf_version, "seq": None, "signer": PLATFORM_SIGNER,
                                   "stream": stream, "event": event}
        return uow.ledger.append(self._sign([_Unsigned.of(None, subject, PLATFORM_SIGNER, key, body)]))

    def _unsigned(self, uow: UnitOfWork, stored: Stored[DomainEvent], now: datetime) -> _Unsigned:
        """The envelope of one event, its aggregate's id as the subject. The events of a stream
        other than the cases' (``DomainEvent.stream``: "instrument") say which in the envelope, are
        numbered in their own table, and so link to no case event (the entry's seq is None)."""
        signer = signer_of(stored.event.actor)
        key = self.entry_key(uow, signer, now)
        event = stored.event
        payload = dict(stored.payload) if stored.payload is not None else to_payload(event)
        version = self.leaf_version
        body: dict[str, object] = {"v": version, "seq": stored.seq, "signer": signer, "event": payload}
        if event.stream:
            body["stream"] = event.stream
        concealed = concealed_fields(event) if version >= 3 else event.personal_fields
        if version == 1 or (version == 2 and not concealed):
            body["v"] = 1
        elif concealed:
            salt = self.salt(uow, event, create=True)
            assert salt is not None
            body["event"], body["commitments"] = conceal(payload, concealed, salt,
                                                         hash_new=self.suite.hash_new)
        return _Unsigned.of(None if event.stream else stored.seq, event.aggregate_id, signer, key, body)

    def _sign(self, todo: list[_Unsigned]) -> list[LedgerEntry]:
        """Sign every envelope and check each signature before anything is appended.

        Ed25519 runs in libsodium, which lets go of the interpreter lock: from ``PARALLEL_SIGNING``
        envelopes on, the work is shared by a few threads so that a batch uses every core."""
        if len(todo) >= PARALLEL_SIGNING:
            parts = _signing_threads()
            step = -(-len(todo) // parts)
            chunks = [todo[i:i + step] for i in range(0, len(todo), step)]
            signatures = [s for part in _signing_pool().map(self._signatures, chunks) for s in part]
        else:
            signatures = self._signatures(todo)
        entries: list[LedgerEntry] = []
        for item, signature in zip(todo, signatures, strict=True):
            if signature is None:
                raise DomainError("ledger.bad_signature", signer=item.signer, seq=item.seq)
            signed = canonical_members({**item.members, "sig": canonical_bytes(b64(signature))})
            entries.append((item.seq, item.subject, item.signer, signed))
        return entries

    def _signatures(self, todo: Sequence[_Unsigned]) -> list[bytes | None]:
        """Each envelope's signature, or None where the check of the signature just made fails."""
        suite = self.suite
        out: list[bytes | None] = []
        for item in todo:
            signature = item.key.sign(item.message)
            ok = suite.verify(item.key.public, item.message, signature)
            out.append(signature if ok else None)
        return out

    @staticmethod
    def salt(uow: UnitOfWork, event: DomainEvent, *, create: bool = False) -> bytes | None:
        """The salt of the commitments of ``event``'s aggregate (one a case: the report's, for the
        e-mail and every text too; one an instrument), made on first need with ``create``."""
        store = uow.instruments if event.stream == "instrument" else uow.cases
        salt = store.salt(event.aggregate_id)
        if salt is None and create:
            salt = random_bytes(SALT_BYTES)
            store.add_salt(event.aggregate_id, salt)
        return salt

    def personal_data_opens(self, uow: UnitOfWork, case_id: str) -> bool | None:
        """Whether the leaf of a case's report commits to the report stored with the case (every
        committed field: the reporter's data, and in a version 3 leaf the texts); None when that
        leaf has no commitments (written before them) or the salt is gone."""
        events = uow.cases.events(case_id)
        report = events[0] if events else None
        salt = uow.cases.salt(case_id)
        if not isinstance(report, CaseReported) or salt is None:
            return None
        for _, leaf in uow.ledger.entries_of_case(case_id):
            document = json.loads(leaf)
            if document.get("event", {}).get("type") == "CaseReported":
                commitments = document.get("commitments")
                if not isinstance(commitments, dict):
                    return None
                payload = to_payload(report)
                values = {name: payload.get(name, "") for name in commitments}
                return opens(commitments, values, salt, hash_new=self.suite.hash_new)
        return None

    # -- checkpoints and receipts ---------------------------------------------------------------
    def checkpoint(self, uow: UnitOfWork, now: datetime) -> str | None:
        """Sign the current tree head and have every witness cosign it; None if nothing is new."""
        size = uow.ledger.size()
        previous = uow.ledger.checkpoints()
        if size == 0 or (previous and previous[-1][0] == size):
            return None
        head = root(uow.ledger.hashes, size, hash_new=self.suite.hash_new)
        note = sign_checkpoint(Checkpoint(self.origin, size, head), self.log_signer(uow, now))
        log_vkey = self.log_signer(uow, now).vkey
        lines = []
        if self.cosigners:
            lines = collect_cosignatures(uow, self.suite, self.origin, note, size, head, self.cosigners, now,
                                         self.on_refusal)
        for code in () if self.cosigners else self.witnesses:
            witness = self.witness(uow, code, now)
            old = witness.last_cosigned(self.origin)
            proof = (consistency_proof(uow.ledger.hashes, old[0], size, hash_new=self.suite.hash_new)
                     if old else [])
            lines.append(witness.cosign(note, proof, log_vkey, int(now.timestamp())))
            uow.ledger.save_witness_state(witness.name, self.origin, size, head)
        cosigned = note + "".join(lines)
        uow.ledger.add_checkpoint(size, head, cosigned, now)
        return cosigned

    def receipt(self, uow: UnitOfWork, case_id: str) -> bytes:
        """A citizen's receipt for the latest event of a case under the latest checkpoint; with the
        salt of the case's commitments (receipt version 2), so that its holder — the reporter, a
        department on the case — can open them (decision 0031). A case without a salt (logged
        before commitments) gets a version 1 receipt, as before."""
        checkpoints = uow.ledger.checkpoints()
        entries = uow.ledger.entries_of_case(case_id)
        if not entries:
            raise DomainError("case.unknown", case_id=case_id)
        if not checkpoints:
            raise DomainError("ledger.no_checkpoint")
        size, _, note = checkpoints[-1]
        covered = [(i, leaf) for i, leaf in entries if i < size]
        if not covered:
            raise DomainError("ledger.not_yet_checkpointed", case_id=case_id)
        index, leaf = covered[-1]
        proof = inclusion_proof(uow.ledger.hashes, index, size, hash_new=self.suite.hash_new)
        keys = uow.ledger.public_keys()
        log_vkey = Verifier(LOG_KEY, keys[LOG_KEY], suite=self.suite).vkey
        witness_vkeys = [Verifier(f"witness-{c}", keys[f"witness-{c}"], cosignature=True,
                                  suite=self.suite).vkey for c in self.witnesses
                         if f"witness-{c}" in keys] + [c.vkey for c in self.cosigners
                                                         if f"\n— {c.name} " in note]
        return make_receipt(leaf=leaf, index=index, proof=proof, checkpoint=note, log_key=log_vkey,
                            witness_keys=witness_vkeys, salt=uow.cases.salt(case_id))

    # -- verification ---------------------------------------------------------------------------
    def verify(self, uow: UnitOfWork, *, since: int = 0, kept: tuple[str, str] | None = None,
               state: bool = True, parallel_from: int = 20_000, chunk: int = 5_000) -> VerifyReport:
        """Recompute every leaf, subtree, signature and checkpoint from storage (from entry ``since``
        on), check the stored state against the log and the log against every cosigned checkpoint
        kept (``kept``: the copy outside the database, (where, note)); ``ledger_audit``."""
        return verify_ledger(uow, self.suite, self.witnesses, origin=self.origin, since=since, kept=kept,
                             state=state, parallel_from=parallel_from, chunk=chunk,
                             cosigners=[c.vkey for c in self.cosigners])
