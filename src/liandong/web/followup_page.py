"""The 12345 centre's 回访 queue: resolved cases waiting for the call to their reporter, each with an
outcome to record where it stands (满意 / 基本满意 / 不满意 / 未联系上, tried again up to the policy's
attempts), and the 回访核实 sample — a second, independent call that does not show the first
rating. The page stays in place: the row recorded leaves the queue."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from liandong.bootstrap import Platform
from liandong.domain.access import Principal, StaffRole, mask_name
from liandong.domain.cases import commands as c
from liandong.domain.duties import DutyKind
from liandong.domain.errors import DomainError
from liandong.http.deps import LangDep, PlatformDep, case_actor
from liandong.i18n import name_of, words
from liandong.i18n.messages import explain
from liandong.i18n.web.work import WORK_TEXT
from liandong.i18n.work_items import FOLLOW_UP_TEXT
from liandong.services.writer import unwrap
from liandong.web.actions import BY_KEY, UNREACHED
from liandong.web.render import Renderer
from liandong.web.session import checked_form, session_user

OUTCOMES = ("satisfied", "basically_satisfied", "unsatisfied", UNREACHED)
KINDS = {"calls": (DutyKind.FOLLOW_UP,), "verify": (DutyKind.VERIFY_FOLLOW_UP,)}


def _rows(platform: Platform, user: Principal, tab: str, lang: str) -> tuple[list[dict[str, Any]], int]:
    assert user.department is not None
    work = platform.work().waiting(user.department, platform.clock.now(), limit=100, kinds=KINDS[tab])
    rows = []
    for item in work.items:
        case = platform.queries().get(item.duty.subject_id)
        if case is None:
            continue
        r = case.record
        try:
            matter = name_of(platform.catalogue.matters.get(r.matter), lang)
        except DomainError:
            matter = r.matter
        rows.append({"id": r.id, "version": r.version, "matter": matter, "since": item.duty.since,
                     "reporter": mask_name(r.reporter_name) if r.reporter_name else "—",
                     "phone": r.reporter_phone or "—", "attempts": r.follow_up_attempts,
                     "lead": platform.rules().router.department_name(r.lead)})
    return rows, work.total


def install(app: FastAPI, renderer: Renderer) -> None:
    render = renderer.render

    def page(request: Request, platform: Platform, user: Principal, lang: str, tab: str, *,
             done: str = "", error: str = "", failed: str = "", status: int = 200) -> Response:
        rows, total = _rows(platform, user, tab, lang)
        counts = {key: platform.work().waiting(user.department or "", platform.clock.now(), limit=1,
                                               kinds=kinds).total for key, kinds in KINDS.items()}
        return render(request, "work_followups.html", lang, status=status, text=WORK_TEXT,
                      ft=words(FOLLOW_UP_TEXT, lang), tab=tab, rows=rows, total=total, counts=counts,
                      outcomes=OUTCOMES, done=done, error=error, failed=failed,
                      attempts=platform.rules().policy.follow_up_attempts)

    def allowed(request: Request) -> Principal | None:
        user = session_user(request)
        if user is None or user.is_citizen or user.department is None:
            return None
        return user if StaffRole.DISPATCHER in user.roles or StaffRole.ADMINISTRATOR in user.roles else None

    @app.get("/work/followups", response_class=HTMLResponse, include_in_schema=False)
    def followups(request: Request, platform: PlatformDep, lang: LangDep, tab: str = "calls",
                  done: str = "") -> Response:
        user = session_user(request)
        if user is None or user.is_citizen:
            return RedirectResponse(f"/login?next=/work/followups%3Flang%3D{lang}", status_code=303)
        if allowed(request) is None:
            t = words(FOLLOW_UP_TEXT, lang)
            return render(request, "error.html", lang, status=403, text=WORK_TEXT, heading=t["denied_title"],
                          message=t["denied"], back="/work", back_label=WORK_TEXT[lang]["to_inbox"])
        return page(request, platform, user, lang, tab if tab in KINDS else "calls", done=done)

    @app.post("/work/followups/{case_id}", include_in_schema=False)
    async def record(request: Request, case_id: str, lang: LangDep) -> Response:
        user = allowed(request)
        if user is None:
            return RedirectResponse("/login?next=/work/followups", status_code=303)
        platform: Platform = request.app.state.platform
        tab = "calls"
        try:
            form = await checked_form(request)
            tab = "verify" if form.get("tab") == "verify" else "calls"
            outcome = str(form.get("rating", ""))
            if outcome not in OUTCOMES:
                names = words(FOLLOW_UP_TEXT, lang)
                raise DomainError("case.bad_rating", value=outcome,
                                  allowed="、".join(names[f"outcome_{o}"] for o in OUTCOMES))
            version = int(str(form.get("version", "0")) or 0)
            key = "follow-up" if tab == "calls" else "verify-follow-up"
            by = await run_in_threadpool(case_actor, platform, user, case_id, key)
            command: c.Command
            if tab == "calls":
                command = BY_KEY["follow-up"].build(case_id, by, version, form)
            else:
                command = c.VerifyFollowUp(by=by, case_id=case_id, expected_version=version,
                                           contacted=outcome != UNREACHED,
                                           rating="none" if outcome == UNREACHED else outcome)
            unwrap(await platform.writer().submit_async(command))
        except DomainError as exc:
            status = 409 if exc.code in ("case.conflict", "case.illegal_transition") else 422
            return await run_in_threadpool(page, request, platform, user, lang, tab, error=explain(exc, lang),
                                           failed=case_id, status=status)
        target = f"/work/followups?lang={lang}&tab={tab}&done={case_id}#queue"
        return RedirectResponse(target, status_code=303)
