"""Cosignatures from independent witnesses (decision 0035): each is sent the checkpoint with the
consistency proof from the size it last cosigned (kept per witness in ``witness_state``, the node's
view; the witness keeps its own in its own directory). A witness that holds another size (409) is
answered once more with the proof from the size it names, when the log has that size; any other
refusal, an unreachable witness or a cosignature that does not verify with the key configured is
logged as an error and kept for the ledger alarm. The checkpoint is stored with the cosignatures
that came back."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import consistency_proof
from liandong.ledger.note import Note, Verifier, parse_note, verify_note
from liandong.ledger.suite import Suite
from liandong.services.ports import UnitOfWork
from liandong.services.ports.witness import Cosigner, WitnessRefusal

log = logging.getLogger("liandong.witnesses")


def collect_cosignatures(uow: UnitOfWork, suite: Suite, origin: str, note: str, size: int, head: bytes,
                         cosigners: Sequence[Cosigner], now: datetime,
                         on_refusal: Callable[[Mapping[str, str]], None] | None = None) -> list[str]:
    """The cosignature lines of every witness that cosigned ``note`` (of tree ``size``, root ``head``)."""
    text = parse_note(note).text
    lines = []
    for cosigner in cosigners:
        try:
            line = _check(text, _ask(uow, suite, origin, note, size, cosigner), cosigner)
        except WitnessRefusal as refusal:
            params = {"witness": cosigner.name, "url": cosigner.url, "size": str(size),
                      "status": str(refusal.status), "reason": refusal.reason.strip() or "—",
                      "at": now.isoformat(timespec="seconds")}
            log.error("witness %s (%s) refused the checkpoint of size %s: HTTP %s, %s", cosigner.name,
                      cosigner.url, size, refusal.status, params["reason"])
            if on_refusal is not None:
                on_refusal(params)
            continue
        uow.ledger.save_witness_state(cosigner.name, origin, size, head)
        lines.append(line)
    return lines


def _ask(uow: UnitOfWork, suite: Suite, origin: str, note: str, size: int, cosigner: Cosigner) -> str:
    last = uow.ledger.witness_state(cosigner.name).get(origin)
    old = last[0] if last else 0
    try:
        return cosigner.add_checkpoint(old, _proof(uow, suite, old, size), note)
    except WitnessRefusal as refusal:
        if refusal.status != 409 or refusal.size is None or refusal.size == old or refusal.size > size:
            raise
        # the witness cosigned another size than this node remembers (a new node's database, a
        # witness shared by two nodes' histories): answer once with the proof from that size
        return cosigner.add_checkpoint(refusal.size, _proof(uow, suite, refusal.size, size), note)


def _proof(uow: UnitOfWork, suite: Suite, old: int, size: int) -> list[bytes]:
    if old == 0 or old >= size:
        return []
    return consistency_proof(uow.ledger.hashes, old, size, hash_new=suite.hash_new)


def _check(text: str, lines: str, cosigner: Cosigner) -> str:
    """This witness's cosignature line in the answer, valid over ``text`` with its configured key."""
    try:
        verifier = Verifier.from_vkey(cosigner.vkey)
        answered = parse_note(text + "\n" + lines)
        verified = verify_note(Note(text, answered.signatures), [verifier])
    except LedgerError as exc:
        raise WitnessRefusal(200, f"the answer is not a valid cosignature ({exc.code})") from None
    if not verified or verified[0].cosigned_at is None:
        raise WitnessRefusal(200, "the answer is not a cosignature by the key configured")
    mine = (verifier.name, verifier.key_id)
    return "".join(s.line() for s in answered.signatures if (s.name, s.key_id) == mine)
