"""考核与问责 in the workbench: the figures, ranking and accountability of ``liandong report`` for
a scope and an assessment period, with charts and the same xlsx/csv downloads.

``GET /work/assessment?scope=CODE&period=2026-10&by=county`` (staff only; the scope must be the
user's jurisdiction or below it; oversight roles count every case of the scope, other staff the
cases their department may see). ``GET /work/assessment/export?kind=kpi|ranking|accountability
&format=xlsx|csv`` with the same parameters downloads the table.
"""

from __future__ import annotations

import tempfile
import time as timer
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liandong.assessment import export, tables
from liandong.assessment.attribution import by_time_held
from liandong.assessment.frozen import FrozenAssessment, frozen_assessment, settled, snapshots
from liandong.assessment.periods import Period, last_whole_month, parse_period
from liandong.assessment.service import Assessment, FactsCache, assess_cached
from liandong.assessment.stored import assess_stored, oversees
from liandong.bootstrap import Platform
from liandong.domain.access import Principal, can_see
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.domain.worktime import SHANGHAI
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n import pick
from liandong.i18n.assessment import CLASS_NAMES, FAIR_TITLES, STAGE_NAMES
from liandong.i18n.messages import explain
from liandong.i18n.web.assessment import ASSESSMENT_TEXT
from liandong.web.dashboard import facts_cache, site_rules
from liandong.web.render import Renderer
from liandong.web.session import session_user

KPI_COLUMNS = ("received", "valid", "response", "resolution", "satisfaction", "composite", "ack_timely",
               "on_time", "returns", "redo", "summons_in_time", "copresence", "symmetry", "overdue")
GROUP_CHOICES = ("province", "city", "county", "township", "department", "matter", "source", "lead_system")
_LEVEL_GROUPS = {"province": 1, "city": 2, "county": 3, "township": 4}
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


def _to_login(request: Request) -> RedirectResponse:
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return RedirectResponse(f"/login?next={target}", status_code=303)


def _groups_for(platform: Platform, scope: str) -> list[str]:
    """The groupings that make sense below a scope: the unit levels under it, then the others."""
    level = int(platform.hierarchy.get(scope).level)
    return [g for g in GROUP_CHOICES if _LEVEL_GROUPS.get(g, 9) > level]


class _Request:
    """The checked parameters of a request, or the response that refuses it."""

    def __init__(self, request: Request, platform: Platform, lang: str, scope: str, period: str,
                 by: str) -> None:
        self.refusal: Response | None = None
        self.error = ""
        user = session_user(request)
        if user is None or user.is_citizen or user.jurisdiction is None:
            self.refusal = _to_login(request)
            return
        self.user: Principal = user
        h = platform.hierarchy
        home = user.jurisdiction
        self.scope = scope.strip() or home
        if self.scope not in h or home not in h or not h.is_ancestor(home, self.scope):
            self.refusal = HTMLResponse(status_code=403)
            self.denied = ASSESSMENT_TEXT[lang]["outside"].format(code=self.scope[:20])
            return
        self.rules = site_rules(request.app)
        self.now = platform.clock.now()
        cutoff = self.rules.period.cutoff_day
        self.period: Period = last_whole_month(self.now, cutoff)
        self.period_text = period.strip()
        if self.period_text:
            try:
                chosen = parse_period(self.period_text, cutoff)
                if chosen.start >= self.now:
                    raise DomainError("assessment.future_period", start=chosen.first_day.isoformat())
                self.period = chosen
            except DomainError as exc:
                self.error = ASSESSMENT_TEXT[lang]["bad_period"].format(message=explain(exc, lang))
        self.groups = _groups_for(platform, self.scope)
        self.by = by if by in self.groups else tables.NEXT_GROUP[h.get(self.scope).level]
        if self.by not in self.groups:
            self.groups.insert(0, self.by)

    def assess(self, platform: Platform, cache: FactsCache) -> Assessment:
        h = platform.hierarchy

        def visible(record: CaseRecord) -> bool:
            return can_see(self.user, record, h)

        if oversees(self.user, self.scope, h) is not None:  # the 事实表 (issue 28)
            if not platform.sandbox:  # its snapshot, where kept (考核结果固化, decision 0058)
                frozen = frozen_assessment(snapshots(platform.data_dir), h, self.period, self.now, self.rules,
                                           self.scope)
                if frozen is not None:
                    return frozen
            return assess_stored(cache, platform.reads, h, self.period, self.now, self.rules,
                                 principal=self.user, scope=self.scope)
        return assess_cached(cache, platform.reads, h, self.period, self.now, self.rules, visible=visible,
                             scope=self.scope)

    def query(self, lang: str) -> str:
        return urlencode({"scope": self.scope, "period": self.period.label, "by": self.by, "lang": lang})


