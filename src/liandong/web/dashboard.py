"""Dashboards: 三率 and process indicators for a scope, rankings, trends and a drill-down map.

``GET /work/dashboard`` (staff only) shows the cases received in a period (``?days=30`` by
default, or ``?from=YYYY-MM-DD&to=YYYY-MM-DD``, Shanghai days) with a place in the scope
(``?scope=CODE``: the user's jurisdiction or a unit below it). Oversight roles count every case
of the scope; other staff the cases their department may see. The figures are computed by
``liandong.web.indicators`` from the stored events; the numbers behind the charts are embedded
in the page as JSON (``#dashboard-data``), so it works without further requests.
"""

from __future__ import annotations

import time as timer
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liandong.api.deps import LangDep, PlatformDep
from liandong.bootstrap import Platform
from liandong.domain.access import Principal, can_see
from liandong.domain.cases.events import Event
from liandong.domain.worktime import SHANGHAI
from liandong.web import indicators as ind
from liandong.web.render import Renderer
from liandong.web.session import session_user

DEFAULT_DAYS = 30
MAX_DAYS = 366
MAX_CASES = 100_000  # read at most this many cases per page (a bulk read or aggregates come later)
DAY_CHOICES = (7, 30, 90, 365)
COUNTS = ("received", "dispatched", "resolved", "closed", "open", "overdue")
RATES = ("response", "resolution", "satisfaction", "on_time", "returns", "escalations", "summons_on_time")
MAP_CHOICES = ("received", "composite", "response", "resolution", "satisfaction", "on_time", "overdue")

