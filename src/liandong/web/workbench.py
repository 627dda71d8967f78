"""The workbench: sign-in, my department's inbox and the case page with the actions my role allows
now (the dispatch console of a 12345 centre is ``web.console``). Every change goes through the bus."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from liandong.bootstrap import Platform
from liandong.domain.access import Principal
from liandong.domain.errors import DomainError
from liandong.http.deps import LangDep, PlatformDep, case_actor, read_marked
from liandong.i18n import name_of
from liandong.i18n.messages import explain
from liandong.i18n.web.work import WORK_TEXT
from liandong.i18n.work_items import state_name
from liandong.services.ports.photos import content_key
from liandong.services.writer import unwrap
from liandong.web import case_photos
from liandong.web.actions import BY_KEY, arranged, offered
from liandong.web.case_photos import (
    MAX_PHOTOS,
    checked_documents,
    cleaned_attachments,
    document_views,
    keep_attachments,
    photo_keys,
    photo_views,
)
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

    @app.get("/work/cases/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def case_page(request: Request, case_id: str, platform: PlatformDep, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        return _case_response(request, platform, user, case_id, lang)

    def _case_response(request: Request, platform: Platform, user: Principal, case_id: str, lang: str,
                       *, error: str = "", failed: str = "", posted: dict[str, Any] | None = None,
                       status: int = 200) -> Response:
        try:
            read = read_marked(platform, user, case_id)  # 已读, on the writer's thread
        except DomainError as exc:
            return render(request, "error.html", lang, status=404, message=explain(exc, lang))
        view = case_view(platform, user, read.record, read.events, read.reads, lang)
        view["photos"] = photo_views(platform, user, case_id, read.events, lang)
        view["documents"] = document_views(case_id, read.events, platform, lang)
        view["number"] = platform.queries().number_of(read.record.id)
        view["state_name"] = state_name(read.record.state.value, lang)  # words; the code in data-state
        actions = offered(user, read.record, platform.hierarchy, platform.catalogue.governance)
        primary, more = arranged(actions)
        with_receipt = read.checkpointed
        kept = {k: v if isinstance(v, str) else [x for x in v if isinstance(x, str)]
                for k, v in (posted or {}).items() if isinstance(v, str | list) and k != "csrf"}
        return render(request, "work_case.html", lang, status=status, text=WORK_TEXT, case=view,
                      actions=actions, primary=primary, more=more, error=error, failed=failed,
                      failed_here=any(a.key == failed for a in actions), posted=kept, max_photos=MAX_PHOTOS,
                      with_receipt=with_receipt)

    @app.post("/work/cases/{case_id}/act", include_in_schema=False)
    async def act(request: Request, case_id: str, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        platform: Platform = request.app.state.platform
        form: dict[str, Any] = {}
        key = ""
        try:
            too_large = getattr(request.state, "too_large", None)
            if too_large:  # the body was not read: no form to keep, the error stands above the forms
                raise DomainError("photo.too_large", limit=too_large // 1_048_576)
            form = await checked_form(request)
            key = str(form.get("action", ""))
            action = BY_KEY.get(key)
            if action is None:
                raise DomainError("command.unknown", value=key)
            by = await run_in_threadpool(case_actor, platform, user, case_id, key)
            version = int(str(form.get("version", "0")) or 0)
            photos = await cleaned_attachments(platform, form) if action.attachments else []
            documents = await checked_documents(platform, form) if action.attachments else []
            command = action.build(case_id, by, version, form)
            if photos or documents:
                command = replace(command, photos=photo_keys(photos),  # type: ignore[type-var]
                                  documents=tuple(content_key(d.data) for d in documents))
            unwrap(await platform.writer().submit_async(command))
            await keep_attachments(platform, case_id, photos, documents)
        except DomainError as exc:
            status = 409 if exc.code in ("case.conflict", "case.illegal_transition") else 422
            return _case_response(request, platform, user, case_id, lang, error=explain(exc, lang),
                                  failed=key, posted=form, status=status)
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
