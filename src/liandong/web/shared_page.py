"""共享案件页 (decision 0056): a case handed over to this node and held at another (its home) — this
node's copy of its status, its duties and deadlines, the commands offered to the reader's department
(forwarded to the home, ``federation.shared_inbox.act``) and the outcomes of those forwarded."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from liandong.domain.access import check_command
from liandong.domain.cases.command_base import COMMANDS
from liandong.domain.declare import declaration
from liandong.domain.errors import DomainError
from liandong.federation import joint, shared_inbox
from liandong.http.deps import FederationDep, LangDep, PlatformDep
from liandong.i18n import pick
from liandong.i18n.messages import ROLE_NAMES, explain
from liandong.i18n.web.work import WORK_TEXT
from liandong.i18n.work_items import duty_name, state_name
from liandong.web.render import Renderer
from liandong.web.session import checked_form, session_user


def install(app: FastAPI, renderer: Renderer) -> None:
    render = renderer.render

    def page(request: Request, platform: Any, node: Any, case_id: str, lang: str, *, said: str = "",
             error: str = "", status: int = 200) -> Response:
        user = session_user(request)
        if user is None or user.is_citizen or user.department is None:
            return RedirectResponse(f"/login?next=/work/shared/{case_id}", status_code=303)
        shared = shared_inbox.held_elsewhere(platform, case_id)
        department = user.department
        if shared is None or department not in ({m for m, _ in shared.members}
                                                | {d.department for d in shared.duties}):
            return render(request, "error.html", lang, status=404, text=WORK_TEXT,
                          message=explain(DomainError("case.unknown", case_id=case_id), lang))
        roles = {r.value: names[lang] for r, names in ROLE_NAMES.items()}
        offered = [(slug, pick(declaration(COMMANDS[slug]).name, lang), slug in shared_inbox.SUMMARY)
                   for slug in shared_inbox.offered(shared, department)]
        forwarded = [r for r in (joint.commands(node, case_id) if node is not None else [])
                     if r.direction == "out"]
        return render(request, "work_shared.html", lang, status=status, text=WORK_TEXT, s=shared,
                      state=state_name(shared.state, lang), roles=roles, offered=offered,
                      duties=[(d, duty_name(d.kind, lang)) for d in shared.duties], forwarded=forwarded,
                      said=said, error=error)

    @app.get("/work/shared/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def shared_case(request: Request, case_id: str, platform: PlatformDep, node: FederationDep,
                    lang: LangDep) -> Response:
        return page(request, platform, node, case_id, lang)

    @app.post("/work/shared/{case_id}/act", include_in_schema=False)
    async def act(request: Request, case_id: str, platform: PlatformDep, node: FederationDep,
                  lang: LangDep) -> Response:
        user = session_user(request)
        if user is None or user.is_citizen:
            return RedirectResponse(f"/login?next=/work/shared/{case_id}", status_code=303)
        try:
            form = await checked_form(request)
            command = str(form.get("command", ""))
            department = check_command(user, command)
            summary = str(form.get("summary", "")).strip()
            params = {"summary": summary} if command in shared_inbox.SUMMARY else {}
            key = str(form.get("key", ""))[:64]
            command_id = await run_in_threadpool(lambda: platform.writer().run(
                lambda: shared_inbox.act(node, department, case_id, command, params, key)).result(timeout=30))
        except DomainError as exc:
            return await run_in_threadpool(page, request, platform, node, case_id, lang,
                                           error=explain(exc, lang), status=422)
        shared = await run_in_threadpool(shared_inbox.held_elsewhere, platform, case_id)
        said = WORK_TEXT[lang]["shared_sent"].format(id=command_id, home=shared.home if shared else "—")
        return await run_in_threadpool(page, request, platform, node, case_id, lang, said=said)
