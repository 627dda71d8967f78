"""An independent witness as a process of its own (decision 0035): ``liandong witness serve``.

``POST /add-checkpoint`` per c2sp.org/tlog-witness: the log's signature is checked with the key the
witness directory holds for the checkpoint's origin, the consistency proof from the size it last
cosigned for that origin, and only then is the checkpoint cosigned (c2sp.org/tlog-cosignature,
``cosignature/v1``, timestamped on this process's clock) and the new head saved in the directory.
Refusals carry their reason, Chinese first: 400 malformed, 403 a signature that does not verify, 404
an origin not witnessed, 409 a stale ``old`` size or a rollback (the body is the size held, as the
spec asks), 422 a fork or a bad proof. ``GET /healthz`` answers 200 with the witness's key."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from liandong.adapters.witness_answer import add_checkpoint
from liandong.adapters.witness_dir import WitnessDirectory
from liandong.i18n.messages import explain_lines
from liandong.ledger.errors import LedgerError
from liandong.services.clock import Clock, SystemClock

MAX_BODY = (1 << 20) + 8192
__all__ = ["add_checkpoint", "create_witness_app"]


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
