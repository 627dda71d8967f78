"""The shared record (共享记录) for the edges and the server's timers: checkpoints, receipts, the full
verification, consistency proofs and signing keys, each in a transaction of its own on the injected
clock, so that no edge opens a unit of work. What is recorded and how is ``services.ledger.Ledger``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from liandong.ledger.merkle import consistency_proof, root
from liandong.ledger.note import Checkpoint, parse_note
from liandong.services.clock import Clock
from liandong.services.ledger import Ledger
from liandong.services.ledger_audit import VerifyReport
from liandong.services.ports import UnitOfWork
from liandong.services.ports.audit import CheckpointMirror


@dataclass(frozen=True)
class SharedRecord:
    uow: Callable[[], UnitOfWork]
    ledger: Ledger
    clock: Clock
    mirror: CheckpointMirror | None = None
    """Where the latest cosigned checkpoint is kept outside the database (decision 0028)."""
    reader: Callable[[], UnitOfWork] | None = None
    """Units of work that only read the primary (deferred, read-only transactions on SQLite):
    verification never takes the write lock the writer needs. None: ``uow``."""

    def checkpoint(self) -> str | None:
        """A checkpoint signed by the log and cosigned by the witnesses; None when nothing is new.
        Once committed, it is also kept outside the database (never before: a copy must not claim
        a checkpoint the database does not hold)."""
        with self.uow() as uow:
            note = self.ledger.checkpoint(uow, self.clock.now())
            uow.commit()
        if note is not None and self.mirror is not None:
            self.mirror.keep(Checkpoint.parse(parse_note(note).text).size, note)
        return note

    def log_vkey(self) -> str:
        """The log's verifier key, for witnesses and verifiers to configure (made on first use)."""
        with self.uow() as uow:
            vkey = self.ledger.log_signer(uow, self.clock.now()).vkey
            uow.commit()
        return vkey

    def receipt(self, case_id: str) -> bytes:
        """A receipt for a case anyone can verify offline (leaf, inclusion proof, checkpoint)."""
        with self.uow() as uow:
            return self.ledger.receipt(uow, case_id)

    def verify(self, since: int = 0, *, state: bool = True) -> VerifyReport:
        """The log from entry ``since`` on (0: all of it), the state it records and every cosigned
        checkpoint kept, in or outside the database."""
        kept = self.mirror.read() if self.mirror is not None else None
        where = str(getattr(self.mirror, "path", "")) or "—"
        with (self.reader or self.uow)() as uow:
            return self.ledger.verify(uow, since=since, kept=(where, kept) if kept else None, state=state)

    def consistency(self, old: int, new: int) -> tuple[list[bytes], bytes, bytes]:
        """The RFC 9162 consistency proof between two sizes of the log, with the two roots."""
        with (self.reader or self.uow)() as uow:
            hashes = uow.ledger.hashes
            return consistency_proof(hashes, old, new), root(hashes, old), root(hashes, new)

    def create_keys(self, names: Iterable[str],
                    progress: Callable[[str, int, int], None] | None = None) -> int:
        """A signing key for every department named that has none yet (``liandong init``)."""
        with self.uow() as uow:
            made = self.ledger.create_keys(uow, names, self.clock.now(), progress)
            uow.commit()
        return made
