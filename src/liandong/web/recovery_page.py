"""找回查询码 on the portal (issue 24 point 6): the phone number of the report, a one-time code sent to
it by SMS, then new tracking codes for that phone's latest cases (``services.recovery``).

Rate-limited per phone and per address, for asking and for answering alike; asking answers the same
whether the number reported anything or not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from limits import parse
from starlette.concurrency import run_in_threadpool

from liandong.adapters.citizen import tracking_recovery
from liandong.bootstrap import Platform
from liandong.domain.contact import phone_digest
from liandong.domain.errors import DomainError
from liandong.http.deps import LangDep, PlatformDep, client_address
from liandong.i18n import words
from liandong.i18n.messages import explain
from liandong.i18n.web.public import RECOVERY_TEXT
from liandong.services.recovery import Challenge, TrackingRecovery
from liandong.web.render import Renderer
from liandong.web.session import checked_form

PER_PHONE = parse("3/10minutes")
"""Codes asked for, and answers tried, for one phone number."""
PER_ADDRESS = parse("20/hour")
"""Codes asked for and answers tried from one client address."""


def install(app: FastAPI, renderer: Renderer, *, sms_log: Path | None = None) -> None:
    made: list[TrackingRecovery] = []

    def service(platform: Platform) -> TrackingRecovery:
        if not made:
            made.append(tracking_recovery(platform, sms_log))
        return made[0]

    def page(request: Request, lang: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("error", "")
        context.setdefault("challenge", None)
        context.setdefault("found", None)
        context.setdefault("phone", "")
        return renderer.render(request, "portal_recover.html", lang, status=status, text=RECOVERY_TEXT,
                               **context)

    def allowed(request: Request, platform: Platform, action: str, phone: str) -> int:
        """0 if this try may go on, else the seconds to wait (the phone counted by its keyed digest)."""
        throttle = app.state.throttle
        for item, key in ((PER_ADDRESS, client_address(request)),
                          (PER_PHONE, phone_digest(phone, platform.phone_key))):
            if not throttle.hit(item, f"recovery-{action}", key):
                return int(throttle.retry_after(item, f"recovery-{action}", key))
        return 0

    @app.get("/portal/recover", response_class=HTMLResponse, include_in_schema=False)
    def recover_form(request: Request, lang: LangDep) -> HTMLResponse:
        return page(request, lang)

    @app.post("/portal/recover", response_class=HTMLResponse, include_in_schema=False)
    async def ask(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        try:
            form = await checked_form(request)
        except DomainError as exc:
            return page(request, lang, status=403, error=explain(exc, lang))
        phone = str(form.get("phone") or "")[:32]
        wait = allowed(request, platform, "ask", phone)
        if wait:
            return page(request, lang, status=429, phone=phone,
                        error=explain(DomainError("recovery.too_many"), lang))
        try:
            challenge = await run_in_threadpool(service(platform).request, phone)  # the SMS: off the loop
        except DomainError as exc:
            status = 503 if exc.code == "alerts.unavailable" else 422
            return page(request, lang, status=status, phone=phone, error=explain(exc, lang))
        return page(request, lang, status=202, phone=phone, challenge=challenge)

    @app.post("/portal/recover/verify", response_class=HTMLResponse, include_in_schema=False)
    async def answer(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        try:
            form = await checked_form(request)
        except DomainError as exc:
            return page(request, lang, status=403, error=explain(exc, lang))
        phone = str(form.get("phone") or "")[:32]
        try:
            challenge = Challenge(int(str(form.get("expires") or "0")[:12]), str(form.get("mac") or "")[:64])
        except ValueError:
            challenge = Challenge(0, "")
        if allowed(request, platform, "verify", phone):
            return page(request, lang, status=429, phone=phone, challenge=challenge,
                        error=explain(DomainError("recovery.too_many"), lang))
        try:
            found = await run_in_threadpool(service(platform).verify, phone, str(form.get("code") or "")[:12],
                                            challenge)
        except DomainError as exc:
            return page(request, lang, status=422, phone=phone, challenge=challenge, error=explain(exc, lang))
        t = words(RECOVERY_TEXT, lang)
        return page(request, lang, phone=phone, found=[
            {"code": r.tracking_code, "received": r.received_at, "label": t["case_of"]} for r in found])