def page_data(platform: Platform, a: Assessment, scope: str, by: str, lang: str) -> dict[str, Any]:
    """Everything the page shows; the chart's numbers are embedded as JSON (#assessment-data)."""
    router = platform.rules().router
    name = tables.namer(platform.hierarchy, router, platform.catalogue, by, lang)
    units = tables.namer(platform.hierarchy, router, platform.catalogue, "unit", lang)
    kpi = tables.kpi_rows(a, scope, by, name, lang)
    ranked = a.ranking(scope, by)
    ranking = tables.rank_rows([r for r in ranked if r.rank is not None], name, lang)
    for row in ranking:
        row["klass_name"] = pick(CLASS_NAMES[row["klass"]], lang) if row["klass"] else ""
    summary = a.accountability(scope)
    stages = [{"key": s, "name": pick(STAGE_NAMES[s], lang),
               "hours": round(summary.by_stage.get(s, 0.0) / 3600, 1),
               "held": _share(summary.held_share(s)), "blamed": _share(summary.default_share(s))}
              for s in ("front", "middle", "back")]
    parties = [{"party": p, "name": units(p), "hours": round(sec / 3600, 1)}
               for p, sec in sorted(summary.by_party.items(), key=by_time_held)[:12]]
    return {"kpi": kpi, "ranking": ranking, "tiered": any(r["tier"] for r in ranking),  # 分级分类
            "stages": stages, "parties": parties,
            "cases": summary.cases, "tolerated": summary.tolerated, "fairness": _share(summary.fairness),
            "subtitle": tables.subtitle(a, lang), "scope_name": units(scope),
            **_snapshot_notes(a)}


def _snapshot_notes(a: Assessment) -> dict[str, str]:
    """Read from a snapshot: when an ended period's was made (固化), or when the figures of a period
    in progress were taken (made again each hour)."""
    snap = a.snapshots["current"] if isinstance(a, FrozenAssessment) else None

    def stamp(at: datetime) -> str:
        return f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"

    return {"frozen": stamp(snap.made_at) if snap is not None and settled(snap) else "",
            "taken": stamp(snap.as_of) if snap is not None and not settled(snap) else ""}


def _share(value: float | None) -> float | None:
    """A share as the page shows it (to a millionth: sums of held seconds made in another order, as
    a snapshot's are, differ in the last bits only)."""
    return None if value is None else round(value, 6)