DASHBOARD_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "dash_title": "数据看板", "scope_label": "统计范围", "period": "统计周期", "days_n": "近 {n} 天",
        "custom": "自定义日期", "from": "起始日期", "to": "截止日期", "show": "查看",
        "cohort": "口径：{start} 至 {end} 受理的案件，状态统计至 {as_of}（北京时间）。",
        "headline": "主要指标", "rates": "三率及过程指标", "indicator": "指标", "this_period": "本期",
        "previous": "上期", "change": "较上期", "parts": "分子 / 分母",
        "received": "受理", "dispatched": "派单", "resolved": "办结", "closed": "归档",
        "open": "未归档", "overdue": "当前超期", "composite": "三率综合",
        "response": "响应率", "resolution": "解决率", "satisfaction": "满意率",
        "on_time": "按时办结率", "returns": "退单率", "escalations": "提级率",
        "summons_on_time": "吹哨报到及时率",
        "map": "下级单位分布", "map_indicator": "地图显示",
        "map_label": "{scope}各下级单位{what}分布图，数据见下表",
        "children_table": "各下级单位指标（点击单位名称下钻）", "unit": "单位",
        "no_children": "本级没有下级单位",
        "rankings": "下级单位排名", "by_volume": "按受理量", "by_composite": "按三率综合", "rank": "名次",
        "trend": "每日受理趋势", "trend_label": "{start} 至 {end} 每日受理与其中已办结件数折线图，数据见下表",
        "trend_table": "每日数据", "day": "日期", "of_which_resolved": "其中已办结",
        "definitions": "指标口径", "pp": "个百分点", "back_home": "返回本级看板",
        "bad_period": "统计周期无效（日期格式 YYYY-MM-DD，起始不晚于截止，最长 366 天），已改为近 30 天。",
        "outside": "该区划不在您的统计范围内：{code}", "truncated": "案件过多，仅统计最近 {n} 件。",
        "def_received": "本期受理的、发生地在本范围内的案件数。",
        "def_dispatched": "其中已派单的案件数。", "def_resolved": "其中已办结（至少一次）的案件数。",
        "def_closed": "其中已归档的案件数。", "def_open": "其中尚未归档（也未合并）的案件数。",
        "def_overdue": "其中办理时限已过、仍在办理且未暂停计时的案件数。",
        "def_response": "首次签收在签收时限内的案件 ÷ 签收已到期（已签收或已超时）的派单案件；"
                        "退单待裁定的案件暂不计入。",
        "def_resolution": "最近一次回访认定已解决的案件 ÷ 已回访案件。",
        "def_satisfaction": "（满意 + 0.9 × 基本满意）÷ 有评价的回访案件（“未评价”不计）。",
        "def_composite": "0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率（三者均有值时）。",
        "def_on_time": "最近一次办结在时限内的案件 ÷ 已办结案件。",
        "def_returns": "至少退单一次的案件 ÷ 派单案件。",
        "def_escalations": "至少提级一次的案件 ÷ 派单案件。",
        "def_summons_on_time": "按时报到的被吹哨部门 ÷ 已报到或已过报到时限的吹哨。",
    },
    "en": {
        "dash_title": "Dashboard", "scope_label": "Scope", "period": "Period", "days_n": "Last {n} days",
        "custom": "Custom dates", "from": "From", "to": "To", "show": "Show",
        "cohort": "Cases received from {start} to {end}, as they stood at {as_of} (Beijing time).",
        "headline": "Headline figures", "rates": "Rates", "indicator": "Indicator",
        "this_period": "This period", "previous": "Previous period", "change": "Change",
        "parts": "Numerator / denominator",
        "received": "Received", "dispatched": "Dispatched", "resolved": "Resolved", "closed": "Closed",
        "open": "Not closed", "overdue": "Overdue now", "composite": "Composite score",
        "response": "Response rate", "resolution": "Resolution rate", "satisfaction": "Satisfaction rate",
        "on_time": "On-time resolution rate", "returns": "Return rate", "escalations": "Escalation rate",
        "summons_on_time": "Summons answered on time",
        "map": "Units below", "map_indicator": "Map shows",
        "map_label": "Map of {what} by unit below {scope}; the numbers are in the table below",
        "children_table": "Indicators by unit below (choose a unit to drill down)", "unit": "Unit",
        "no_children": "No units below this level", "rankings": "Rankings of the units below",
        "by_volume": "By cases received", "by_composite": "By composite score", "rank": "Rank",
        "trend": "Cases received per day",
        "trend_label": "Line chart of cases received per day and of those resolved, {start} to {end}; "
                       "the numbers are in the table below",
        "trend_table": "Daily numbers", "day": "Day", "of_which_resolved": "Of which resolved",
        "definitions": "Definitions", "pp": "pp", "back_home": "Back to my dashboard",
        "bad_period": "The period was not valid (dates as YYYY-MM-DD, from no later than to, at most "
                      "366 days); showing the last 30 days instead.",
        "outside": "This jurisdiction is outside your scope: {code}",
        "truncated": "Too many cases: only the latest {n} are counted.",
        "def_received": "Cases received in the period with a place in the scope.",
        "def_dispatched": "Of those, cases dispatched.",
        "def_resolved": "Of those, cases resolved at least once.",
        "def_closed": "Of those, cases closed (archived).",
        "def_open": "Of those, cases not yet closed (nor merged).",
        "def_overdue": "Of those, cases past their handling deadline, still in handling, clock not paused.",
        "def_response": "Cases first acknowledged within the acknowledgement limit ÷ dispatched cases "
                        "whose acknowledgement is due (acknowledged, or past the limit); a return "
                        "awaiting its decision is not counted yet.",
        "def_resolution": "Cases found solved at their latest follow-up ÷ cases followed up.",
        "def_satisfaction": "(satisfied + 0.9 × basically satisfied) ÷ cases rated at follow-up "
                            "(“no rating” left out).",
        "def_composite": "0.1 × response + 0.5 × resolution + 0.4 × satisfaction (when all three exist).",
        "def_on_time": "Cases whose latest resolution met the deadline ÷ cases resolved.",
        "def_returns": "Cases returned at least once ÷ cases dispatched.",
        "def_escalations": "Cases escalated at least once ÷ cases dispatched.",
        "def_summons_on_time": "Summoned departments reporting in on time ÷ summonses answered or "
                               "past their limit.",
    },
}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def choose_period(now: datetime, days: str, first: str, last: str) -> tuple[ind.Period, str, bool]:
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
            period = ind.Period(_midnight(start), min(_midnight(end + timedelta(days=1)), now))
            return period, urlencode({"from": start.isoformat(), "to": end.isoformat()}), True
        days, valid = "", False
    else:
        valid = not days or (days.isdigit() and 1 <= int(days) <= MAX_DAYS)
        days = days if valid else ""
    n = int(days) if days else DEFAULT_DAYS
    period = ind.Period(_midnight(today - timedelta(days=n - 1)), now)
    return period, urlencode({"days": n}), valid


