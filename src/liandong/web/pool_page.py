"""资源池 in the workbench: what a department holds, the resource requests waiting on its decision
(with whether the pool covers them), the requests it made, and — for its leaders — stocking in and
out. Allocation itself is the decision on the request's own page (the items move in its
transaction)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from liandong.bootstrap import Platform
from liandong.domain.access import INSTRUMENT_ROLES, Principal, check_instrument_step
from liandong.domain.errors import DomainError
from liandong.domain.worktime import SHANGHAI
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n import words
from liandong.i18n.messages import explain
from liandong.i18n.web.instruments import INSTRUMENT_TEXT
from liandong.web.instruments_page import _staff, _text, _to_login
from liandong.web.render import Renderer
from liandong.web.session import checked_form


def pool_view(platform: Platform, department: str, lang: str) -> dict[str, Any]:
    """Holdings, and the open resource requests to and from the department with their coverage."""
    router = platform.rules().router
    held = platform.instruments().holdings(department)
    asks: list[dict[str, Any]] = []
    mine: list[dict[str, Any]] = []
    for s, found in platform.instrument_queries().resource_requests(department):
        r = found.record
        lines = [{"item": name, "want": q, "have": held.get(name, (0, ""))[0],
                  "unit": held.get(name, (0, ""))[1]} for name, q in r.items]
        row = {"id": s.instrument_id, "title": s.title, "state": s.state,
               "due": s.due.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if s.due else "—",
               "issuer": router.department_name(s.issuer), "lines": lines,
               "covered": all(line["have"] >= line["want"] for line in lines),
               "decision": r.decision.decision if r.decision is not None else ""}
        if s.role == "addressee" and s.state == "open":
            asks.append(row)
        elif s.role == "issuer":
            mine.append(row)
    return {"held": [{"item": k, "qty": q, "unit": u} for k, (q, u) in held.items()], "asks": asks,
            "mine": mine, "department": router.department_name(department)}


def install(app: FastAPI, renderer: Renderer) -> None:
    """Routes under /work/pool."""

    def _render(request: Request, platform: Platform, user: Principal, lang: str, *, error: str = "",
                notice: str = "", status: int = 200) -> HTMLResponse:
        assert user.department is not None
        return renderer.render(request, "pool.html", lang, status=status, text=INSTRUMENT_TEXT,
                               v=pool_view(platform, user.department, lang), error=error, notice=notice,
                               can_stock=bool(user.roles & INSTRUMENT_ROLES["stock"]))

    @app.get("/work/pool", response_class=HTMLResponse, include_in_schema=False)
    def pool_page(request: Request, platform: PlatformDep, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        return _render(request, platform, user, lang)

    @app.post("/work/pool", include_in_schema=False)
    async def pool_stock(request: Request, lang: LangDep) -> Response:
        user = _staff(request)
        if user is None:
            return _to_login(request)
        platform: Platform = request.app.state.platform
        try:
            form = await checked_form(request)
            by = check_instrument_step(user, "stock")
            quantity = _text(form, "quantity")
            if not quantity.lstrip("-").isdigit() or int(quantity) == 0:
                raise DomainError("instrument.bad_figure", value=quantity[:30] or "—")
            item, unit = _text(form, "item"), _text(form, "unit")
            now = platform.instruments().stock(by=by, item=item, unit=unit, quantity=int(quantity))
        except DomainError as exc:
            return _render(request, platform, user, lang, error=explain(exc, lang), status=422)
        text = words(INSTRUMENT_TEXT, lang)["pool_saved"]
        return _render(request, platform, user, lang, notice=text.format(item=item, qty=now, unit=unit))
