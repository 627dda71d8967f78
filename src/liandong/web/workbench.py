"""The workbench: sign-in, my department's inbox, the case page with the actions my role allows
now, and the dispatch console of a 12345 centre. Every change goes through the message bus."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from liandong.bootstrap import Platform
from liandong.domain.access import Principal, StaffRole
from liandong.domain.cases.states import CaseState
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.responsibility import Severity
from liandong.domain.worktime import SHANGHAI
from liandong.http.deps import LangDep, PlatformDep, case_actor, read_marked
from liandong.i18n import name_of
from liandong.i18n.messages import explain
from liandong.i18n.web.work import WORK_TEXT
from liandong.services.writer import unwrap
from liandong.web import case_photos
from liandong.web.actions import BY_KEY, offered
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
                       *, error: str = "", failed: str = "", status: int = 200) -> Response:
        try:
            read = read_marked(platform, user, case_id)  # 已读, on the writer's thread
        except DomainError as exc:
            return render(request, "error.html", lang, status=404, message=explain(exc, lang))
        view = case_view(platform, user, read.record, read.events, read.reads, lang)
        view["photos"] = photo_views(platform, user, case_id)
        view["number"] = platform.queries().number_of(read.record.id)
        actions = offered(user, read.record, platform.hierarchy, platform.catalogue.governance)
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

    @app.get("/work/dispatch", response_class=HTMLResponse, include_in_schema=False)
    def dispatch_console(request: Request, platform: PlatformDep, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None or user.jurisdiction is None:
            return _to_login(request)
        if not user.oversees:  # reports with their excerpts are for the centre and oversight only
            t = WORK_TEXT[lang]
            return render(request, "error.html", lang, status=403, text=WORK_TEXT,
                          heading=t["console_denied_title"], message=t["console_denied"], back="/work",
                          back_label=t["to_inbox"])
        h = platform.hierarchy
        router = platform.rules().router
        new, returns = [], []
        for case in platform.queries().in_states(("received", "returned")):
            r = case.record
            if not any(h.is_ancestor(user.jurisdiction, a) for a in r.affected):
                continue
            if r.state is CaseState.RECEIVED:
                new.append(_suggestion(platform, r, lang))
            elif r.state is CaseState.RETURNED and r.pending_return is not None \
                    and r.pending_return.decider == user.department:
                returns.append({"r": r, "lead": router.department_name(r.lead),
                                "reason": r.pending_return.reason,
                                "matter_name": _matter_name(platform, r.matter, lang)})
        new.sort(key=lambda row: row["r"].received_at or datetime.min.replace(tzinfo=UTC))
        _insight(platform, new, lang)
        may_dispatch = StaffRole.DISPATCHER in user.roles
        return render(request, "work_dispatch.html", lang, text=WORK_TEXT, new=new, returns=returns,
                      may_dispatch=may_dispatch, centre=router.department_name(user.department or ""),
                      level_is_city=h.get(user.jurisdiction).level <= Level.CITY)


def _matter_name(platform: Platform, code: str, lang: str) -> str:
    try:
        m = platform.catalogue.matters.get(code)
    except DomainError:
        return code
    return name_of(m, lang)


def _insight(platform: Platform, rows: list[dict[str, Any]], lang: str) -> None:
    """The platform's reading of each new report: the matter its words suggest (a correction is
    offered when it differs from the one taken in), the place its words name when that is not
    where it was filed, and open cases it may duplicate. Advice only; the dispatcher decides."""
    if not rows:
        return
    insight = platform.insight()
    try:
        suggested = insight.suggest([row["r"].description or "—" for row in rows], k=3)
    except DomainError:
        suggested = [[] for _ in rows]
    dupes = insight.duplicates_of([(row["r"].id, row["r"].received_at) for row in rows
                                   if row["r"].received_at is not None])
    h = platform.hierarchy
    for row, found in zip(rows, suggested, strict=True):
        r = row["r"]
        row["matters"] = [{"code": s.matter, "name": _matter_name(platform, s.matter, lang),
                           "confidence": f"{s.confidence:.0%}", "keywords": "、".join(s.keywords)}
                          for s in found]
        row["mismatch"] = bool(found) and found[0].matter != r.matter
        place = platform.places.match(r.description or "")
        named = place.unit.code if place.status == "resolved" and place.unit is not None else ""
        row["place_named"] = (h.get(named).name if named and not any(
            h.is_ancestor(named, a) or h.is_ancestor(a, named) for a in r.affected) else "")
        row["dupes"] = [{"id": p.case_id, "score": f"{p.score:.2f}"} for p in dupes.get(r.id, [])[:3]]


def _suggestion(platform: Platform, r: Any, lang: str) -> dict[str, Any]:
    """What the dispatcher sees for a new report: the matter and the platform's routing."""
    router = platform.rules().router
    h = platform.hierarchy
    try:
        decision = router.route(matter=platform.rules().matter_for(r),
                                severity=Severity(r.severity), affected=r.affected)
        owner, lead = decision.owner.name, router.department_name(decision.lead)
    except DomainError as exc:
        owner, lead = "—", explain(exc, lang)
    received = r.received_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M") if r.received_at else ""
    return {"r": r, "owner": owner, "lead": lead, "received": received,
            "places": "、".join(h.get(a).name for a in r.affected),
            "matter_name": _matter_name(platform, r.matter, lang)}

