"""联动事项 in the workbench: a department's instruments (issued and received) with states and
deadlines, the issue form (only the kinds the department's level may issue), and the page of one
instrument with its parties, reports, tasks, decision, what was late and the actions the user may
take now. The instrument itself checks every step again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liandong.bootstrap import Platform
from liandong.domain.access import INSTRUMENT_ROLES, Principal, can_see_instrument, check_instrument_step
from liandong.domain.errors import DomainError
from liandong.domain.instruments.kinds import SPECS, Kind, Step
from liandong.domain.instruments.record import InstrumentRecord
from liandong.domain.worktime import SHANGHAI
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n import keyed, pick
from liandong.i18n.messages import explain, render
from liandong.i18n.web.instruments import DECISION_LABELS, EVENT_LABELS, INSTRUMENT_TEXT, KIND_LABELS
from liandong.services import instruments as i
from liandong.services.writer import unwrap
from liandong.web.actions import Field, asked, values_from
from liandong.web.render import Renderer
from liandong.web.session import checked_form, session_user

Form = dict[str, Any]


def _staff(request: Request) -> Principal | None:
    user = session_user(request)
    return None if user is None or user.is_citizen or user.department is None else user


def _to_login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _text(form: Form, name: str) -> str:
    value = form.get(name, "")
    return str(value).strip() if not isinstance(value, list) else ""


def _lines(form: Form, name: str) -> list[str]:
    return [line.strip() for line in _text(form, name).splitlines() if line.strip()]


def _moment(form: Form, name: str) -> datetime | None:
    raw = _text(form, name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise DomainError("web.bad_datetime", value=raw[:40]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def _pairs(form: Form, name: str, sep: str, parts: int) -> list[tuple[str, ...]]:
    out = []
    for line in _lines(form, name):
        bits = tuple(b.strip() for b in line.split(sep))
        if len(bits) != parts or not all(bits):
            raise DomainError("web.bad_line", value=line[:40], form=sep.join(["…"] * parts))
        out.append(bits)
    return out


def _quantity(text: str) -> int:
    if not text.lstrip("-").isdigit():
        raise DomainError("instrument.bad_figure", value=text[:30])
    return int(text)


# -- the actions offered on an instrument ---------------------------------------------------------
ON_THE_PAGE = tuple(step for step in i.COMMANDS.commands if step not in ("issue", "check"))
"""The steps an instrument's page may offer: every declared one but 发布 (its own form) and 时限检查
(the timers')."""


@dataclass(frozen=True)
class Offer:
    """A step offered now, its form derived from the command's declaration (``actions.asked``)."""

    key: str  # the step (as in INSTRUMENT_ROLES)
    fields: tuple[Field, ...] = ()


Choices = tuple[tuple[str, tuple[str, str]], ...]


def _offer(step: str, choices: dict[str, Choices] | None = None, skip: frozenset[str] = frozenset()) -> Offer:
    """A step's form from its declaration; ``choices``: what a select offers now."""
    return Offer(step, asked(i.COMMANDS[step], choices=choices, skip=skip))


def _tasks(ids: list[str]) -> Choices:
    return tuple((t, (t, t)) for t in ids)


def _decisions(r: InstrumentRecord) -> Choices:
    """The decisions of the instrument's kind, in the catalogue's words."""
    return tuple((d, DECISION_LABELS.get(d, (d, d))) for d in r.spec.decisions)


PILOT_ONLY = frozenset({"scope", "until"})
"""What a decision asks of a pilot alone: the scope it is scaled up to, the time it is extended until."""


def offers(user: Principal, r: InstrumentRecord, platform: Platform) -> list[Offer]:
    """The steps this user's department may take now (the instrument checks them again)."""
    dept = user.department or ""
    h = platform.hierarchy
    steps = r.spec.steps
    issuer, addressee = dept == r.issuer, dept in r.addressees
    out: list[Offer] = []
    if addressee and dept not in r.reads:
        out.append(_offer("read"))
    allocated = r.kind is Kind.RESOURCE and r.decision is not None and r.decision.decision == "allocated"
    if not r.is_open:  # what was allocated is still reported on (its use)
        out += [_offer("report")] if allocated and issuer else []
        return [o for o in out if user.roles & INSTRUMENT_ROLES[o.key]]
    reporter = issuer if r.kind in (Kind.INSPECTION, Kind.ASSESSMENT) else addressee
    if r.kind is Kind.RESOURCE:
        reporter = issuer and r.decision is not None
    if Step.REPORT in steps and reporter:
        out.append(_offer("report"))
    if Step.RESPOND in steps and addressee and dept not in r.responses:
        out.append(_offer("respond"))
    if Step.ASSIGN in steps and issuer:
        out.append(_offer("assign"))
    mine = [t.id for t in r.tasks.values() if t.owner == dept and t.done_at is None]
    if Step.COMPLETE in steps and mine:
        out.append(_offer("complete", {"task": _tasks(mine)}))
    waiting = [t.id for t in r.tasks.values() if t.done_at is not None and t.verified is None]
    if Step.VERIFY in steps and issuer and waiting:
        out.append(_offer("verify", {"task": _tasks(waiting)}))
    if Step.ATTEND in steps and addressee and dept not in r.attendance:
        out.append(_offer("attend"))
    if Step.MINUTES in steps and issuer:
        out.append(_offer("minutes"))
    decider = addressee if r.kind is Kind.RESOURCE else issuer
    if Step.DECIDE in steps and decider:
        hidden = (frozenset() if r.kind is Kind.PILOT else PILOT_ONLY) | (
            frozenset() if r.kind in (Kind.PILOT, Kind.INSPECTION) else {"justification"})
        out.append(_offer("decide", {"decision": _decisions(r)}, hidden))
    unit, author = dept.rpartition("-")[0], r.issuer.rpartition("-")[0]
    if Step.PROMOTE in steps and unit in h and author in h and unit != author and h.is_ancestor(unit, author):
        out.append(_offer("promote"))
    if Step.ADOPT in steps and unit in h and dept not in r.adopted_by and any(
            h.is_ancestor(s, unit) for s in r.promoted_to):
        out.append(_offer("adopt"))
    if issuer:
        out.append(_offer("withdraw"))
    return [o for o in out if user.roles & INSTRUMENT_ROLES[o.key]]


def build(key: str, iid: str, by: str, version: int, form: Form) -> i.InstrumentCommand:
    """The command a posted step form means, read as its declaration says (``actions.values_from``);
    a step with nothing to ask (已阅, 采纳) takes no version, as on the API."""
    if key not in ON_THE_PAGE:
        raise DomainError("command.unknown", value=key[:30])
    cls = i.COMMANDS[key]
    values = values_from(cls, form)
    version_seen = {"expected_version": version} if asked(cls) else {}
    command: i.InstrumentCommand = cls(by=by, instrument_id=iid, **version_seen, **values)
    return command


def issuable(platform: Platform, department: str) -> list[str]:
    """The kinds the governance elements of the department's level allow it to issue."""
    unit = department.rpartition("-")[0]
    if unit not in platform.hierarchy:
        return []
    level = platform.hierarchy.get(unit).level
    return [k.value for k in Kind if platform.catalogue.governance.allows(level, SPECS[k].issue)]


def _view(platform: Platform, r: InstrumentRecord, lang: str) -> dict[str, Any]:
    router = platform.rules().router

    def name(code: str) -> str:
        return router.department_name(code) if "-" in code else code

    def when(moment: datetime | None) -> str:
        return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "—"

    parties = [{"code": a, "name": name(a), "read": when(r.reads.get(a)) if a in r.reads else "",
                "responded": when(r.responses[a].at) if a in r.responses else "",
                "attended": r.attendance.get(a)} for a in r.addressees]
    return {
        "r": r, "kind": pick(KIND_LABELS[r.kind.value], lang), "issuer": name(r.issuer),
        "parties": parties,
        "due": when(r.due), "issued_at": when(r.issued_at),
        "reports": [{"by": name(e.department), "at": when(e.at), "text": e.text,
                     "figures": "、".join(f"{k}={v}" for k, v in e.figures)} for e in r.reports],
        "tasks": [{"id": t.id, "owner": name(t.owner), "title": t.title, "due": when(t.due),
                   "done": when(t.done_at) if t.done_at else "", "verified": t.verified, "on_time": t.on_time}
                  for t in r.tasks.values()],
        "decision": None if r.decision is None else {
            "what": pick(DECISION_LABELS.get(r.decision.decision, (r.decision.decision,) * 2), lang),
            "reason": r.decision.reason, "scope": r.decision.scope, "at": when(r.decision.at),
            "justification": r.decision.justification,
            "shortfall": "；".join(f"{name(d)} {n} {v or '—'} < {goal}"
                                  for d, n, v, goal in r.decision.shortfall)},
        "overdue": sorted((name(d), what) for d, what in r.overdue),
        "promoted_to": [platform.hierarchy.get(s).name for s in r.promoted_to if s in platform.hierarchy],
        "adopted_by": [name(d) for d in r.adopted_by],
    }


def install(app: FastAPI, renderer: Renderer) -> None:
    """Routes under /work/instruments."""

    @app.get("/work/instruments", response_class=HTMLResponse, include_in_schema=False)
    def instruments_list(request: Request, platform: PlatformDep, lang: LangDep, open: str = "") -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        assert user.department is not None
        rows, notices = platform.instrument_queries().desk(user.department, open_only=open == "1")
        titles = {row.instrument_id: row.title for row in rows}
        news = [{"id": n.subject_id, "title": titles.get(n.subject_id, n.subject_id),
                 "what": pick(EVENT_LABELS[n.event_type], lang),
                 "at": n.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")} for n in notices
                if n.event_type in EVENT_LABELS]  # a case's notices are on the 待办 page
        return renderer.render(request, "instruments.html", lang, text=INSTRUMENT_TEXT, rows=rows, news=news,
                               kinds=keyed(KIND_LABELS, lang), open_only=open == "1",
                               department=platform.rules().router.department_name(user.department),
                               can_issue=bool(issuable(platform, user.department))
                               and bool(user.roles & INSTRUMENT_ROLES["issue"]))

    def _new(request: Request, platform: Platform, user: Principal, lang: str, *, error: str = "",
             form: Form | None = None, status: int = 200) -> HTMLResponse:
        assert user.department is not None
        kinds = issuable(platform, user.department)
        names = "、".join(pick(KIND_LABELS[k], lang) for k in kinds)
        return renderer.render(request, "instrument_new.html", lang, status=status, text=INSTRUMENT_TEXT,
                               kinds=kinds, kind_labels=keyed(KIND_LABELS, lang), allowed=names, error=error,
                               form=form or {"scope": user.jurisdiction or ""})

    @app.get("/work/instruments/new", response_class=HTMLResponse, include_in_schema=False)
    def instrument_new(request: Request, platform: PlatformDep, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        return _new(request, platform, user, lang)

    @app.post("/work/instruments", include_in_schema=False)
    async def instrument_issue(request: Request, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        platform: Platform = request.app.state.platform
        form: Form = {}
        try:
            form = await checked_form(request)
            by = check_instrument_step(user, "issue")
            budget = _text(form, "budget") or "0"
            if not budget.isdigit():
                raise DomainError("instrument.bad_figure", value=budget[:30])
            result = unwrap(await platform.writer().submit_async(i.Issue(
                by=by, kind=_text(form, "kind"), title=_text(form, "title"), body=_text(form, "body"),
                scope=_text(form, "scope"), addressees=tuple(_lines(form, "addressees")),
                due=_moment(form, "due"), cadence_days=int(_text(form, "cadence") or 0),
                indicators=tuple((a, b, c) for a, b, c in _pairs(form, "indicators", ":", 3)),
                evidence=tuple(_lines(form, "evidence")), budget_fen=int(budget) * 100,
                read_limit_hours=int(_text(form, "read_limit") or 0), subject=_text(form, "subject"),
                items=tuple((name, _quantity(q)) for name, q in _pairs(form, "items", ":", 2)))))
        except (DomainError, ValueError) as exc:
            message = explain(exc, lang) if isinstance(exc, DomainError) else str(exc)
            return _new(request, platform, user, lang, error=message, form=form, status=422)
        return RedirectResponse(f"/work/instruments/{result.instrument_id}?lang={lang}", status_code=303)

    def _page(request: Request, platform: Platform, user: Principal, iid: str, lang: str, *,
              error: str = "", failed: str = "", status: int = 200) -> Response:
        found, events = platform.instrument_queries().with_events(iid)
        if found is None or not can_see_instrument(user, found.record, platform.hierarchy):
            message = explain(DomainError("instrument.not_found", id=iid[:40]), lang)
            return renderer.render(request, "dashboard_denied.html", lang, status=404, message=message)
        r = found.record
        view = _view(platform, r, lang)
        router = platform.rules().router
        timeline = [{"n": n, "at": e.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                     "claimed": render("store.claimed_mark", lang, claimed=e.claimed_at.astimezone(
                         SHANGHAI).strftime("%Y-%m-%d %H:%M")) if e.claimed_at else "",
                     "type": pick(EVENT_LABELS[type(e).__name__], lang),
                     "by": router.department_name(e.actor) if "-" in e.actor else e.actor,
                     "detail": str(getattr(e, "text", "") or getattr(e, "title", "")
                                   or getattr(e, "decision", "") or getattr(e, "what", ""))}
                    for n, e in enumerate(events, 1)]
        return renderer.render(request, "instrument.html", lang, status=status, text=INSTRUMENT_TEXT, v=view,
                               timeline=timeline, offers=offers(user, r, platform), error=error,
                               failed=failed)

    @app.get("/work/instruments/{iid}", response_class=HTMLResponse, include_in_schema=False)
    def instrument_page(request: Request, iid: str, platform: PlatformDep, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        return _page(request, platform, user, iid, lang)

    @app.post("/work/instruments/{iid}/act", include_in_schema=False)
    async def instrument_act(request: Request, iid: str, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        platform: Platform = request.app.state.platform
        key = ""
        try:
            form = await checked_form(request)
            key = _text(form, "action")
            by = check_instrument_step(user, key if key in INSTRUMENT_ROLES else "?")
            found = platform.instrument_queries().get(iid)
            if found is None or not can_see_instrument(user, found.record, platform.hierarchy):
                raise DomainError("instrument.not_found", id=iid[:40])
            version = int(_text(form, "version") or 0)
            unwrap(await platform.writer().submit_async(build(key, iid, by, version, form)))
        except DomainError as exc:
            status = 409 if exc.code in ("instrument.conflict", "instrument.closed") else 422
            return _page(request, platform, user, iid, lang, error=explain(exc, lang), failed=key,
                         status=status)
        return RedirectResponse(f"/work/instruments/{iid}?lang={lang}#timeline", status_code=303)