def install(app: FastAPI, renderer: Renderer) -> None:
    """Routes under /work/assessment."""
    cache = facts_cache(app)

    @app.get("/work/assessment", response_class=HTMLResponse, include_in_schema=False)
    def assessment_page(request: Request, platform: PlatformDep, lang: LangDep, scope: str = "",
                        period: str = "", by: str = "") -> Response:
        began = timer.perf_counter()
        ask = _Request(request, platform, lang, scope, period, by)
        if ask.refusal is not None:
            if ask.refusal.status_code == 403:
                return renderer.render(request, "dashboard_denied.html", lang, status=403,
                                       text=ASSESSMENT_TEXT, message=ask.denied)
            return ask.refusal
        a = ask.assess(platform, cache)
        try:
            data = page_data(platform, a, ask.scope, ask.by, lang)
        finally:
            a.close()
        t = ASSESSMENT_TEXT[lang]
        response = renderer.render(
            request, "assessment.html", lang, text=ASSESSMENT_TEXT, d=data, scope=ask.scope,
            period=ask.period, period_text=ask.period_text or ask.period.label, by=ask.by,
            groups=ask.groups, error=ask.error, query=ask.query(lang), columns=_columns(lang),
            group_name=lambda g: t.get(f"group_{g}", g), pct=_pct, chart={
                "stages": [s["name"] for s in data["stages"]],
                "held": [s["held"] for s in data["stages"]], "blamed": [s["blamed"] for s in data["stages"]],
                "labels": {"held": t["held_share"], "blamed": t["blamed_share"]}})
        response.headers["Server-Timing"] = f"assessment;dur={(timer.perf_counter() - began) * 1000:.1f}"
        return response

    @app.get("/work/assessment/export", include_in_schema=False)
    def assessment_export(request: Request, platform: PlatformDep, lang: LangDep, scope: str = "",
                          period: str = "", by: str = "", kind: str = "kpi", format: str = "xlsx",
                          ) -> Response:
        ask = _Request(request, platform, lang, scope, period, by)
        if ask.refusal is not None:
            return ask.refusal if ask.refusal.status_code != 403 else Response(ask.denied, status_code=403)
        if kind not in ("kpi", "ranking", "accountability") or format not in MEDIA or ask.error:
            return Response(ask.error or "kind: kpi | ranking | accountability; format: xlsx | csv",
                            status_code=400, media_type="text/plain; charset=utf-8")
        a = ask.assess(platform, cache)
        try:
            router = platform.rules().router
            name = tables.namer(platform.hierarchy, router, platform.catalogue, ask.by, lang)
            if kind == "kpi":
                sheets = tables.kpi_sheets(a, ask.scope, ask.by, name, lang)
                if a.rules.exclusions.enabled and format == "xlsx":  # 不合理诉求认定, with the rulings
                    from liandong.assessment.fair_report import exclusion_sheet

                    depts = tables.namer(platform.hierarchy, router, platform.catalogue, "department", lang)
                    matters = tables.namer(platform.hierarchy, router, platform.catalogue, "matter", lang)
                    title = sheets[0].title + "·" + pick(FAIR_TITLES["exclusions"], lang)
                    # each case's fair reading (its rulings), which facts adjusted from their rows lack
                    ruled = Assessment(a.hierarchy, a.rules,
                                       a.current.refined(platform.reads, a.rules, always=True), a.previous)
                    sheets.append(exclusion_sheet(ruled, ask.scope, depts, matters, title, sheets[0].subtitle,
                                                  lang))
            elif kind == "ranking":
                sheets = [tables.rank_sheet(a, ask.scope, a.ranking(ask.scope, ask.by), name, lang)]
            else:
                party = tables.namer(platform.hierarchy, router, platform.catalogue, "party", lang)
                sheets = [tables.segment_sheet(a, ask.scope, party, lang)]
        finally:
            a.close()
        with tempfile.TemporaryDirectory() as folder:
            path = export.write(Path(folder) / f"{kind}.{format}", sheets, lang)
            body = path.read_bytes()
        filename = f"{kind}-{ask.scope}-{ask.period.label}.{format}"
        return Response(body, media_type=MEDIA[format],
                        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                 "Cache-Control": "no-store"})


def _columns(lang: str) -> list[tuple[str, str, str]]:
    return [(key, pick((zh, en), lang), kind) for key, zh, en, kind in export.COLUMNS
            if key in KPI_COLUMNS]


def _pct(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("value")
    return "—" if value is None else f"{value * 100:.1f}%"
