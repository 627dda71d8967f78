"""The workbench's first page: 待办 (what waits on my department, one row per duty with the
action expected and its countdown, amber near the deadline, red once overdue), my department's
cases, and — for a street or township office — every live case in its area."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liandong.bootstrap import Platform
from liandong.domain.access import Principal
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.federation import shared_inbox
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n import name_of, words
from liandong.i18n.messages import EVENT_LABELS, LEVEL_NAMES, ROLE_NAMES
from liandong.i18n.web.work import WORK_TEXT
from liandong.i18n.work_items import WORK_LIST_TEXT, countdown, duty_name, state_name
from liandong.services.ports import CaseSummary
from liandong.web.calendar_notice import admin_notices
from liandong.web.case_view import local
from liandong.web.render import Renderer
from liandong.web.session import session_user

TABS = ("duties", "cases", "area")


def _matter_name(platform: Platform, code: str, lang: str) -> str:
    try:
        return name_of(platform.catalogue.matters.get(code), lang)
    except DomainError:
        return code


def remaining(platform: Platform, due: datetime | None, matter: str, severity: str,
              now: datetime, lang: str) -> tuple[str, bool]:
    """A case's countdown: working hours for working-day limits, clock hours otherwise."""
    if due is None:
        return "—", False
    hours_limit = False
    try:
        limit = platform.catalogue.matters.get(matter).limits.get(next(
            s for s in platform.catalogue.matters.get(matter).limits if s.value == severity))
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


def _area_of(platform: Platform, user: Principal) -> str:
    """The unit whose live cases the user's office follows (a street or township), else ""."""
    unit = user.jurisdiction or (user.department or "").rpartition("-")[0]
    h = platform.hierarchy
    return unit if unit in h and h.get(unit).level is Level.TOWNSHIP else ""


def _duty_rows(platform: Platform, department: str, now: datetime, lang: str,
               action: str, overdue: str) -> tuple[list[dict[str, Any]], int, list[tuple[str, str]]]:
    work = platform.work().waiting(department, now, limit=500)
    rows = []
    for item in work.items:
        d = item.duty
        what = item.title if d.subject == "instrument" else _matter_name(platform, item.matter, lang)
        href = (f"/work/instruments/{d.subject_id}" if d.subject == "instrument"
                else f"/work/cases/{d.subject_id}")
        rows.append({"item": item, "what": what, "href": f"{href}?lang={lang}",
                     "action": duty_name(d.kind, lang), "state": state_name(item.state, lang),
                     "countdown": countdown(item, lang), "urgency": item.urgency.value})
    for item, home in shared_inbox.waiting(platform, department, now):  # shared cases held at other nodes
        d = item.duty
        rows.append({"item": item, "href": f"/work/shared/{d.subject_id}?lang={lang}",
                     "what": f"{_matter_name(platform, item.matter, lang)} · "
                             f"{words(WORK_TEXT, lang)['shared_home'].format(home=home)}",
                     "action": duty_name(d.kind, lang), "state": state_name(item.state, lang),
                     "countdown": countdown(item, lang), "urgency": item.urgency.value})
    rows.sort(key=lambda r: r["item"].duty.order)
    kinds = sorted({(r["item"].duty.kind.value, r["action"]) for r in rows})
    shown = [r for r in rows if (not action or r["item"].duty.kind.value == action)
             and (not overdue or r["urgency"] == "red")]
    return shown, work.total + len(rows) - len(work.items), kinds


def _case_rows(platform: Platform, summaries: list[CaseSummary], now: datetime,
               lang: str) -> list[dict[str, Any]]:
    h = platform.hierarchy
    rows = []
    for s in summaries:
        level = h.get(s.owner).level if s.owner and s.owner in h else None
        if s.state in ("resolved", "followed_up"):  # handled: no countdown, never red
            text, late = WORK_TEXT[lang][f"done_{s.state}"], False
        else:
            text, late = remaining(platform, s.due, s.matter, s.severity, now, lang)
        role = next((r for r in ROLE_NAMES if r.value == s.role), None)
        rows.append({"s": s, "remaining": text, "overdue": late, "level": level.key if level else "",
                     "level_name": LEVEL_NAMES[level][lang] if level is not None else "—",
                     "role_name": ROLE_NAMES[role][lang] if role is not None else "—",
                     "state_name": state_name(s.state, lang),
                     "matter_name": _matter_name(platform, s.matter, lang)})
    return rows


def install(app: FastAPI, renderer: Renderer) -> None:
    render = renderer.render

    @app.get("/work", response_class=HTMLResponse, include_in_schema=False)
    def inbox_page(request: Request, platform: PlatformDep, lang: LangDep, tab: str = "duties",
                   action: str = "", state: str = "", matter: str = "", role: str = "", level: str = "",
                   source: str = "", overdue: str = "") -> Response:
        user = session_user(request)
        if user is None or user.is_citizen or user.department is None:
            return RedirectResponse(f"/login?next=/work%3Flang%3D{lang}", status_code=303)
        now = platform.clock.now()
        area = _area_of(platform, user)
        tab = tab if tab in TABS and (tab != "area" or area) else "duties"
        department = platform.rules().router.department_name(user.department)
        common = {"text": WORK_TEXT, "lw": words(WORK_LIST_TEXT, lang), "tab": tab, "area": area,
                  "department": department, "notices": admin_notices(platform, user, now, lang),
                  "waiting": platform.work().waiting(user.department, now, limit=1).total}
        if tab == "duties":
            rows, total, kinds = _duty_rows(platform, user.department, now, lang, action, overdue)
            work, department_code = platform.work(), user.department
            notices = work.case_notices(department_code)
            if notices:  # shown with what they say: delivered, so read (信息对称), on the writer's thread
                platform.writer().run(lambda: work.delivered(department_code, notices, platform.clock.now())
                                      ).result(timeout=30)
            told = [{"case": x.notice.subject_id, "number": x.number or x.notice.subject_id[:12],
                     "at": local(x.notice.at), "text": x.text,
                     "what": EVENT_LABELS.get(x.notice.event_type, {}).get(lang, x.notice.event_type)}
                    for x in notices]
            return render(request, "work_inbox.html", lang, **common, duties=rows, total=total,
                          kinds=kinds, chosen={"action": action, "overdue": overdue}, told=told)
        summaries = (platform.queries().inbox(user.department, limit=500) if tab == "cases"
                     else platform.work().in_area(area, limit=500))
        rows = _case_rows(platform, summaries, now, lang)
        chosen = {"state": state, "matter": matter, "role": role, "level": level, "source": source}
        labels = {"state": "state_name", "matter": "matter_name", "role": "role_name", "level": "level_name"}

        def value(row: dict[str, Any], key: str) -> str:
            return str(row["level"] if key == "level" else getattr(row["s"], key))

        options = {key: sorted({(value(r, key), str(r[labels[key]]) if key in labels else value(r, key))
                                for r in rows}) for key in chosen}
        shown = [r for r in rows if all(not want or value(r, key) == want for key, want in chosen.items())
                 and (not overdue or r["overdue"])]
        far = datetime.max.replace(tzinfo=UTC)
        shown.sort(key=lambda r: (not r["overdue"], r["s"].due or far))
        return render(request, "work_inbox.html", lang, **common, rows=shown, total=len(rows),
                      options=options, chosen={**chosen, "overdue": overdue})
