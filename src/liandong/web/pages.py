"""Server-rendered pages: the organisation browser and the responsibility list."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.organisation import GOVERNMENT
from liandong.domain.powers import powers_for
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n import name_of
from liandong.i18n.messages import explain
from liandong.i18n.powers import POWERS_TEXT, escalation_lines, rows
from liandong.web.render import Renderer


def install(app: FastAPI, renderer: Renderer) -> None:
    render = renderer.render

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        return org_page(request, platform.hierarchy.root.code, platform, lang)

    @app.get("/org/{code}", response_class=HTMLResponse, include_in_schema=False)
    def org_page(request: Request, code: str, platform: PlatformDep,
                 lang: LangDep) -> HTMLResponse:
        h = platform.hierarchy
        try:
            unit = h.get(code)
        except DomainError as exc:
            return render(request, "error.html", lang, status=404, message=explain(exc, lang))
        deps = platform.organisation().departments_of(code)
        systems = {s.code: name_of(s, lang) for s in platform.catalogue.systems.values()}
        counts = h.count_by_level() if unit.level is Level.CENTRAL else None
        return render(request, "org.html", lang, unit=unit, trail=h.path(code),
                      children=h.children(code), departments=deps, systems=systems,
                      counts=counts)

    @app.get("/org/{code}/powers", response_class=HTMLResponse, include_in_schema=False)
    def powers_page(request: Request, code: str, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        """职权: what a level's territorial government (``320200``) or one department
        (``320213001-veterans``) may do with cases and instruments, and the element that allows it."""
        unit_code, _, system = code.partition("-")
        try:
            unit = platform.hierarchy.get(unit_code)
            powers = powers_for(platform.catalogue, unit, system or GOVERNMENT)
        except DomainError as exc:
            return render(request, "error.html", lang, status=404, message=explain(exc, lang))
        deps = platform.organisation().departments_of(unit.code)
        return render(request, "powers.html", lang, text=POWERS_TEXT, unit=unit, powers=powers,
                      trail=platform.hierarchy.path(unit.code), departments=deps,
                      cases=rows(powers, "case", lang), instruments=rows(powers, "instrument", lang),
                      elements=[name_of(e, lang) for e in powers.elements],
                      escalations=escalation_lines(powers, lang) if unit.level is not Level.TOWNSHIP else [])

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, platform: PlatformDep, lang: LangDep,
                    q: str = "") -> HTMLResponse:
        h = platform.hierarchy
        hits = [(u, h.path(u.code)) for u in h.search(q, 50)] if q.strip() else []
        return render(request, "search.html", lang, q=q, hits=hits)

    @app.get("/matters", response_class=HTMLResponse, include_in_schema=False)
    def matters_page(request: Request, platform: PlatformDep, lang: LangDep,
                     mq: str = "") -> HTMLResponse:
        """The responsibility list, searchable by name, category, keyword or system."""
        cat = platform.catalogue
        systems = {s.code: name_of(s, lang) for s in cat.systems.values()}
        words = mq.strip().lower()
        matters = [m for m in cat.matters.matters.values()
                   if not words or any(words in text.lower() for text in (
                       m.name, m.name_en, m.category, m.code, *m.keywords,
                       systems.get(m.lead or "", ""), *(systems.get(a, "") for a in m.assist)))]
        return render(request, "matters.html", lang, matters=matters, systems=systems, mq=mq,
                      total=len(cat.matters))
