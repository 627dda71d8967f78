"""Verification of the shared record (``liandong ledger verify``): every leaf, subtree, signature and
checkpoint recomputed from storage, naming the first entry that does not match; every stored event
and projection checked against the log (``state_audit``); and the log checked against every cosigned
checkpoint the node keeps — in the database, in the witnesses' state and in the copy outside the
database — so that a log cut back is refused (decision 0028).

Hashes are recomputed in the caller's process while the signatures are checked on every core:
from ``parallel_from`` entries on, chunks of leaves go to worker processes as they are read."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from liandong.domain.errors import DomainError
from liandong.ledger.canonical import canonical_bytes
from liandong.ledger.merkle import root
from liandong.ledger.note import Checkpoint, Verifier, parse_note, verify_note
from liandong.ledger.suite import Suite, suite_by_name
from liandong.ledger.verify import LogVerification, Mismatch, verify_log
from liandong.services.ports import UnitOfWork
from liandong.services.state_audit import Finding, StateReport, check_state

LOG_KEY = "liandong-log"


def verify_ledger(uow: UnitOfWork, suite: Suite, witnesses: Sequence[str], *, origin: str = "",
                  since: int = 0, kept: tuple[str, str] | None = None, state: bool = True,
                  parallel_from: int = 20_000, chunk: int = 5_000,
                  cosigners: Sequence[str] = ()) -> VerifyReport:
    """Recompute every leaf, subtree, signature and checkpoint from storage (from entry ``since`` on),
    cross-check the stored state with the log, and the log with every cosigned checkpoint kept
    (``kept``: the copy outside the database, as (where, note)); ``witnesses`` are the codes of the
    levels whose cosignatures the checkpoints carry; ``cosigners`` the verifier keys of independent
    witnesses (decision 0035): with any, a checkpoint need not carry every witness's cosignature (one
    that refused is absent), but every cosignature it carries by a known key must verify."""
    keys = uow.ledger.public_keys()
    size = uow.ledger.size()
    checkpoints = [c for c in uow.ledger.checkpoints() if c[0] > since]
    parallel = size - since >= parallel_from
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
        for index, signer, leaf in uow.ledger.leaves(since):
            pending.append((index, signer, leaf))
            if len(pending) >= chunk:
                flush()
            yield index, leaf

    try:
        result = verify_log(entries(), uow.ledger.hashes,
                            checkpoint_roots={n: head for n, head, _ in checkpoints if n <= size},
                            hash_new=suite.hash_new, start=since)
        flush()
        first_bad.extend(found for found in (f.result() for f in futures) if found is not None)
    finally:
        if pool is not None:
            pool.shutdown()
    note_problem = _check_checkpoints(checkpoints, keys, suite, witnesses, cosigners)
    bad = min(first_bad) if first_bad else None
    rollback = _rolled_back(uow, suite, witnesses, origin, size, checkpoints, kept, keys,
                            trusted=result.ok)
    checked = (check_state(uow.state, start=since, size=size, hash_new=suite.hash_new, incremental=since > 0)
               if state else None)
    return VerifyReport(result, bad, note_problem, rollback, checked, size)


def _check_checkpoints(checkpoints: list[tuple[int, bytes, str]], keys: dict[str, bytes], suite: Suite,
                       witness_codes: Sequence[str], cosigners: Sequence[str] = ()) -> tuple[int, str] | None:
    if LOG_KEY not in keys:
        return None if not checkpoints else (checkpoints[0][0], "the log key is missing")
    log = Verifier(LOG_KEY, keys[LOG_KEY], suite=suite)
    witnesses = [Verifier(n, keys[n], cosignature=True, suite=suite)
                 for n in (f"witness-{c}" for c in witness_codes) if n in keys]
    for size, head, text in checkpoints:
        try:
            note = parse_note(text)
            verify_note(note, [log])
            if cosigners:  # every cosignature present by a known key verifies; none is required
                verify_note(note, [log, *witnesses, *(Verifier.from_vkey(v) for v in cosigners)])
            for witness in () if cosigners else witnesses:
                verify_note(note, [witness])
            body = Checkpoint.parse(note.text)
        except DomainError as exc:
            return size, f"checkpoint signature: {exc.code}"
        if (body.size, body.root) != (size, head):
            return size, "checkpoint note differs from its stored size or root"
    return None


def _cosigned_at(note: str, keys: dict[str, bytes], suite: Suite, witness_codes: Sequence[str]) -> str:
    """When the witnesses cosigned ``note`` (the latest of their times, UTC), or "—"."""
    times: list[int] = []
    for name in (f"witness-{c}" for c in witness_codes):
        if name in keys:
            try:
                verifier = Verifier(name, keys[name], cosignature=True, suite=suite)
                times += [s.cosigned_at for s in verify_note(note, [verifier]) if s.cosigned_at is not None]
            except DomainError:
                continue
    if not times:
        return "—"
    return datetime.fromtimestamp(max(times), UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _rolled_back(uow: UnitOfWork, suite: Suite, witness_codes: Sequence[str], origin: str, size: int,
                 checkpoints: list[tuple[int, bytes, str]], kept: tuple[str, str] | None,
                 keys: dict[str, bytes], *, trusted: bool) -> Finding | None:
    """The first cosigned checkpoint the log is smaller than, or whose root it does not have: the
    database's own, each witness's last, and the copy kept outside the database."""
    references: list[tuple[str, dict[str, str], int, bytes, str]] = []  # source, its words, size, root, time
    for n, head, note in checkpoints:
        if n > size:
            references.append(("database", {}, n, head, _cosigned_at(note, keys, suite, witness_codes)))
    notes = {n: note for n, _, note in checkpoints}
    for code in witness_codes:
        name = f"witness-{code}"
        head_of = uow.ledger.witness_state(name).get(origin) if origin else None
        if head_of is not None:
            at = _cosigned_at(notes[head_of[0]], keys, suite, witness_codes) if head_of[0] in notes else "—"
            references.append(("witness", {"witness": name}, head_of[0], head_of[1], at))
    if kept is not None:
        where, note = kept
        try:
            body = Checkpoint.parse(parse_note(note).text)
            verify_note(note, [Verifier(LOG_KEY, keys[LOG_KEY], suite=suite)])
        except (DomainError, KeyError):
            return Finding("kept_unreadable", {"where": where})
        if not origin or body.origin == origin:
            references.append(("kept", {"where": where}, body.size, body.root,
                               _cosigned_at(note, keys, suite, witness_codes)))
    for source, words, n, head, at in sorted(references, key=lambda r: -r[2]):
        params = {"source": source, **words, "log_size": str(size), "size": str(n), "at": at}
        if n > size:
            return Finding("rolled_back", params)
        if trusted and n and root(uow.ledger.hashes, n, hash_new=suite.hash_new) != head:
            return Finding("forked", params)
    return None


@dataclass(frozen=True)
class VerifyReport:
    log: LogVerification
    bad_signature: tuple[int, str] | None
    bad_checkpoint: tuple[int, str] | None
    rollback: Finding | None = None
    state: StateReport | None = None
    size: int = 0

    @property
    def ok(self) -> bool:
        return (self.log.ok and self.bad_signature is None and self.bad_checkpoint is None
                and self.rollback is None and (self.state is None or self.state.mismatch is None))

    def findings(self) -> list[Finding]:
        """Every problem found, first the log's own, as findings ``i18n.ledger.describe`` says."""
        out: list[Finding] = []
        m = self.log.mismatch
        if m is not None:
            shown = {k: base64.b64encode(v).decode() if v else "—"
                     for k, v in {"expected": m.expected, "found": m.found}.items()}
            out.append(Finding("log_mismatch", {
                "entry": str(m.first_leaf), "what": m.kind, "level": str(m.level), "index": str(m.index),
                "detail": m.detail, **shown}, m.first_leaf))
        if self.bad_signature is not None:
            out.append(Finding("bad_signature", {"entry": str(self.bad_signature[0]),
                                                 "detail": self.bad_signature[1]}, self.bad_signature[0]))
        if self.bad_checkpoint is not None:
            out.append(Finding("bad_checkpoint", {"size": str(self.bad_checkpoint[0]),
                                                  "detail": self.bad_checkpoint[1]}))
        if self.rollback is not None:
            out.append(self.rollback)
        if self.state is not None and self.state.mismatch is not None:
            out.append(self.state.mismatch)
        return out

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
    """The first leaf of ``batch`` whose envelope or signature does not verify.

    A leaf is canonical JSON (sorted keys: ``…,"seq":N,"sig":"…","signer":…``), so what its signer
    signed is the leaf with the ``sig`` member cut out: checked first on those bytes, without parsing
    the leaf or encoding it again (issue 21: the verification no slower than before issue 22). A leaf
    not in that shape, or whose cut bytes do not verify, is checked as before: parsed, its signature
    removed, encoded canonically."""
    for index, signer, leaf in batch:
        part = _signed_part(leaf, signer)
        if part is not None and signer in keys and suite.verify(keys[signer], *part):
            continue
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


def _signed_part(leaf: bytes, signer: str) -> tuple[bytes, bytes] | None:
    """(the bytes signed, the signature) cut from a canonical leaf signed by ``signer``, or None."""
    cut = leaf.rfind(b',"sig":"')
    end = leaf.find(b'"', cut + 8)
    if cut < 0 or end < 0 or not leaf.startswith(b',"signer":"%s"' % signer.encode(), end + 1):
        return None
    try:
        signature = base64.b64decode(leaf[cut + 8:end], validate=True)
    except ValueError:
        return None
    return leaf[:cut] + leaf[end + 1:], signature
