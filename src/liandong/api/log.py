"""The log anyone can read, as C2SP tlog-tiles (https://c2sp.org/tlog-tiles; decision 0031).

``GET /log/checkpoint`` is the latest cosigned checkpoint (a signed note); ``GET /log/tile/<L>/<N>``
a hash tile, ``GET /log/tile/entries/<N>`` an entry bundle, either with ``.p/<W>`` when partial. No
sign-in: these are public records. A full tile never changes and may be kept by any cache for a
year (``immutable``); a partial tile and the checkpoint change as the log grows, so they are kept
for seconds. Every answer has a strong ETag, and ``If-None-Match`` with it is a 304. A malformed
path is a 400 naming the part that is wrong, a tile past the latest checkpoint a 404 saying how
far the log reaches, an entry bundle holding an older leaf with text in clear a 451.

What the process has read is kept in memory (``services.tile_cache``, decision 0042): ``LogCache``,
a plain ASGI middleware inside the door (host check and protective headers), answers a kept tile
or checkpoint before routing, on the event loop; the routes below read the store, in a worker
thread, only on a miss.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from liandong.services.tile_cache import CHECKPOINT, Answer, TileCache

router = APIRouter(prefix="/log", tags=["log"])

FULL_TILE_CACHE = "public, max-age=31536000, immutable"
PARTIAL_TILE_CACHE = "public, max-age=5"
CHECKPOINT_CACHE = "public, max-age=1, must-revalidate"
CORS = {"Access-Control-Allow-Origin": "*"}  # any verifier, from any page, may read the log
TILE_TYPE = "application/octet-stream"
NOTE_TYPE = "text/plain; charset=utf-8"
TILE_PREFIX = "/log/tile/"


def _cache(request: Request) -> TileCache:
    cache: TileCache = request.app.state.platform.tile_cache()
    return cache


def _answer(answer: Answer, media_type: str, cache_control: str, if_none_match: str | None) -> Response:
    headers = {"Cache-Control": cache_control, "ETag": answer.etag, **CORS}
    if if_none_match is not None and _matches(if_none_match, answer.etag):
        return Response(status_code=304, headers=headers)
    return Response(answer.data, media_type=media_type, headers=headers)


@router.get("/checkpoint", response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "the latest checkpoint"},
                       304: {"description": "unchanged (If-None-Match)"}})
async def checkpoint(request: Request) -> Response:
    """The latest checkpoint, signed by the log and cosigned by the witnesses (C2SP signed note)."""
    answer = await run_in_threadpool(_cache(request).checkpoint)
    return _answer(answer, NOTE_TYPE, CHECKPOINT_CACHE, request.headers.get("if-none-match"))


@router.get("/tile/{path:path}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}, "description": "a tile"},
                       304: {"description": "unchanged (If-None-Match)"}})
async def tile(path: str, request: Request) -> Response:
    """A hash tile ``<L>/<N>[.p/<W>]`` or an entry bundle ``entries/<N>[.p/<W>]``."""
    answer = await run_in_threadpool(_cache(request).tile, path)
    return _answer(answer, TILE_TYPE, FULL_TILE_CACHE if answer.immutable else PARTIAL_TILE_CACHE,
                   request.headers.get("if-none-match"))


def _matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or is ``*``): RFC 9110 §13.1.2, weak comparison."""
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


class LogCache:
    """Answers ``GET /log/checkpoint`` and ``GET /log/tile/…`` from the tiles kept in memory,
    before routing; anything else, and a miss, goes on to the app."""

    def __init__(self, app: ASGIApp, *, cache: TileCache) -> None:
        self.app, self.cache = app, cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            key = (path[len(TILE_PREFIX):] if path.startswith(TILE_PREFIX)
                   else CHECKPOINT if path == "/log/checkpoint" else None)
            answer = self.cache.cached(key) if key else None
            if answer is not None:
                await self._send(scope, send, answer, key == CHECKPOINT)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _send(scope: Scope, send: Send, answer: Answer, note: bool) -> None:
        control = (CHECKPOINT_CACHE if note else FULL_TILE_CACHE if answer.immutable
                   else PARTIAL_TILE_CACHE)
        headers = [(b"cache-control", control.encode()), (b"etag", answer.etag.encode()),
                   (b"access-control-allow-origin", b"*")]
        status, body = 200, answer.data
        for name, value in scope["headers"]:
            if name == b"if-none-match" and _matches(value.decode("latin-1"), answer.etag):
                status, body = 304, b""
                break
        if status == 200:
            headers += [(b"content-type", (NOTE_TYPE if note else TILE_TYPE).encode()),
                        (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
