"""Verification of the shared record (``liandong ledger verify``): every leaf, subtree, signature and
checkpoint recomputed from storage, naming the first entry that does not match.

Hashes are recomputed in the caller's process while the signatures are checked on every core:
from ``parallel_from`` entries on, chunks of leaves go to worker processes as they are read."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from liandong.domain.errors import DomainError
from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.note import Checkpoint, Verifier, parse_note, verify_note
from liandong.ledger.suite import Suite, suite_by_name
from liandong.ledger.verify import LogVerification, Mismatch, verify_log
from liandong.services.ports import UnitOfWork

LOG_KEY = "liandong-log"


def verify_ledger(uow: UnitOfWork, suite: Suite, witnesses: Sequence[str], *, parallel_from: int = 20_000,
                  chunk: int = 5_000) -> VerifyReport:
    """Recompute every leaf, subtree, signature and checkpoint from storage; ``witnesses`` are the
    codes of the levels whose cosignatures the checkpoints carry."""
    keys = uow.ledger.public_keys()
    checkpoints = uow.ledger.checkpoints()
    parallel = uow.ledger.size() >= parallel_from
    pool: ProcessPoolExecutor | None = None
    futures: list[Future[tuple[int, str] | None]] = []
    pending: list[tuple[int, str, bytes]] = []
    first_bad: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal pool
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        if pool is None and parallel:
            workers = max(1, min(4, os.cpu_count() or 1))
            pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_keys,
                                       initargs=(keys, suite.name))
        if pool is not None:
            futures.append(pool.submit(_check_chunk, batch))
        else:
            found = _first_bad(batch, keys, suite)
            if found is not None:
                first_bad.append(found)

    def entries() -> Iterable[tuple[int, bytes]]:
        for index, signer, leaf in uow.ledger.leaves():
            pending.append((index, signer, leaf))
            if len(pending) >= chunk:
                flush()
            yield index, leaf

    try:
        result = verify_log(entries(), uow.ledger.hashes,
                            checkpoint_roots={size: head for size, head, _ in checkpoints},
                            hash_new=suite.hash_new)
        flush()
        first_bad.extend(found for found in (f.result() for f in futures) if found is not None)
    finally:
        if pool is not None:
            pool.shutdown()
    note_problem = _check_checkpoints(checkpoints, keys, suite, witnesses)
    bad = min(first_bad) if first_bad else None
    return VerifyReport(result, bad, note_problem)


def _check_checkpoints(checkpoints: list[tuple[int, bytes, str]], keys: dict[str, bytes], suite: Suite,
                       witness_codes: Sequence[str]) -> tuple[int, str] | None:
    if LOG_KEY not in keys:
        return None if not checkpoints else (checkpoints[0][0], "the log key is missing")
    log = Verifier(LOG_KEY, keys[LOG_KEY], suite=suite)
    witnesses = [Verifier(n, keys[n], cosignature=True, suite=suite)
                 for n in (f"witness-{c}" for c in witness_codes) if n in keys]
    for size, head, text in checkpoints:
        try:
            note = parse_note(text)
            verify_note(note, [log])
            for witness in witnesses:
                verify_note(note, [witness])
            body = Checkpoint.parse(note.text)
        except DomainError as exc:
            return size, f"checkpoint signature: {exc.code}"
        if (body.size, body.root) != (size, head):
            return size, "checkpoint note differs from its stored size or root"
    return None


@dataclass(frozen=True)
class VerifyReport:
    log: LogVerification
    bad_signature: tuple[int, str] | None
    bad_checkpoint: tuple[int, str] | None

    @property
    def ok(self) -> bool:
        return self.log.ok and self.bad_signature is None and self.bad_checkpoint is None

    @property
    def first_bad_entry(self) -> int | None:
        """The index of the first entry that does not match, whatever the reason."""
        candidates = []
        if self.log.mismatch is not None:
            candidates.append(self.log.mismatch.first_leaf)
        if self.bad_signature is not None:
            candidates.append(self.bad_signature[0])
        return min(candidates) if candidates else None

    @property
    def mismatch(self) -> Mismatch | None:
        return self.log.mismatch


_KEYS: dict[str, bytes] = {}
_SUITE: list[Suite] = []


def _worker_keys(keys: dict[str, bytes], suite_name: str) -> None:
    """Worker initialiser: the public keys and suite, sent once per process."""
    _KEYS.update(keys)
    _SUITE.append(suite_by_name(suite_name))


def _check_chunk(batch: list[tuple[int, str, bytes]]) -> tuple[int, str] | None:
    return _first_bad(batch, _KEYS, _SUITE[0])


def _first_bad(batch: list[tuple[int, str, bytes]], keys: dict[str, bytes],
               suite: Suite) -> tuple[int, str] | None:
    """The first leaf of ``batch`` whose envelope or signature does not verify."""
    for index, signer, leaf in batch:
        try:
            document = json.loads(leaf)
            signature = base64.b64decode(document.pop("sig"), validate=True)
        except (ValueError, KeyError, TypeError):
            return index, "leaf is not a signed envelope"
        if document.get("signer") != signer or signer not in keys:
            return index, f"unknown signer {signer}"
        if not suite.verify(keys[signer], canonical_bytes(document), signature):
            return index, f"signature of {signer} does not verify"
    return None
