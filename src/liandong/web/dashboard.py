"""Dashboards: 三率 and process indicators for a scope, rankings, trends and a drill-down map.

``GET /work/dashboard`` (staff only) shows the cases received in a period (``?days=30`` by
default, or ``?from=YYYY-MM-DD&to=YYYY-MM-DD``, Shanghai days) with a place in the scope
(``?scope=CODE``: the user's jurisdiction or a unit below it). Oversight roles count every case
of the scope; other staff the cases their department may see. The figures are computed by the
assessment engine from the stored events; the numbers behind the charts are embedded in the page
as JSON (``#dashboard-data``), so it works without further requests.

The events are read through ``Platform.read_uow``: from the replica when one is configured
(``LIANDONG_REPLICA_URL``), so dashboards do not load the primary that takes the writes; the page
then lags the primary by the replication delay. The signed-in user is still read from the primary.
"""

from __future__ import annotations

import logging
import threading
import time as timer
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liandong.assessment import fair
from liandong.assessment.engine import Engine
from liandong.assessment.periods import Period, last_whole_month
from liandong.assessment.rules import AssessmentRules, load_rules, rank
from liandong.assessment.service import FactsCache, PeriodFacts, daily, minute_up
from liandong.assessment.stored import oversees, period_facts
from liandong.assessment.sum_figures import sum_facts
from liandong.bootstrap import Platform
from liandong.domain.access import Principal, can_see
from liandong.domain.cases.record import CaseRecord
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n.web.dashboard import DASHBOARD_TEXT
from liandong.web.render import Renderer
from liandong.web.session import session_user

log = logging.getLogger(__name__)
DEFAULT_DAYS = 30
MAX_DAYS = 366
DAY_CHOICES = (7, 30, 90, 365)
COUNTS = ("received", "dispatched", "resolved", "closed", "open", "overdue")
RATES = ("response", "resolution", "satisfaction", "ack_timely", "on_time", "returns", "redo", "extensions",
         "escalations", "summons_in_time", "assists_in_time", "copresence", "symmetry")
MAP_CHOICES = ("received", "composite", "response", "resolution", "satisfaction", "on_time", "overdue")

def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def choose_period(now: datetime, days: str, first: str, last: str) -> tuple[Period, str, bool]:
    """The period asked for, the query that keeps it in links, and whether the request was valid.

    ``days=N``: the last N Shanghai days, today included, up to now. ``from``/``to``: whole
    Shanghai days, up to now at most."""
    today = now.astimezone(SHANGHAI).date()
    if first or last:
        try:
            start = date.fromisoformat(first) if first else today - timedelta(days=DEFAULT_DAYS - 1)
            end = date.fromisoformat(last) if last else today
        except ValueError:
            start = end = today + timedelta(days=1)  # invalid below
        if start <= end and (end - start).days < MAX_DAYS and start <= today:
            period = Period(_midnight(start), min(_midnight(end + timedelta(days=1)), now))
            return period, urlencode({"from": start.isoformat(), "to": end.isoformat()}), True
        days, valid = "", False
    else:
        valid = not days or (days.isdigit() and 1 <= int(days) <= MAX_DAYS)
        days = days if valid else ""
    n = int(days) if days else DEFAULT_DAYS
    period = Period(_midnight(today - timedelta(days=n - 1)), now)
    return period, urlencode({"days": n}), valid


def _rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _change_text(now: float | None, before: float | None, *, rate: bool, pp: str) -> str:
    if now is None or before is None:
        return "—"
    delta = now - before
    if rate:
        return f"{delta * 100:+.1f} {pp}"
    return f"{delta:+,.0f}"


def _value(fig: dict[str, Any], key: str) -> float | None:
    """An indicator of ``Figures.as_dict()``: a count, the composite, or a rate's value."""
    raw = fig[key]
    value: float | None = raw["value"] if isinstance(raw, dict) else raw
    return value


_NEXT_LEVEL = {Level.CENTRAL: Level.PROVINCE, Level.PROVINCE: Level.CITY, Level.CITY: Level.COUNTY,
               Level.COUNTY: Level.TOWNSHIP}


