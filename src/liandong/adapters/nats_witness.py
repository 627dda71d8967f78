"""A witness at another federation node, asked over NATS (decision 0050): ``services.ports.witness.
Cosigner`` through core NATS request/reply on ``fed.witness.<scope>.add-checkpoint``, the request body
that of c2sp.org/tlog-witness and the HTTP status it would have had in the reply's ``Status`` header.
The cosignature that comes back is checked by ``services.witnessing`` against ``vkey``, the key this
node configured for that peer's witness: a cosignature by any other key is not taken."""

from __future__ import annotations

from collections.abc import Sequence

from liandong.adapters.nats_fabric import JetStreamFabric
from liandong.domain.errors import DomainError
from liandong.ledger.witness_protocol import render_add_checkpoint
from liandong.services.ports.witness import WitnessRefusal


def witness_subject(scope: str) -> str:
    return f"fed.witness.{scope}.add-checkpoint"


class NatsCosigner:
    def __init__(self, fabric: JetStreamFabric, scope: str, vkey: str, *, timeout: float = 5.0) -> None:
        self.fabric, self.scope, self.vkey, self.timeout = fabric, scope, vkey, timeout
        self.name = f"node-{scope}"  # the key of this witness's state in the node's witness_state
        self.url = f"nats:{witness_subject(scope)}"

    def add_checkpoint(self, old_size: int, proof: Sequence[bytes], note: str) -> str:
        body = render_add_checkpoint(old_size, proof, note)
        try:
            status, answer = self.fabric.request(witness_subject(self.scope), body, self.timeout)
        except (DomainError, TimeoutError, OSError) as exc:
            raise WitnessRefusal(0, str(exc) or type(exc).__name__) from None
        text = answer.decode("utf-8", errors="replace")
        if status == 200:
            return text
        size = int(text.strip()) if status == 409 and text.strip().isdigit() else None
        raise WitnessRefusal(status, text, size)
