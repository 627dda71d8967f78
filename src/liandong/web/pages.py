"""Server-rendered pages: the organisation browser (more pages join as capabilities land)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from liandong.api.deps import LangDep, PlatformDep
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.messages import explain, kind_name, level_name

TEXT = {
    "zh": {"title": "联动 · 政府多层级联动社会治理平台", "org": "组织架构", "search": "搜索区划",
           "children": "下级区划", "departments": "职能部门与属地政府", "none": "（无）",
           "not_init": "尚未为此区划创建部门。运行：liandong init --scope {code}",
           "levels": "各级数量", "matters": "职责清单", "switch": "English", "other": "en",
           "lead": "牵头", "assist": "协办", "authority": "权限层级", "limit": "时限",
           "results": "搜索结果", "not_found": "未找到"},
    "en": {"title": "Liandong · multi-level government linkage", "org": "Organisation",
           "search": "Search jurisdictions", "children": "Subordinate jurisdictions",
           "departments": "Departments and territorial government", "none": "(none)",
           "not_init": "No departments here yet. Run: liandong init --scope {code}",
           "levels": "Units per level", "matters": "Responsibility list", "switch": "中文",
           "other": "zh", "lead": "Lead", "assist": "Assist", "authority": "Authority",
           "limit": "Limit", "results": "Results", "not_found": "Not found"},
}


def _templates() -> Jinja2Templates:
    folder = resources.files("liandong.web").joinpath("templates")
    templates = Jinja2Templates(directory=str(folder))
    templates.env.globals.update(level_name=level_name, kind_name=kind_name)
    return templates


def install(app: FastAPI) -> None:
    templates = _templates()
    static = resources.files("liandong.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    def render(request: Request, name: str, lang: str, status: int = 200,
               **context: Any) -> HTMLResponse:
        context.update(lang=lang, t=TEXT[lang], path=request.url.path)
        return templates.TemplateResponse(request, name, context, status_code=status)

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
        with platform.uow() as uow:
            deps = uow.organisation.departments_of(code)
        systems = {s.code: (s.name if lang == "zh" else s.name_en)
                   for s in platform.catalogue.systems.values()}
        counts = h.count_by_level() if unit.level is Level.CENTRAL else None
        return render(request, "org.html", lang, unit=unit, trail=h.path(code),
                      children=h.children(code), departments=deps, systems=systems,
                      counts=counts)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, platform: PlatformDep, lang: LangDep,
                    q: str = "") -> HTMLResponse:
        h = platform.hierarchy
        hits = [(u, h.path(u.code)) for u in h.search(q, 50)] if q.strip() else []
        return render(request, "search.html", lang, q=q, hits=hits)

    @app.get("/matters", response_class=HTMLResponse, include_in_schema=False)
    def matters_page(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        cat = platform.catalogue
        return render(request, "matters.html", lang, matters=list(cat.matters.matters.values()),
                      systems={s.code: (s.name if lang == "zh" else s.name_en)
                               for s in cat.systems.values()})
