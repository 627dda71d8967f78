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

from collections.abc import Mapping

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from limits import parse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liandong.http.deps import get_lang
from liandong.http.throttle import Throttle

PUBLIC_INTAKE = ("/api/cases",)

TEXT = {
    "too_large": {"zh": "请求体过大，上限为 {limit} 字节",
                  "en": "The request body is too large; the limit is {limit} bytes"},
    "no_length": {"zh": "请求须注明长度（Content-Length）",
                  "en": "The request must declare its length (Content-Length)"},
    "too_many": {"zh": "提交过于频繁，请稍后再试（上限 {limit}）",
                 "en": "Too many reports; try again later (limit {limit})"},
}


def body_limit(method: str, path: str, content_type: str, max_body: int,
               uploads: Mapping[str, int]) -> tuple[int, bool]:
    """The largest body this request may have, and whether it is an upload its page refuses (an
    upload path may end in ``/*/<name>``: any one segment there, e.g. ``/work/cases/*/act``)."""
    if method == "POST" and content_type.startswith("multipart/form-data"):
        if path in uploads:
            return uploads[path], True
        head, _, tail = path.rpartition("/")
        pattern = f"{head.rpartition('/')[0]}/*/{tail}"
        if pattern in uploads:
            return uploads[pattern], True
    return max_body, False


def install(app: FastAPI, *, max_body: int, intake_limit: str, throttle: Throttle,
            uploads: Mapping[str, int] | None = None) -> None:
    app.add_middleware(Guard, max_body=max_body, intake_limit=intake_limit, throttle=throttle,
                       uploads=dict(uploads or {}))


class Guard:
    """Plain ASGI middleware reading the raw scope (no extra task or stream per request, unlike
    ``@app.middleware``, and no request object unless it refuses)."""

    def __init__(self, app: ASGIApp, *, max_body: int, intake_limit: str, throttle: Throttle,
                 uploads: Mapping[str, int]) -> None:
        self.app = app
        self.max_body = max_body
        self.intake_limit = intake_limit
        self.item = parse(intake_limit)
        self.throttle = throttle
        self.uploads = uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.check(scope)
        if refusal is None and self.rate_limited(scope):
            client = scope.get("client")
            if not await self.throttle.hit_async(self.item, "intake", client[0] if client else "unknown"):
                refusal = self.refuse(scope, 429, "too_many", "request.rate_limited", self.intake_limit)
        if refusal is None:
            if scope.get("liandong.form"):
                receive = utf8_form(receive)
            await self.app(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    def check(self, scope: Scope) -> Response | None:
        """A refusal, or None to let the request through (an over-limit upload is marked)."""
        length = kind = None
        chunked = authorised = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value.decode("latin-1")
            elif name == b"content-type":
                kind = value.decode("latin-1")
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"authorization":
                # only a bearer token is signed-in intake (checked by the endpoint: a bad one is
                # 401); any other scheme is anonymous and counted
                scheme, _, token = value.decode("latin-1").strip().partition(" ")
                authorised = scheme.lower() == "bearer" and bool(token.strip())
        method, path = scope["method"], scope["path"]
        limit, upload = body_limit(method, path, kind or "", self.max_body, self.uploads)
        if length is None and chunked:
            if upload:
                scope.setdefault("state", {})["too_large"] = limit
                return None
            return self.refuse(scope, 411, "no_length", "request.length_required", self.max_body)
        if length is not None and (not length.isdigit() or int(length) > limit):
            if upload:
                scope.setdefault("state", {})["too_large"] = limit
                return None
            return self.refuse(scope, 413, "too_large", "request.too_large", limit)
        scope["liandong.anonymous"] = not authorised
        scope["liandong.form"] = method == "POST" and (kind or "").lower().startswith(
            "application/x-www-form-urlencoded")
        return None

    @staticmethod
    def rate_limited(scope: Scope) -> bool:
        """Anonymous public intake counts against its sender's address."""
        return bool(scope["method"] == "POST" and scope["path"] in PUBLIC_INTAKE
                    and scope.get("liandong.anonymous"))

    @staticmethod
    def refuse(scope: Scope, status: int, key: str, code: str, limit: object) -> Response:
        request = Request(scope)
        message = TEXT[key][get_lang(request)].format(limit=limit)
        if request.url.path.startswith("/open311"):
            return JSONResponse([{"code": status, "description": message}], status_code=status)
        return JSONResponse({"code": code, "message": message, "details": {"limit": str(limit)}},
                            status_code=status)


_PERCENT = {byte: f"%{byte:02X}".encode() for byte in range(0x80, 0x100)}


def utf8_form(receive: Receive) -> Receive:
    """A form body as UTF-8 whatever its sender did: raw bytes beyond ASCII are percent-encoded on
    the way in (the form parser reads raw bytes as Latin-1, so "路灯不亮" sent unencoded, as some
    Open311 clients send it, would arrive as mojibake); percent-encoded bodies pass unchanged. A
    character split between two chunks stays whole: the bytes are encoded one by one."""

    async def wrapped() -> Message:
        message = await receive()
        body = message.get("body", b"")
        if message["type"] == "http.request" and body and not body.isascii():
            message = {**message, "body": b"".join(_PERCENT.get(b, bytes((b,))) for b in body)}
        return message
    return wrapped
