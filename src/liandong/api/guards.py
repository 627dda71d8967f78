"""Guards at the door: body size, and a rate limit on anonymous public intake (per client address).

Staff signed in with a token (a hotline operator types many reports) and Open311 clients with
their own API key are not counted against the anonymous limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

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
    "too_many": {"zh": "提交过于频繁，请稍后再试（上限 {limit}）",
                 "en": "Too many reports; try again later (limit {limit})"},
}


def install(app: FastAPI, *, max_body: int, intake_limit: str) -> None:
    limiter = MovingWindowRateLimiter(MemoryStorage())
    item = parse(intake_limit)

    def refuse(request: Request, status: int, key: str, code: str, limit: object) -> Response:
        message = TEXT[key][get_lang(request)].format(limit=limit)
        if request.url.path.startswith("/open311"):
            return JSONResponse([{"code": status, "description": message}], status_code=status)
        return JSONResponse({"code": code, "message": message, "details": {"limit": str(limit)}},
                            status_code=status)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body):
            return refuse(request, 413, "too_large", "request.too_large", max_body)
        anonymous = "authorization" not in request.headers
        if request.method == "POST" and request.url.path in PUBLIC_INTAKE and anonymous:
            client = request.client.host if request.client else "unknown"
            if not limiter.hit(item, "intake", client):
                return refuse(request, 429, "too_many", "request.rate_limited", intake_limit)
        return await call_next(request)
