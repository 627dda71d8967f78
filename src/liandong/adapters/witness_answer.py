"""A witness's answer to one c2sp.org/tlog-witness ``add-checkpoint`` request, over its own directory
(``witness_dir``): used by ``liandong witness serve`` (HTTP, ``server.witness``) and by a federation
node's witness answering its peers over NATS (``federation.witnesses``)."""

from __future__ import annotations

import logging

from liandong.adapters.witness_dir import WitnessDirectory
from liandong.i18n.messages import explain, explain_lines
from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Checkpoint, Verifier, parse_note
from liandong.ledger.witness_protocol import SIZE_CONTENT_TYPE, parse_add_checkpoint

log = logging.getLogger("liandong.witness")
_FORBIDDEN = {"ledger.bad_signature", "ledger.unverified_note", "ledger.bad_log_key"}


def add_checkpoint(directory: WitnessDirectory, body: bytes, now_seconds: int) -> tuple[int, str, str]:
    """Handle one request: ``(status, body, content type)``."""
    try:
        request = parse_add_checkpoint(body)
        note = parse_note(request.note)
        origin = note.text.split("\n", 1)[0]
        logs = directory.logs()
        if origin not in logs:
            raise LedgerError("ledger.unknown_origin", origin=origin, known=", ".join(sorted(logs)) or "—")
        Checkpoint.parse(note.text)
    except LedgerError as exc:
        status = 404 if exc.code == "ledger.unknown_origin" else 403 if exc.code in _FORBIDDEN else 400
        return status, explain_lines(exc), "text/plain; charset=utf-8"
    with directory.locked():
        try:
            stored = directory.head(origin)
        except LedgerError as exc:  # the witness's own fault: said, and logged for its operator
            log.error("%s", explain(exc, "en"))
            return 500, explain_lines(exc), "text/plain; charset=utf-8"
        stored_size = stored[0] if stored else 0
        try:
            checkpoint_size = int(note.text.split("\n")[1])
            if request.old_size != stored_size or checkpoint_size < stored_size:
                raise LedgerError("ledger.witness_conflict", stored_size=stored_size,
                                  old_size=request.old_size, new_size=checkpoint_size)
            witness = directory.witness(origin, stored)
            line = witness.cosign(note.render(), request.proof, Verifier.from_vkey(logs[origin]), now_seconds)
        except LedgerError as exc:
            if exc.code == "ledger.witness_conflict":
                log.warning("refused (409): %s", explain(exc, "en"))
                return 409, f"{stored_size}\n", SIZE_CONTENT_TYPE
            status = (422 if exc.code == "ledger.witness_inconsistent" else 403 if exc.code in _FORBIDDEN
                      else 400)
            log.warning("refused (%s): %s", status, explain(exc, "en"))
            return status, explain_lines(exc), "text/plain; charset=utf-8"
        directory.save_head(origin, checkpoint_size, Checkpoint.parse(note.text).root)
    return 200, line, "text/plain; charset=utf-8"
