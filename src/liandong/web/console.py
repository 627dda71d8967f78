"""The dispatch console of a 12345 centre (派单台): a queue to clear without leaving the page.

Each report is a card updated in place (htmx) after 派单, a dispatch to a department named instead of
the suggested lead, or 并单 into the report it repeats; several cards are dispatched at once to their
suggested leads, each showing its own result; a counter polls for reports that arrived since the page
was opened. Every change is a declared command on the writer's bus; without script the forms post and
the page comes back. Dispatchers act; the oversight roles look; anyone else is refused (403)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from liandong.bootstrap import Platform
from liandong.domain.access import Principal, StaffRole
from liandong.domain.cases import commands as c
from liandong.domain.cases.events import CaseDispatched, CaseMerged
from liandong.domain.cases.states import CaseState
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.http.deps import LangDep, PlatformDep, case_actor, check_visible
from liandong.i18n import words
from liandong.i18n.messages import explain
from liandong.i18n.web.console import PAGE_TEXT
from liandong.services.bus import Result
from liandong.services.writer import unwrap
from liandong.web import console_rows as rows
from liandong.web.actions import BY_KEY
from liandong.web.render import Renderer
from liandong.web.session import checked_form, session_user

BATCH_MOST = 50
"""Reports one batch dispatch takes at most."""
ACTIONS = ("dispatch", "merge", "reclassify")
"""What a card posts: 派单 (to the suggested lead or one named), 并单, 改类."""


def _texts(lang: str) -> dict[str, str]:
    return dict(words(PAGE_TEXT, lang))


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def install(app: FastAPI, renderer: Renderer) -> None:
    def render(request: Request, name: str, lang: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        return renderer.render(request, name, lang, status=status, text=PAGE_TEXT, **context)

    def gate(request: Request, lang: str, *, act: bool = False) -> Principal | Response:
        """The signed-in member of staff who may look (oversight roles) or act (dispatchers)."""
        user = session_user(request)
        if user is None or user.is_citizen or user.jurisdiction is None:
            target = "/login?next=/work/dispatch"
            if _is_htmx(request):
                return Response(status_code=401, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
        t = _texts(lang)
        if not user.oversees or (act and StaffRole.DISPATCHER not in user.roles):
            message = t["dispatcher_only"] if user.oversees else t["console_denied"]
            return render(request, "error.html", lang, status=403, heading=t["console_denied_title"],
                          message=message, back="/work", back_label=t["to_inbox"])
        return user

    @app.get("/work/dispatch", response_class=HTMLResponse, include_in_schema=False)
    def console(request: Request, platform: PlatformDep, lang: LangDep) -> Response:
        user = gate(request, lang)
        if isinstance(user, Response):
            return user
        return _page(request, platform, user, lang, {})

    def _page(request: Request, platform: Platform, user: Principal, lang: str, errors: dict[str, str],
              status: int = 200) -> Response:
        new, returns = rows.new_reports(platform, user, lang)
        for row in new:
            row["error"] = errors.get(row["r"].id, "")
        h = platform.hierarchy
        assert user.jurisdiction is not None
        return render(request, "work_dispatch.html", lang, status=status, new=new, returns=returns,
                      repeats=rows.repeat_rows(platform, user, lang), repeat_days=rows.REPEAT_DAYS,
                      may_dispatch=StaffRole.DISPATCHER in user.roles,
                      centre=platform.rules().router.department_name(user.department or ""),
                      since=platform.clock.now().isoformat(),
                      level_is_city=h.get(user.jurisdiction).level <= Level.CITY)

    def _card(request: Request, platform: Platform, user: Principal, case_id: str, lang: str, *,
              outcome: str = "", error: str = "", status: int = 200, oob: bool = False,
              before: Any = None) -> HTMLResponse:
        """One card: as it stood before a command that cleared it (with the outcome), or as it
        stands now (with a refusal beside its forms)."""
        record = before if before is not None else platform.queries().case(user, case_id).record
        row = rows.report_row(platform, record, lang, platform.clock.now())
        if not outcome:
            rows.reading(platform, [row], lang)
        row.update(outcome=outcome, error=error)
        return render(request, "dispatch_card.html", lang, status=status, row=row, oob=oob,
                      may_dispatch=StaffRole.DISPATCHER in user.roles)

    async def _command(platform: Platform, user: Principal, case_id: str, action: str, form: dict[str, Any],
                       lang: str, version: int) -> c.Command:
        """The declared command a card posts, its actor checked as the API checks it."""
        by = await run_in_threadpool(case_actor, platform, user, case_id, action)
        if action == "dispatch":
            lead = ""
            if str(form.get("lead_name", "")).strip():
                record = (await run_in_threadpool(platform.queries().case, user, case_id)).record
                lead = await run_in_threadpool(rows.lead_by_name, platform, record, by,
                                               str(form["lead_name"]), lang)
            return c.DispatchCase(by=by, case_id=case_id, expected_version=version, lead=lead)
        if action == "merge":
            into = str(form.get("into", ""))
            await run_in_threadpool(check_visible, platform, user, into)
            return c.MergeCase(by=by, case_id=case_id, expected_version=version, into=into)
        return BY_KEY[action].build(case_id, by, version, form)

    def _outcome(platform: Platform, result: Result, lang: str) -> str:
        t = _texts(lang)
        router = platform.rules().router
        for event in result.events:
            if isinstance(event, CaseDispatched):
                return t["dispatched_to"].format(lead=router.department_name(event.lead))
            if isinstance(event, CaseMerged):
                return t["merged_into"].format(case=event.into[:10])
        return ""

    @app.post("/work/dispatch/{case_id}/act", include_in_schema=False)
    async def act(request: Request, case_id: str, lang: LangDep) -> Response:
        """A card's command; with htmx the card comes back in place, else the console."""
        platform: Platform = request.app.state.platform
        user = gate(request, lang, act=True)
        if isinstance(user, Response):
            return user
        try:
            before = (await run_in_threadpool(platform.queries().case, user, case_id)).record
        except DomainError as exc:
            return render(request, "error.html", lang, status=404, message=explain(exc, lang))
        try:
            form = await checked_form(request)
            action = str(form.get("action", ""))
            if action not in ACTIONS:  # the case page has the other actions
                raise DomainError("web.console_action", value=action, allowed="、".join(ACTIONS))
            version = _version(form.get("version", ""))
            command = await _command(platform, user, case_id, action, form, lang, version)
            result = unwrap(await platform.writer().submit_async(command))
        except DomainError as exc:
            status = 409 if exc.code in ("case.conflict", "case.illegal_transition") else 422
            said = explain(exc, lang)
            if _is_htmx(request):
                return await run_in_threadpool(lambda: _card(request, platform, user, case_id, lang,
                                                             error=said, status=status))
            return await run_in_threadpool(_page, request, platform, user, lang, {case_id: said}, status)
        if not _is_htmx(request):
            return RedirectResponse(f"/work/dispatch?lang={lang}", status_code=303)
        if action == "reclassify":  # still waiting: the card with the new reading
            return await run_in_threadpool(_card, request, platform, user, case_id, lang)
        outcome = _outcome(platform, result, lang)
        response = await run_in_threadpool(
            lambda: _card(request, platform, user, case_id, lang, before=before, outcome=outcome))
        _append(response, await run_in_threadpool(_pending_html, request, platform, user, lang))
        if action == "merge":  # the original took the duplicate in: its card, at its new version, too
            original = await run_in_threadpool(platform.queries().case, user, str(form.get("into", "")))
            if original.record.state is CaseState.RECEIVED:
                fresh = await run_in_threadpool(_card_html, request, platform, user, original.id, lang)
                _append(response, fresh)
        return response

    @app.post("/work/dispatch/batch", include_in_schema=False)
    async def batch(request: Request, lang: LangDep) -> Response:
        """批量派单: each picked report to its suggested lead, each its own command and result."""
        platform: Platform = request.app.state.platform
        user = gate(request, lang, act=True)
        if isinstance(user, Response):
            return user
        t = _texts(lang)
        try:
            form = await checked_form(request)
            picked = _picked(form.get("pick", ()))
        except DomainError as exc:
            return render(request, "dispatch_batch.html", lang, status=422, error=explain(exc, lang),
                          cards=[], summary="")
        befores: dict[str, Any] = {}
        pending: list[tuple[str, Any]] = []
        errors: dict[str, str] = {}
        for case_id, version in picked:
            try:
                befores[case_id] = (await run_in_threadpool(platform.queries().case, user, case_id)).record
                by = await run_in_threadpool(case_actor, platform, user, case_id, "dispatch")
                command = c.DispatchCase(by=by, case_id=case_id, expected_version=version)
                pending.append((case_id, platform.writer().submit_async(command)))
            except DomainError as exc:
                errors[case_id] = explain(exc, lang)
        outcomes: dict[str, str] = {}
        for case_id, future in pending:  # one batch of the writer: submitted together, awaited here
            try:
                outcomes[case_id] = _outcome(platform, unwrap(await future), lang)
            except DomainError as exc:
                errors[case_id] = explain(exc, lang)
        if not _is_htmx(request):
            if errors:
                return await run_in_threadpool(_page, request, platform, user, lang, errors, 409)
            return RedirectResponse(f"/work/dispatch?lang={lang}", status_code=303)

        def card(case_id: str) -> str:
            if case_id in outcomes:
                return _card_html(request, platform, user, case_id, lang, outcome=outcomes[case_id],
                                  before=befores.get(case_id))
            return _card_html(request, platform, user, case_id, lang, error=errors[case_id])
        cards = [await run_in_threadpool(card, case_id) for case_id, _ in picked if case_id in befores]
        summary = t["batch_done"].format(n=len(picked), ok=len(outcomes), failed=len(picked) - len(outcomes))
        unseen = [e for case_id, e in errors.items() if case_id not in befores]
        cards.append(await run_in_threadpool(_pending_html, request, platform, user, lang))
        return render(request, "dispatch_batch.html", lang, cards=cards, summary=summary,
                      error="；".join(unseen))

    def _card_html(request: Request, platform: Platform, user: Principal, case_id: str, lang: str,
                   **kw: Any) -> str:
        return bytes(_card(request, platform, user, case_id, lang, oob=True, **kw).body).decode()

    def _pending_html(request: Request, platform: Platform, user: Principal, lang: str) -> str:
        """The count of reports still waiting, out of band (the heading's)."""
        waiting = rows.arrivals(platform, user)
        return bytes(render(request, "dispatch_pending.html", lang, pending=waiting, oob=True).body).decode()

    @app.get("/work/dispatch/{case_id}/leads", response_class=HTMLResponse, include_in_schema=False)
    def lead_search(request: Request, case_id: str, platform: PlatformDep, lang: LangDep,
                    lead_name: str = "", q: str = "") -> Response:
        """Search-as-you-type over the departments that may lead this case (the override's list)."""
        user = gate(request, lang, act=True)
        if isinstance(user, Response):
            return user
        try:
            record = platform.queries().case(user, case_id).record
        except DomainError as exc:
            return render(request, "error.html", lang, status=404, message=explain(exc, lang))
        actor = user.department or ""
        return render(request, "dispatch_leads.html", lang, case_id=case_id,
                      leads=rows.leads(platform, record, actor, (q or lead_name)[:40], lang))

    @app.get("/work/dispatch/arrivals", response_class=HTMLResponse, include_in_schema=False)
    def arrivals(request: Request, platform: PlatformDep, lang: LangDep, since: str = "") -> Response:
        """The counter of reports that arrived since the page was opened (polled every 30 s)."""
        user = gate(request, lang)
        if isinstance(user, Response):
            return user
        try:
            moment = datetime.fromisoformat(since.replace(" ", "+"))
            if moment.tzinfo is None:
                raise ValueError(since)
        except ValueError:
            message = _texts(lang)["bad_since"].format(value=since[:40])
            return render(request, "error.html", lang, status=422, message=message)
        return render(request, "dispatch_arrivals.html", lang, since=moment.isoformat(), polled=True,
                      n=rows.arrivals(platform, user, moment), pending=rows.arrivals(platform, user))


def _append(response: Response, html: str) -> None:
    """More of the page, out of band, after a card (its headers, the CSRF cookie's too, kept)."""
    body = bytes(response.body) + html.encode()
    response.body = body
    response.headers["content-length"] = str(len(body))


def _version(raw: Any) -> int:
    try:
        return int(str(raw or "0"))
    except ValueError:
        raise DomainError("web.bad_number", value=str(raw)[:20]) from None


def _picked(raw: Any) -> list[tuple[str, int]]:
    """The reports a batch names (``case_id:version`` each): at least one, at most ``BATCH_MOST``."""
    values = raw if isinstance(raw, list) else ([raw] if raw else [])
    if not values:
        raise DomainError("web.batch_empty")
    if len(values) > BATCH_MOST:
        raise DomainError("web.batch_too_large", count=len(values), most=BATCH_MOST)
    out = []
    for value in values:
        case_id, _, version = str(value).partition(":")
        out.append((case_id, _version(version)))
    return list(dict.fromkeys(out))
