"""The log anyone can read, as C2SP tlog-tiles (https://c2sp.org/tlog-tiles; decision 0031).

``GET /log/checkpoint`` is the latest cosigned checkpoint (a signed note); ``GET /log/tile/<L>/<N>``
a hash tile, ``GET /log/tile/entries/<N>`` an entry bundle, either with ``.p/<W>`` when partial. No
sign-in: these are public records. A full tile never changes and may be kept by any cache for a
year; a partial tile and the checkpoint change as the log grows, so they are kept for seconds. A
malformed path is a 400 naming the part that is wrong, a tile past the latest checkpoint a 404
saying how far the log reaches, an entry bundle holding an older leaf with text in clear a 451.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from liandong.http.deps import PlatformDep

router = APIRouter(prefix="/log", tags=["log"])

FULL_TILE_CACHE = "public, max-age=31536000, immutable"
PARTIAL_TILE_CACHE = "public, max-age=5"
CHECKPOINT_CACHE = "public, max-age=1, must-revalidate"
CORS = {"Access-Control-Allow-Origin": "*"}  # any verifier, from any page, may read the log


@router.get("/checkpoint", response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "the latest checkpoint"}})
def checkpoint(platform: PlatformDep) -> Response:
    """The latest checkpoint, signed by the log and cosigned by the witnesses (C2SP signed note)."""
    return Response(platform.public_log().checkpoint(), media_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": CHECKPOINT_CACHE, **CORS})


@router.get("/tile/{path:path}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}, "description": "a tile"}})
def tile(path: str, platform: PlatformDep) -> Response:
    """A hash tile ``<L>/<N>[.p/<W>]`` or an entry bundle ``entries/<N>[.p/<W>]``."""
    served = platform.public_log().tile(path)
    cache = FULL_TILE_CACHE if served.immutable else PARTIAL_TILE_CACHE
    return Response(served.data, media_type="application/octet-stream",
                    headers={"Cache-Control": cache, **CORS})
