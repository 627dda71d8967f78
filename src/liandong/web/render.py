"""What every page shares: templates, the language, the signed-in user, the CSRF value and the
locally served front-end assets (from ``node_modules``, installed by ``npm ci``; never a CDN)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from liandong.domain.access import Principal
from liandong.domain.roles import StaffRole
from liandong.domain.worktime import SHANGHAI
from liandong.i18n import Named, name_of, others, pick, words
from liandong.i18n.ledger import AUDIT_TEXT, describe
from liandong.i18n.messages import kind_name, level_name
from liandong.i18n.messages import render as message
from liandong.i18n.web.common import TEXT
from liandong.web.session import csrf_token, keep_csrf_cookie, session_user

# The front-end files a page may load, by the name it uses, and where npm puts them.
VENDOR = {
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "axe.min.js": "axe-core/axe.min.js",
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
}


def assets_root(configured: Path | None = None) -> Path | None:
    """``node_modules`` as configured, else in the working directory or beside the project."""
    candidates = [configured] if configured else []
    candidates += [Path.cwd() / "node_modules", Path(__file__).resolve().parents[3] / "node_modules"]
    return next((c for c in candidates if c is not None and (c / "echarts").is_dir()), None)


class Renderer:
    def __init__(self, app: FastAPI, assets: Path | None = None) -> None:
        folder = resources.files("liandong.web").joinpath("templates")
        self.templates = Jinja2Templates(directory=str(folder))
        self.templates.env.globals.update(level_name=level_name, kind_name=kind_name)
        self.templates.env.filters.update(pick=_pick, name_of=_name_of)
        static = resources.files("liandong.web").joinpath("static")
        app.mount("/static", StaticFiles(directory=str(static)), name="static")
        root = assets_root(assets)

        @app.get("/vendor/{name}", include_in_schema=False)
        def vendor(name: str) -> FileResponse:
            if name not in VENDOR or root is None or not (root / VENDOR[name]).is_file():
                from starlette.exceptions import HTTPException

                raise HTTPException(404, f"{name}: run `npm ci` in the project (front-end assets)")
            kind = "text/css" if name.endswith(".css") else "text/javascript"
            return FileResponse(root / VENDOR[name], media_type=kind,
                                headers={"Cache-Control": "public, max-age=86400"})

    def render(self, request: Request, name: str, lang: str, *, status: int = 200,
               text: Mapping[str, Mapping[str, str]] | None = None, **context: Any) -> HTMLResponse:
        t = dict(words(TEXT, lang))
        if text:
            t.update(words(text, lang))
        other = others(lang)[0]
        switch = request.url.include_query_params(lang=other)  # a relative link: never the Host sent
        user = session_user(request)
        context.update(lang=lang, t=t, path=request.url.path, user=user, tz=SHANGHAI,
                       ledger_alarm=ledger_alarm(request, user, lang), sandbox=sandbox_banner(request, lang),
                       csrf=csrf_token(request), other=other,
                       switch=f"/{switch.path.lstrip('/')}?{switch.query}")  # never //host/…
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        response.headers.setdefault("Cache-Control", "no-store")
        keep_csrf_cookie(request, response)
        return response


ALARM_ROLES = frozenset({StaffRole.ADMINISTRATOR, StaffRole.LEADER})
"""Who sees the shared record's alarm on every page (decision 0028)."""


def ledger_alarm(request: Request, user: Principal | None, lang: str) -> dict[str, str] | None:
    """The banner of the ledger auditor's alarm, for administrators and leaders; None otherwise."""
    platform = getattr(request.app.state, "platform", None)
    if user is None or not user.roles & ALARM_ROLES or platform is None:
        return None
    alarm = platform.ledger_watch().status.alarm
    if alarm is None:
        return None
    w = words(AUDIT_TEXT, lang)
    return {"title": w["alarm"], "hint": w["alarm_hint"], "what": describe(alarm.key, alarm.params, lang)}


def sandbox_banner(request: Request, lang: str) -> str:
    """The banner every page of a sandbox store (演练库) shows to everyone, signed in or not; "" on a
    live store (docs/decisions/0030)."""
    platform = getattr(request.app.state, "platform", None)
    return message("store.sandbox_mark", lang) if platform is not None and platform.sandbox else ""


@pass_context
def _pick(context: Context, pair: Sequence[str]) -> str:
    """``{{ a.label | pick }}``: a declared pair ``(zh, en)`` in the page's language."""
    return pick(pair, context["lang"])


@pass_context
def _name_of(context: Context, thing: Named) -> str:
    """``{{ m | name_of }}``: reference data's name in the page's language."""
    return name_of(thing, context["lang"])
