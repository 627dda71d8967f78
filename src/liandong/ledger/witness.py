"""Witnesses (见证方): cosign a log's checkpoint only if it extends what they cosigned before.

The provincial and central nodes each run a ``Witness`` over the county logs: it remembers, per log
origin, the last tree head it cosigned, and refuses a checkpoint that would fork or roll back that
history. A checkpoint carrying the cosignatures of independent witnesses cannot have been shown
differently to different readers without one of them noticing. Cosignatures follow
c2sp.org/tlog-cosignature (``cosignature/v1``, Ed25519, key type 0x04).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence

from liandong.ledger.errors import LedgerError
from liandong.ledger.merkle import empty_root, verify_consistency
from liandong.ledger.note import Checkpoint, Signer, Verifier, open_checkpoint
from liandong.ledger.suite import SHA256_ED25519, Suite

TreeHead = tuple[int, bytes]
"""``(size, root)`` of a log at one moment."""


class Witness:
    """A cosigning key with memory: the last ``(size, root)`` cosigned for each log origin.

    ``state`` is what a caller persists between runs (e.g. one row per origin) and passes back in.
    Time is always passed in; a witness never reads a clock.
    """

    def __init__(
        self,
        name: str,
        private_key: bytes,
        *,
        suite: Suite = SHA256_ED25519,
        state: Mapping[str, TreeHead] | None = None,
    ) -> None:
        self.suite = suite
        self._signer = Signer(name, private_key, cosignature=True, suite=suite)
        self._state: dict[str, TreeHead] = dict(state or {})

    @property
    def name(self) -> str:
        return self._signer.name

    @property
    def verifier(self) -> Verifier:
        """What log clients configure to check this witness's cosignatures."""
        return self._signer.verifier

    @property
    def vkey(self) -> str:
        return self._signer.vkey

    @property
    def state(self) -> dict[str, TreeHead]:
        """A copy of the last cosigned tree head per origin, for persistence."""
        return dict(self._state)

    def last_cosigned(self, origin: str) -> TreeHead | None:
        """The last ``(size, root)`` cosigned for ``origin``, or None if it never cosigned that log."""
        return self._state.get(origin)

    def cosign(
        self,
        note_text: str | bytes,
        consistency_proof: Sequence[bytes],
        log_key: Verifier | str,
        now_seconds: int,
    ) -> str:
        """Check and cosign a checkpoint note; returns the cosignature line and records the new tree head.

        The log's signature must verify with ``log_key`` (a vkey string or a ``Verifier``);
        ``consistency_proof`` must prove the new tree extends the last one cosigned for this origin (empty
        the first time, or when the size is unchanged). Otherwise ``ledger.witness_inconsistent`` says what
        was seen before and now.
        """
        log_verifier = Verifier.from_vkey(log_key) if isinstance(log_key, str) else log_key
        checkpoint, note = open_checkpoint(note_text, log_verifier, digest_size=self.suite.digest_size)
        old_size, old_root = self._state.get(checkpoint.origin, (0, empty_root(hash_new=self.suite.hash_new)))
        self._check_consistent(checkpoint, old_size, old_root, consistency_proof)
        signature = self._signer.sign(note.text, timestamp=now_seconds)
        self._state[checkpoint.origin] = (checkpoint.size, checkpoint.root)
        return signature.line()

    def _check_consistent(
        self, checkpoint: Checkpoint, old_size: int, old_root: bytes, proof: Sequence[bytes]
    ) -> None:
        new_size, new_root = checkpoint.size, checkpoint.root
        if new_size < old_size:
            reason = f"rollback: size {new_size} is smaller than the {old_size} already cosigned"
        elif new_size == old_size and new_root != old_root:
            reason = f"fork: size {new_size} was cosigned with a different root"
        elif old_size in (0, new_size) and proof:
            reason = f"bad proof: from size {old_size} to {new_size} the consistency proof must be empty"
        elif not verify_consistency(
            old_size, new_size, old_root, new_root, proof, hash_new=self.suite.hash_new
        ):
            reason = f"fork: the proof does not show size {new_size} extending size {old_size}"
        else:
            return
        raise LedgerError(
            "ledger.witness_inconsistent",
            origin=checkpoint.origin,
            old_size=old_size,
            old_root=_b64(old_root),
            new_size=new_size,
            new_root=_b64(new_root),
            why=reason,
        )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
