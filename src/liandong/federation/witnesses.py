"""Witnesses at other nodes (issue 27 point 4, decision 0050).

Each node runs a witness of its own for its peers' logs: its key and the last tree head it cosigned
per peer live in a ``WitnessDirectory`` under ``<data_dir>/witness`` — outside the node's database, as
``liandong witness serve`` keeps them — and it answers core-NATS requests on
``fed.witness.<scope>.add-checkpoint`` with the logic of that server (``adapters.witness_answer``).
A node's checkpoints are cosigned by the peers its file marks ``witness = true`` (the centre and two
provinces), through ``NatsCosigner``s put in its ledger; a cosignature is taken only with the
``witness_key`` configured for that peer.

A witness that sees a peer's checkpoint inconsistent with one it cosigned — the same size with
another root (a fork) or a smaller size (a rollback), the log's signature verified — refuses it and
raises a **fork alarm**: kept in its own ``federation_alarm``, shown by the ledger alarm of its
dashboard, and sent through the outbox to every peer (``fed.out.<me>.<peer>.alarm``), each of which
keeps and shows it."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from liandong.adapters.nats_witness import NatsCosigner, witness_subject
from liandong.adapters.witness_answer import add_checkpoint
from liandong.adapters.witness_dir import WitnessDirectory
from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Verifier, open_checkpoint, parse_note
from liandong.ledger.witness_protocol import parse_add_checkpoint

if TYPE_CHECKING:
    from liandong.federation.node import FederationNode

log = logging.getLogger("liandong.federation")
WITNESS_DIR = "witness"


def witness_directory(data_dir: Path, scope: str) -> WitnessDirectory:
    """The witness directory of the node owning ``scope`` (made, with a fresh key, the first time)."""
    path = data_dir / WITNESS_DIR
    if (path / "witness.key").exists():
        return WitnessDirectory(path)
    return WitnessDirectory.create(path, f"witness-{scope}")


class NodeWitness:
    """This node's witness of its peers' logs, answering over the fabric."""

    def __init__(self, node: FederationNode) -> None:
        from liandong.federation.node import origin_of

        self.node = node
        self.directory = witness_directory(node.config.data_dir, node.me)
        for peer in node.config.peers:
            self.directory.add_log(origin_of(peer.scope), peer.log_key)
        self.scopes = {origin_of(p.scope): p.scope for p in node.config.peers}

    @property
    def vkey(self) -> str:
        return self.directory.signer().vkey

    def start(self) -> None:
        """Answer the peers' requests (until the fabric closes)."""
        self.node.fabric.serve(witness_subject(self.node.me), self.answer)

    def answer(self, body: bytes) -> tuple[int, bytes]:
        now = self.node.platform.clock.now()
        rollback = self._rollback(body)
        status, text, _ = add_checkpoint(self.directory, body, int(now.timestamp()))
        if status == 422 or (status == 409 and rollback is not None):
            origin, size = rollback or self._origin_size(body)
            accused = self.scopes.get(origin)
            if accused is not None:
                detail = text.strip() if status == 422 else f"rollback to size {size}"
                self.node.raise_alarm(accused, size, status, detail, hashlib.sha256(body).hexdigest()[:16])
        return status, text.encode("utf-8")

    def _origin_size(self, body: bytes) -> tuple[str, int]:
        try:
            text = parse_note(parse_add_checkpoint(body).note).text.split("\n")
            return text[0], int(text[1])
        except (LedgerError, ValueError, IndexError):
            return "", 0

    def _rollback(self, body: bytes) -> tuple[str, int] | None:
        """``(origin, size)`` of a checkpoint signed by a peer's log key and smaller than the size this
        witness cosigned for it; None otherwise."""
        try:
            request = parse_add_checkpoint(body)
            origin = parse_note(request.note).text.split("\n", 1)[0]
            vkey = self.directory.logs().get(origin)
            if vkey is None:
                return None
            checkpoint, _ = open_checkpoint(request.note, Verifier.from_vkey(vkey))
            held = self.directory.head(origin)
        except LedgerError:
            return None
        return (origin, checkpoint.size) if held is not None and checkpoint.size < held[0] else None


def cosigners_of(node: FederationNode, timeout: float = 5.0) -> tuple[NatsCosigner, ...]:
    """A cosigner per peer the file marks as this node's witness, with that peer's witness key."""
    return tuple(NatsCosigner(node.fabric, p.scope, p.witness_key, timeout=timeout)
                 for p in node.config.peers if p.witness and p.witness_key)


def use_peer_witnesses(node: FederationNode, timeout: float = 5.0) -> None:
    """The node's checkpoints cosigned by its peer witnesses from now on (instead of in-process ones)."""
    from liandong.adapters.witness_http import REFUSED_FILE, FileRefusals

    platform = node.platform
    if platform.refusals is None:  # where the ledger alarm of the dashboard reads refusals and alarms
        platform.refusals = FileRefusals(node.config.data_dir / REFUSED_FILE)
    cosigners = cosigners_of(node, timeout)
    if cosigners:
        platform.cosigners = cosigners
        platform.ledger.cosigners = cosigners
        platform.ledger.on_refusal = platform.refusals.refused
