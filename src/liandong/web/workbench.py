"""The workbench: sign-in, my department's inbox and the case page with the actions my role allows
now (the dispatch console of a 12345 centre is ``web.console``). Every change goes through the bus."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from liandong.bootstrap import Platform
from liandong.domain.access import Principal
from liandong.domain.errors import DomainError
from liandong.http.deps import LangDep, PlatformDep, case_actor
from liandong.i18n import name_of, words
from liandong.i18n.messages import explain
from liandong.i18n.web.work import WORK_TEXT
from liandong.services.writer import unwrap
from liandong.web import case_photos
from liandong.web.actions import BY_KEY, offered
from liandong.web.calendar_notice import admin_notices
from liandong.web.case_photos import photo_views
from liandong.web.case_view import case_view
from liandong.web.render import Renderer
from liandong.web.session import checked_form, end_session, session_user, start_session


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else "/work"


def _staff(request: Request) -> Principal | None:
    user = session_user(request)
    return user if user is not None and not user.is_citizen else None


def _to_login(request: Request) -> RedirectResponse:
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return RedirectResponse(f"/login?next={target}", status_code=303)


def remaining(platform: Platform, due: datetime | None, matter: str, severity: str,
              now: datetime, lang: str) -> tuple[str, bool]:
    """A countdown to a deadline: working hours for working-day limits, clock hours otherwise."""
    if due is None:
        return "—", False
    hours_limit = False
    try:
        m = platform.catalogue.matters.get(matter)
        limit = m.limits.get(next(s for s in m.limits if s.value == severity), None)
        hours_limit = limit is not None and limit.unit == "h"
    except (DomainError, StopIteration):
        pass
    w = words(WORK_TEXT, lang)
    if due < now:
        return w["overdue_hours"].format(late=(now - due).total_seconds() / 3600), True
    if hours_limit:
        return w["hours_left"].format(left=(due - now).total_seconds() / 3600), False
    left = platform.rules().calendar.working_hours_between(now, due)
    return w["working_hours_left"].format(left=left), False


def install(app: FastAPI, renderer: Renderer) -> None:
    case_photos.install(app)
    render = renderer.render

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, lang: LangDep, next: str = "/work") -> HTMLResponse:
        return render(request, "login.html", lang, text=WORK_TEXT, next=_safe_next(next), error="",
                      username="")

    @app.post("/login", include_in_schema=False)
    async def login(request: Request, lang: LangDep) -> Response:
        form = await request.form()
        username, target = str(form.get("username", "")), _safe_next(str(form.get("next", "/work")))
        try:
            await checked_form(request)
            response = RedirectResponse(target, status_code=303)
            await run_in_threadpool(start_session, request, response, username=username,  # Argon2
                                    password=str(form.get("password", "")))
            return response
        except DomainError as exc:
            status = {"account.too_many_attempts": 429, "web.staff_only": 403}.get(exc.code, 401)
            return render(request, "login.html", lang, status=status, text=WORK_TEXT, next=target,
                          error=explain(exc, lang), username=username,
                          portal=exc.code == "web.staff_only")

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        response = RedirectResponse("/", status_code=303)
        try:
            await checked_form(request)
        except DomainError:
            return response
        end_session(request, response)
        return response

    @app.get("/work", response_class=HTMLResponse, include_in_schema=False)
    def inbox_page(request: Request, platform: PlatformDep, lang: LangDep, state: str = "",
                   matter: str = "", role: str = "", level: str = "", source: str = "",
                   overdue: str = "") -> Response:
        user = _staff(request)
        if user is None or user.department is None:
            return _to_login(request)
        now = platform.clock.now()
        summaries = platform.queries().inbox(user.department, limit=500)
        h = platform.hierarchy
        rows = []
        for s in summaries:
            owner_level = h.get(s.owner).level.key if s.owner and s.owner in h else ""
            if s.state in ("resolved", "followed_up"):  # handled: no countdown, never red
                text, late = WORK_TEXT[lang][f"done_{s.state}"], False
            else:
                text, late = remaining(platform, s.due, s.matter, s.severity, now, lang)
            rows.append({"s": s, "remaining": text, "overdue": late, "owner_level": owner_level,
                         "matter_name": _matter_name(platform, s.matter, lang)})
        chosen = {"state": state, "matter": matter, "role": role, "level": level, "source": source}

        def value(row: dict[str, Any], key: str) -> str:
            return str(row["owner_level"] if key == "level" else getattr(row["s"], key))

        options = {key: sorted({value(r, key) for r in rows}) for key in chosen}
        shown = [r for r in rows if all(not want or value(r, key) == want for key, want in chosen.items())
                 and (not overdue or r["overdue"])]
        far = datetime.max.replace(tzinfo=UTC)
        shown.sort(key=lambda r: (not r["overdue"], r["s"].due or far))
        department = platform.rules().router.department_name(user.department)
        return render(request, "work_inbox.html", lang, text=WORK_TEXT, rows=shown, total=len(rows),
                      department=department, options=options,
                      chosen={**chosen, "overdue": overdue},
                      notices=admin_notices(platform, user, now, lang))

    @app.get("/work/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, case_id: str, platform: PlatformDep, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        return _case_response(request, platform, user, case_id, lang)

    def _case_response(request: Request, platform: Platform, user: Principal, case_id: str, lang: str,
                       *, error: str = "", failed: str = "", status: int = 200) -> Response:
        try:
            read = platform.queries().read(user, case_id, summoned=True)
        except DomainError as exc:
            return render(request, "error.html", lang, status=404, message=explain(exc, lang))
        # 已读 in a transaction of its own on the writer's thread, never a write inside this read
        read = platform.writer().run(
            lambda: platform.queries().mark_read(user, read, platform.clock.now())).result(timeout=30)
        view = case_view(platform, user, read.record, read.events, read.reads, lang)
        view["photos"] = photo_views(platform, user, case_id)
        actions = offered(user, read.record, platform.hierarchy)
        with_receipt = read.checkpointed
        return render(request, "work_case.html", lang, status=status, text=WORK_TEXT, case=view,
                      actions=actions, error=error, failed=failed, with_receipt=with_receipt)

    @app.post("/work/cases/{case_id}/act", include_in_schema=False)
    async def act(request: Request, case_id: str, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        platform: Platform = request.app.state.platform
        form: dict[str, Any] = {}
        key = ""
        try:
            form = await checked_form(request)
            key = str(form.get("action", ""))
            action = BY_KEY.get(key)
            if action is None:
                raise DomainError("command.unknown", value=key)
            by = await run_in_threadpool(case_actor, platform, user, case_id, key)
            version = int(str(form.get("version", "0")) or 0)
            unwrap(await platform.writer().submit_async(action.build(case_id, by, version, form)))
        except DomainError as exc:
            status = 409 if exc.code in ("case.conflict", "case.illegal_transition") else 422
            return _case_response(request, platform, user, case_id, lang, error=explain(exc, lang),
                                  failed=key, status=status)
        return RedirectResponse(f"/work/cases/{case_id}?lang={lang}#timeline", status_code=303)

    @app.get("/work/cases/{case_id}/receipt", include_in_schema=False)
    def case_receipt(request: Request, case_id: str, platform: PlatformDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        try:
            platform.queries().case(user, case_id)
        except DomainError:
            return Response(status_code=404)
        data = platform.record().receipt(case_id)
        return Response(data, media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="receipt-{case_id}.json"'})


def _matter_name(platform: Platform, code: str, lang: str) -> str:
    try:
        m = platform.catalogue.matters.get(code)
    except DomainError:
        return code
    return name_of(m, lang)
