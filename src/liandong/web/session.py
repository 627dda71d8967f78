"""Browser sessions: an HttpOnly cookie holding a sign-in token, CSRF tokens bound to a cookie,
and sign-in throttling.

- A new token is issued at every sign-in and the CSRF cookie is replaced with it, so a session
  id planted before sign-in is worthless (no fixation).
- Every state-changing form carries ``csrf`` = HMAC(platform secret, CSRF cookie ‖ session); a POST
  without the matching value is refused before anything is done.
- Sign-in attempts are limited per username and per client address (moving windows), counted
  for the whole deployment when Redis is configured (``liandong.http.throttle``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from fastapi import Request, Response

from liandong.bootstrap import Platform
from liandong.domain.access import Principal
from liandong.domain.errors import DomainError
from liandong.http.deps import client_address
from liandong.http.throttle import SIGN_IN_PER_ADDRESS, SIGN_IN_PER_USERNAME, check_sign_in

SESSION_COOKIE = "ld_session"
CSRF_COOKIE = "ld_csrf"
PER_USERNAME = SIGN_IN_PER_USERNAME
PER_ADDRESS = SIGN_IN_PER_ADDRESS


def session_user(request: Request) -> Principal | None:
    """The signed-in staff member or citizen of this browser, if any (cached per request)."""
    if hasattr(request.state, "web_user"):
        cached: Principal | None = request.state.web_user
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    user = None
    if token:
        platform: Platform = request.app.state.platform
        user = platform.accounts().principal(token)
    request.state.web_user = user
    return user


def _csrf_seed(request: Request) -> str:
    seed = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "csrf_seed", None)
    if not seed:
        seed = request.state.csrf_seed = secrets.token_urlsafe(24)
    return str(seed)


def csrf_token(request: Request) -> str:
    """The value forms must echo back: bound to this browser's CSRF cookie and to its session (a
    pair of cookie and value minted by another browser does not pass with this one's session)."""
    platform: Platform = request.app.state.platform
    session = hashlib.sha256(request.cookies.get(SESSION_COOKIE, "").encode()).hexdigest()
    message = f"{_csrf_seed(request)}\n{session}".encode()
    return hmac.new(platform.secret, message, hashlib.sha256).hexdigest()[:40]


def keep_csrf_cookie(request: Request, response: Response) -> None:
    """Set the CSRF cookie if this request minted a new seed for its forms."""
    seed = getattr(request.state, "csrf_seed", None)
    if seed and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE, seed, httponly=True, samesite="strict", max_age=12 * 3600)


async def checked_form(request: Request) -> dict[str, Any]:
    """The posted form, once its CSRF value matches this browser's; refused otherwise."""
    form = await request.form()
    sent = str(form.get("csrf", ""))
    if not request.cookies.get(CSRF_COOKIE) or not hmac.compare_digest(sent, csrf_token(request)):
        raise DomainError("web.csrf")
    return {key: form.getlist(key) if len(form.getlist(key)) > 1 else value for key, value in form.items()}


def start_session(request: Request, response: Response, *, username: str, password: str) -> None:
    """Sign in: throttled, a fresh token in an HttpOnly cookie and a fresh CSRF seed. The workbench
    is for staff: a citizen's right password is answered ``web.staff_only`` and no session begins."""
    check_sign_in(request.app.state.throttle, username, client_address(request))
    platform: Platform = request.app.state.platform
    token = platform.accounts().staff_session(username, password)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure,
                        max_age=12 * 3600)
    response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(24), httponly=True, samesite="strict",
                        secure=secure, max_age=12 * 3600)


def end_session(request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        platform: Platform = request.app.state.platform
        platform.accounts().sign_out(token)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