def _load(platform: Platform, since: datetime, until: datetime) -> list[tuple[str, list[Event]]]:
    """The event streams of the cases received in [since, until], through the repository port."""
    with platform.uow() as uow:
        ids = uow.cases.recent_ids(since=since, until=until, limit=MAX_CASES)
        return [(case_id, uow.cases.events(case_id)) for case_id in ids]


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


class FactsMemo(dict[tuple[str, int], ind.CaseFacts]):
    """The facts of case-stream prefixes already replayed (a stream only grows), kept across
    requests; emptied when full (the next page replays again)."""

    def __init__(self, capacity: int = 50_000) -> None:
        super().__init__()
        self.capacity = capacity

    def __setitem__(self, key: tuple[str, int], value: ind.CaseFacts) -> None:
        if len(self) >= self.capacity:
            self.clear()
        super().__setitem__(key, value)


def dashboard_view(platform: Platform, user: Principal, scope: str, period: ind.Period,
                   lang: str, memo: FactsMemo | None = None) -> dict[str, Any]:
    """Everything the page shows, as plain data (also embedded as JSON for the charts)."""
    h = platform.hierarchy
    previous = period.previous()
    histories = _load(platform, previous.start, period.end)

    def select(p: ind.Period) -> list[ind.CaseFacts]:
        cases = ind.in_scope(ind.cohort(histories, p, memo), scope, h)
        return [c for c in cases if can_see(user, c.record, h)]

    now_cases, old_cases = select(period), select(previous)
    totals, before = ind.figures(now_cases, period.end), ind.figures(old_cases, previous.end)
    now_children = {code: ind.figures(cases, period.end)
                    for code, cases in ind.by_child(now_cases, scope, h).items()}
    old_children = {code: ind.figures(cases, previous.end)
                    for code, cases in ind.by_child(old_cases, scope, h).items()}
    rankings = {key: [{"code": r.code, "name": h.get(r.code).name, "rank": r.rank, "value": r.value,
                       "previous": r.previous, "change": r.change}
                      for r in ind.rank(now_children, old_children, key)]
                for key in ("received", "composite")}
    trend = ind.daily(now_cases, period)
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
        "labels": {"received": t["received"], "resolved": t["of_which_resolved"], "lang": lang},
        "truncated": len(histories) >= MAX_CASES,
    }


def _to_login(request: Request) -> RedirectResponse:
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return RedirectResponse(f"/login?next={target}", status_code=303)


def install(app: FastAPI, renderer: Renderer) -> None:
    """Routes under /work/dashboard."""
    memo = FactsMemo()

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
        now = datetime.now(UTC)
        period, period_query, valid = choose_period(now, days.strip(), request.query_params.get("from", ""),
                                                    request.query_params.get("to", ""))
        data = dashboard_view(platform, user, code, period, lang, memo)
        trail = [u for u in h.path(code) if h.is_ancestor(home, u.code)]
        data["links"] = {"base": f"/work/dashboard?{period_query}&lang={lang}"}
        response = renderer.render(
            request, "dashboard.html", lang, text=DASHBOARD_TEXT, d=data, trail=trail,
            counts=COUNTS, rates=RATES, map_choices=MAP_CHOICES, day_choices=DAY_CHOICES,
            chosen_days=days.strip() if valid and days.strip() else "",
            custom=bool(request.query_params.get("from") or request.query_params.get("to")) and valid,
            bad_period=not valid, max_cases=MAX_CASES, value=_value, rate_text=_rate_text,
            change_text=lambda now_, before, rate: _change_text(now_, before, rate=rate, pp=t["pp"]),
            department=platform.rules().router.department_name(user.department or ""))
        response.headers["Server-Timing"] = f"dashboard;dur={(timer.perf_counter() - began) * 1000:.1f}"
        return response
