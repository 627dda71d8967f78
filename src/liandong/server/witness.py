"""An independent witness as a process of its own (decision 0035): ``liandong witness serve``.

``POST /add-checkpoint`` per c2sp.org/tlog-witness: the log's signature is checked with the key the
witness directory holds for the checkpoint's origin, the consistency proof from the size it last
cosigned for that origin, and only then is the checkpoint cosigned (c2sp.org/tlog-cosignature,
``cosignature/v1``, timestamped on this process's clock) and the new head saved in the directory.
Refusals carry their reason, Chinese first: 400 malformed, 403 a signature that does not verify, 404
an origin not witnessed, 409 a stale ``old`` size or a rollback (the body is the size held, as the
spec asks), 422 a fork or a bad proof. ``GET /healthz`` answers 200 with the witness's key."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from liandong.adapters.witness_dir import WitnessDirectory
from liandong.i18n.messages import explain, explain_lines
from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Checkpoint, Verifier, parse_note
from liandong.ledger.witness_protocol import SIZE_CONTENT_TYPE, parse_add_checkpoint
from liandong.services.clock import Clock, SystemClock

log = logging.getLogger("liandong.witness")
MAX_BODY = (1 << 20) + 8192
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


def create_witness_app(directory: WitnessDirectory, clock: Clock | None = None) -> Starlette:
    ticks = clock or SystemClock()
    vkey = directory.signer().vkey  # fails at start, not at the first request, on a broken directory

    async def post(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            too_large = LedgerError("ledger.malformed_witness_request", problem="body too long",
                                    allowed=f"at most {MAX_BODY} bytes")
            return PlainTextResponse(explain_lines(too_large), status_code=413)
        status, text, content_type = add_checkpoint(directory, body, int(ticks.now().timestamp()))
        return Response(text, status_code=status, media_type=content_type)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse(vkey + "\n")

    return Starlette(routes=[Route("/add-checkpoint", post, methods=["POST"]),
                             Route("/healthz", healthz, methods=["GET"])])
