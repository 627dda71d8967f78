"""Guards at the door: body size, and a rate limit on anonymous public intake (per client address).

Bodies: JSON and form bodies may be ``max_body`` bytes (1 MB by default). A multipart report to
one of the ``uploads`` paths (the portal's form with a phone photo) may be larger, up to the limit
given for that path (8 MB by default). A body whose length is not declared (chunked) cannot be
checked before it is read, so it is refused with 411.

An over-limit upload is not answered here: the request is marked (``request.state.too_large``)
and handed on unread, so that the page can say so next to its photo field in the user's language.
Every other refusal is answered here, in the API's error shape.

Staff signed in with a token (a hotline operator types many reports) and Open311 clients with
their own API key are not counted against the anonymous limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from liandong.api.deps import get_lang

PUBLIC_INTAKE = ("/api/cases",)

TEXT = {
    "too_large": {"zh": "请求体过大，上限为 {limit} 字节",
                  "en": "The request body is too large; the limit is {limit} bytes"},
    "no_length": {"zh": "请求须注明长度（Content-Length）",
                  "en": "The request must declare its length (Content-Length)"},
    "too_many": {"zh": "提交过于频繁，请稍后再试（上限 {limit}）",
                 "en": "Too many reports; try again later (limit {limit})"},
}


def body_limit(request: Request, max_body: int, uploads: Mapping[str, int]) -> tuple[int, bool]:
    """The largest body this request may have, and whether it is an upload its page refuses."""
    kind = request.headers.get("content-type", "")
    if request.method == "POST" and request.url.path in uploads and kind.startswith("multipart/form-data"):
        return uploads[request.url.path], True
    return max_body, False


def install(app: FastAPI, *, max_body: int, intake_limit: str,
            uploads: Mapping[str, int] | None = None) -> None:
    limiter = MovingWindowRateLimiter(MemoryStorage())
    item = parse(intake_limit)
    upload_limits = dict(uploads or {})

    def refuse(request: Request, status: int, key: str, code: str, limit: object) -> Response:
        message = TEXT[key][get_lang(request)].format(limit=limit)
        if request.url.path.startswith("/open311"):
            return JSONResponse([{"code": status, "description": message}], status_code=status)
        return JSONResponse({"code": code, "message": message, "details": {"limit": str(limit)}},
                            status_code=status)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        limit, upload = body_limit(request, max_body, upload_limits)
        if length is None and "transfer-encoding" in request.headers:
            if upload:
                request.state.too_large = limit
                return await call_next(request)
            return refuse(request, 411, "no_length", "request.length_required", max_body)
        if length is not None and (not length.isdigit() or int(length) > limit):
            if upload:
                request.state.too_large = limit
                return await call_next(request)
            return refuse(request, 413, "too_large", "request.too_large", limit)
        anonymous = "authorization" not in request.headers
        if request.method == "POST" and request.url.path in PUBLIC_INTAKE and anonymous:
            client = request.client.host if request.client else "unknown"
            if not limiter.hit(item, "intake", client):
                return refuse(request, 429, "too_many", "request.rate_limited", intake_limit)
        return await call_next(request)
