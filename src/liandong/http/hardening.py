"""At the door of every response: only the configured host names are served, and every answer
carries the browser's protections (content security policy, no framing, no sniffing, a bounded
referrer).

The pages load their scripts and styles from the server itself (``/static``, ``/vendor``), never
inline: the policy allows no inline script at all. ECharts and the map set element styles from
script, hence ``style-src-attr 'unsafe-inline'`` (attributes only, never a style sheet). FastAPI's
API documentation pages (``/docs``, ``/redoc``) load Swagger UI and ReDoc from their CDN with an
inline start-up script, so they get a policy of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liandong.http.deps import get_lang
from liandong.i18n.messages import render

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
          "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "style-src 'self' https://cdn.jsdelivr.net; style-src-attr 'unsafe-inline'; "
               "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
               "worker-src blob:; font-src 'self' https://fonts.gstatic.com; connect-src 'self'; "
               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
DOCS = ("/docs", "/redoc")

HEADERS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin"))


_HEADERS = (*HEADERS, (b"content-security-policy", POLICY.encode()))
_DOCS_HEADERS = (*HEADERS, (b"content-security-policy", DOCS_POLICY.encode()))


def install(app: FastAPI, *, hosts: Iterable[str], proxies: Iterable[str] = ()) -> None:
    """Add the door (last, so that it is the outermost middleware); with trusted proxies, their
    forwarded client address and scheme are taken inside it, and nobody else's."""
    trusted = list(proxies)
    if trusted:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    app.add_middleware(Hardening, hosts=tuple(hosts))


def host_of(value: str) -> str:
    """The name in a Host header, without its port: ``[::1]:8000`` → ``[::1]``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def served(host: str, allowed: Iterable[str]) -> bool:
    for pattern in allowed:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]) and host != pattern[2:]:
            return True
    return False


class Hardening:
    """Plain ASGI middleware: refuse another host, add the headers on the way out."""

    def __init__(self, app: ASGIApp, *, hosts: tuple[str, ...]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        if not served(host_of(host), self.hosts):
            request = Request(scope)
            message = render("request.host_not_allowed", get_lang(request), host=host[:100],
                             allowed=", ".join(self.hosts))
            refusal = JSONResponse({"code": "request.host_not_allowed", "message": message,
                                    "details": {"host": host[:100]}}, status_code=400)
            await refusal(scope, receive, self._with_headers(send, scope["path"]))
            return
        await self.app(scope, receive, self._with_headers(send, scope["path"]))

    @staticmethod
    def _with_headers(send: Send, path: str) -> Send:
        added = _DOCS_HEADERS if path in DOCS or path.startswith("/docs/") else _HEADERS

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in added if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        return sending
