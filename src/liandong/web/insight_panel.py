"""诉求研判 on the dashboard: the surge episodes of the last 30 days and the candidates for the
monthly priority problem (每月一题) of the scope. Served as a fragment the page fetches after it
has drawn, so the dashboard stays as quick as before. Like the dashboard, it reads the replica when
one is configured (``Platform.read_insight``)."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from liandong.bootstrap import Platform
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n import name_of
from liandong.i18n.web.dashboard import DASHBOARD_TEXT
from liandong.web.render import Renderer
from liandong.web.session import session_user

TTL = 120.0  # seconds an answer is reused (the statistics move slowly)
_cache: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


def insight_view(platform: Platform, scope: str, lang: str, now: datetime) -> dict[str, Any]:
    h = platform.hierarchy
    matters = platform.catalogue.matters
    insight = platform.read_insight()
    unit = h.get(scope)

    def name(code: str) -> str:
        return name_of(matters.get(code), lang)

    def where(code: str) -> str:
        return " › ".join(u.name for u in h.path(code) if u.level > unit.level) or h.get(code).name

    surges = [{"where": where(a.jurisdiction), "matter": name(a.matter), "observed": a.observed,
               "expected": f"{a.expected:.1f}", "fired": a.fired.astimezone(SHANGHAI).strftime("%m-%d %H:%M")}
              for a in insight.recent_surges(scope, days=30, step_hours=6, as_of=now)[:10]]
    level = Level.TOWNSHIP if unit.level >= Level.COUNTY else Level.COUNTY
    priorities = [{"where": where(p.jurisdiction), "matter": name(p.matter), "volume": p.volume,
                   "months": p.months_present, "repeat": f"{p.repeat:.0%}",
                   "unhappy": f"{p.dissatisfaction:.0%}", "score": f"{p.score:.3f}"}
                  for p in insight.priorities(scope, as_of=now, level=level, top=5)]
    return {"surges": surges, "priorities": priorities}


def install(app: FastAPI, renderer: Renderer) -> None:
    @app.get("/work/dashboard/insight", response_class=HTMLResponse, include_in_schema=False)
    def insight_fragment(request: Request, platform: PlatformDep, lang: LangDep, scope: str = "") -> Response:
        user = session_user(request)
        h = platform.hierarchy
        home = user.jurisdiction if user is not None and not user.is_citizen else None
        code = scope.strip() or (home or "")
        if home is None or code not in h or home not in h or not h.is_ancestor(home, code):
            return Response(status_code=403)
        key = (code, lang)
        with _lock:
            cached = _cache.get(key)
        if cached is None or time.monotonic() - cached[0] > TTL:
            cached = (time.monotonic(), insight_view(platform, code, lang, platform.clock.now()))
            with _lock:
                _cache[key] = cached
        return renderer.render(request, "dashboard_insight.html", lang, text=DASHBOARD_TEXT, v=cached[1])