def dashboard_view(platform: Platform, user: Principal, scope: str, period: Period, lang: str,
                   cache: FactsCache | None = None, facts: str = "auto",
                   rules: AssessmentRules | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Everything the page shows, as plain data (also embedded as JSON for the charts). The figures
    come from the assessment engine, as ``liandong report kpi`` computes them; ``facts`` says where
    the cases' facts are read: ``auto`` (for oversight roles the sums where exact, else the 事实表),
    ``sums``, ``stored`` or ``events``. ``rules``: the assessment rules applied (default the shipped
    ones); with clock stops or exclusions (issue 25) the facts are adjusted as the assessment
    adjusts them, and the sums, which cannot be, are not read. ``now``: the moment the period was
    chosen at (a period "up to now" ends there; by default the platform's clock now)."""
    h = platform.hierarchy
    previous = period.previous()
    cache = cache if cache is not None else FactsCache()
    rules = rules if rules is not None else load_rules()
    unfair = fair.active(rules)

    def visible(record: CaseRecord) -> bool:
        return can_see(user, record, h)

    # only the scope's cases are read (by place, in the store): every figure below is of the scope;
    # an oversight role's from the sums (decision 0045) where they are exact, else (and any other
    # staff's) from the 事实表: a row per case, the version valid then, who sees it decided on the row
    oversight = oversees(user, scope, h) is not None
    sums = None
    if facts in ("auto", "sums") and oversight and not unfair:
        # the page's own now: a period up to it is not a period that ended in the past (which the
        # sums cannot give), even though the clock has moved on since it was chosen
        now = now if now is not None else platform.clock.now()
        sums = [sum_facts(platform.read_uow, h, p.start, p.end, minute_up(p.end), now, scope=scope,
                          part=cache.part_days) for p in (period, previous)]
    if sums is not None and sums[0] is not None and sums[1] is not None:
        now_facts, old_facts = sums[0].facts, sums[1].facts
    elif facts in ("stored", "sums", "auto"):  # any staff: decided on the rows (their viewers)
        now_facts, old_facts = (period_facts(platform.read_uow, h, p.start, p.end, minute_up(p.end),
                                             scope=scope, principal=user) for p in (period, previous))
    else:
        now_facts = cache.collect(platform.read_uow, h, period.start, period.end, visible=visible,
                                  scope=scope)
        old_facts = cache.collect(platform.read_uow, h, previous.start, previous.end, visible=visible,
                                  scope=scope)
    if unfair:  # the facts under the fair rules, as ``report kpi --rules`` reads them
        now_facts, old_facts = (
            PeriodFacts(p, minute_up(p.end), list(f)).refined(platform.read_uow, rules).facts
            for p, f in ((period, now_facts), (previous, old_facts)))
    weights, extra = rules.composite.weights, rules.composite.extra_weights
    now_engine, old_engine = Engine.of(now_facts, h, weights, extra), Engine.of(old_facts, h, weights, extra)
    try:
        totals, before = now_engine.total(scope), old_engine.total(scope)
        child_level = _NEXT_LEVEL.get(h.get(scope).level)
        now_children = now_engine.by_unit(scope, child_level) if child_level is not None else {}
        old_children = old_engine.by_unit(scope, child_level) if child_level is not None else {}
    finally:
        now_engine.close()
        old_engine.close()
    rankings = {key: [{"code": r.key, "name": h.get(r.key).name, "rank": r.rank, "value": r.value,
                       "previous": r.previous, "change": r.change}
                      for r in rank(now_children, old_children, key)]
                for key in ("received", "composite")}
    if sums is not None and sums[0] is not None and sums[1] is not None:
        counted = sums[0].trend
        trend = [(day, *counted.get(day, (0, 0))) for day, _, _ in daily([], period)]
    else:
        in_scope = [f for f in now_facts
                    if any(p in h and h.is_ancestor(scope, p) for p in f.record.affected)]
        trend = daily(in_scope, period)
    local = {"start": period.start.astimezone(SHANGHAI), "end": period.end.astimezone(SHANGHAI)}
    t = DASHBOARD_TEXT[lang]
    return {
        "scope": {"code": scope, "name": h.get(scope).name, "level": int(h.get(scope).level)},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(),
                   "previous_start": previous.start.isoformat(),
                   "first_day": local["start"].date().isoformat(),
                   "last_day": (local["end"] - timedelta(microseconds=1)).date().isoformat(),
                   "as_of": local["end"].strftime("%Y-%m-%d %H:%M")},
        "totals": totals.as_dict(), "previous": before.as_dict(),
        "children": [{"code": code, "name": h.get(code).name, "figures": fig.as_dict(),
                      "previous": old_children[code].as_dict()} for code, fig in now_children.items()],
        "rankings": rankings,
        "trend": {"days": [d.isoformat() for d, _, _ in trend], "received": [r for _, r, _ in trend],
                  "resolved": [s for _, _, s in trend]},
        "indicators": [{"key": key, "label": t[key], "rate": key not in COUNTS} for key in MAP_CHOICES],
        "labels": {"received": t["received"], "resolved": t["of_which_resolved"], "lang": lang,
                   "map": t["map_label"]},
    }


def keep_warm(app: FastAPI, cache: FactsCache | None = None) -> None:
    """The first part day of the default page's period before, read into the kept days if it is
    not there or changed (decision 0059): at the warm-up, then on the server's timer
    (``LIANDONG_DASHBOARD_WARM_SECONDS``), so that the first page after midnight is not the one
    that reads the new day. The leaders' pages read the sums on every store."""
    platform = app.state.platform
    cache = cache if cache is not None else facts_cache(app)
    now = platform.clock.now()
    before = choose_period(now, "", "", "")[0].previous()
    sum_facts(platform.read_uow, platform.hierarchy, before.start, before.end, minute_up(before.end), now,
              part=cache.part_days)


def _to_login(request: Request) -> RedirectResponse:
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return RedirectResponse(f"/login?next={target}", status_code=303)


def facts_cache(app: FastAPI) -> FactsCache:
    """The app's one cache of case facts, shared by the dashboard and the assessment page."""
    found = getattr(app.state, "facts_cache", None)
    if not isinstance(found, FactsCache):
        found = app.state.facts_cache = FactsCache()
    return found


def site_rules(app: FastAPI) -> AssessmentRules:
    """The assessment rules the server was started with (``LIANDONG_ASSESSMENT_RULES``), else the
    shipped ones: what the dashboard and the assessment pages apply."""
    found = getattr(app.state, "assessment_rules", None)
    return found if isinstance(found, AssessmentRules) else load_rules()


def warm(app: FastAPI, cache: FactsCache) -> None:
    """Fill the cache with the default pages' cases (and load the analytics engine) once, in the
    background when the app is built, so that the first dashboard and assessment page are as
    quick as the next — where a period's cases fit in the cache: a megacity's month does not (its
    leaders' pages read the sums and the snapshots; other staff see far fewer cases), and reading
    it all would only fill the cache to empty it again."""
    platform = getattr(app.state, "platform", None)
    if platform is None:
        return

    try:
        now = platform.clock.now()
        period, _, _ = choose_period(now, "", "", "")
        for p in (period, period.previous()):  # the dashboard's: from where it reads
            if cache.holds(platform.read_uow, p.start, p.end):
                cache.collect(platform.read_uow, platform.hierarchy, p.start, p.end)
        keep_warm(app, cache)
        Engine.of([], platform.hierarchy).close()
        rules = site_rules(app)
        month = last_whole_month(now, rules.period.cutoff_day)
        for p in (month, month.previous()):
            if cache.holds(platform.reads, p.start, min(p.end, now)):
                cache.period(platform.reads, platform.hierarchy, p, now, rules)
    except Exception:  # a cold first page is the only cost; say why
        log.warning("dashboard warm-up failed", exc_info=True)


def install(app: FastAPI, renderer: Renderer) -> None:
    """Routes under /work/dashboard."""
    cache = facts_cache(app)
    threading.Thread(target=warm, args=(app, cache), name="dashboard-warm-up", daemon=True).start()

    @app.get("/work/dashboard", response_class=HTMLResponse, include_in_schema=False)
    def dashboard_page(request: Request, platform: PlatformDep, lang: LangDep, scope: str = "",
                       days: str = "") -> Response:
        began = timer.perf_counter()
        user = session_user(request)
        if user is None or user.is_citizen or user.jurisdiction is None:
            return _to_login(request)
        h = platform.hierarchy
        home = user.jurisdiction
        code = scope.strip() or home
        t = DASHBOARD_TEXT[lang]
        if code not in h or home not in h or not h.is_ancestor(home, code):
            return renderer.render(request, "dashboard_denied.html", lang, status=403, text=DASHBOARD_TEXT,
                                   message=t["outside"].format(code=code[:20]))
        now = platform.clock.now()
        period, period_query, valid = choose_period(now, days.strip(), request.query_params.get("from", ""),
                                                    request.query_params.get("to", ""))
        data = dashboard_view(platform, user, code, period, lang, cache, rules=site_rules(request.app),
                              now=now)
        trail = [u for u in h.path(code) if h.is_ancestor(home, u.code)]
        data["links"] = {"base": f"/work/dashboard?{period_query}&lang={lang}"}
        response = renderer.render(
            request, "dashboard.html", lang, text=DASHBOARD_TEXT, d=data, trail=trail,
            counts=COUNTS, rates=RATES, map_choices=MAP_CHOICES, day_choices=DAY_CHOICES,
            chosen_days=days.strip() if valid and days.strip() else "",
            custom=bool(request.query_params.get("from") or request.query_params.get("to")) and valid,
            bad_period=not valid, value=_value, rate_text=_rate_text,
            change_text=lambda now_, before, rate: _change_text(now_, before, rate=rate, pp=t["pp"]),
            department=platform.rules().router.department_name(user.department or ""))
        response.headers["Server-Timing"] = f"dashboard;dur={(timer.perf_counter() - began) * 1000:.1f}"
        return response
