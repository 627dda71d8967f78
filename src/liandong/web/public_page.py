"""公开问题: the public feed a city publishes (issue 24 point 5) — a list per township with each
report's status history beside a map of them (Leaflet, the districts' boundaries, points rounded to
about 100 m; ``public_map.js``, the list stands alone without it), a page per report with its
consented photos, Atom and RSS feeds per area and per matter type (``feedgen``), and e-mail alerts
for an area with double opt-in.

What may be shown and how it is redacted is decided once, in ``adapters.public_feed``; these routes
only render it. Nothing here needs a sign-in; the alerts' forms carry the CSRF value."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from liandong.adapters.public_feed import PublicReport, public_report, public_reports
from liandong.bootstrap import Platform
from liandong.domain.contact import check_email
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.worktime import SHANGHAI
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n import name_of, words
from liandong.i18n.messages import explain
from liandong.i18n.web.common import TEXT
from liandong.i18n.web.public import PUBLIC_TEXT
from liandong.web.portal import map_scope
from liandong.web.portal_map import Tiles
from liandong.web.render import Renderer
from liandong.web.session import checked_form

UNAVAILABLE = ("alerts.unavailable", "alerts.not_sent")
"""Refusals that are the platform's (no mail server), not the person's."""

FEED_SIZE = 50
"""Entries in one feed and reports on one list page."""


def local(moment: Any) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def area_name(platform: Platform, code: str) -> str:
    """A jurisdiction's name with its county or city in front (``梁溪区崇安寺街道``); refused unknown."""
    try:
        path = platform.hierarchy.path(code)
    except Exception:
        raise DomainError("alerts.unknown_area", area=code) from None
    return "".join(u.name for u in path[2:] or path[1:]) or path[-1].name


def by_township(reports: list[PublicReport]) -> list[tuple[str, str, list[PublicReport]]]:
    """The reports grouped by township (code, names), townships in order of their latest report."""
    ordered = sorted(reports, key=lambda r: (r.township, -r.received_at.timestamp()))
    groups = [(code, list(items)) for code, items in groupby(ordered, key=lambda r: r.township)]
    groups.sort(key=lambda g: -g[1][0].received_at.timestamp())
    return [(code, items[0].place, items) for code, items in groups]


def map_points(reports: list[PublicReport], lang: str) -> list[dict[str, Any]]:
    """The reports with a point, for the page's map (``public_map.js``): the point already rounded
    to about 100 m (``domain.redaction.public_point``), the words of its marker and its link."""
    t = words(PUBLIC_TEXT, lang)
    return [{"id": r.id, "lat": float(r.lat), "lng": float(r.lng), "open": r.is_open,
             "label": t["map_marker"].format(matter=r.matter_name, place=r.place,
                                             state=t["open"] if r.is_open else t["closed"]),
             "url": f"/public/reports/{r.id}?lang={lang}"} for r in reports if r.lat and r.lng]


def map_parent(platform: Platform, area: str) -> str:
    """Whose boundaries an area's map draws (``/geo/{code}.json``): its county (the county's own
    outline for a county or a township), the area itself above that."""
    county = next((u for u in platform.hierarchy.path(area) if u.level is Level.COUNTY), None)
    return county.code if county is not None else area


def feed(platform: Platform, request: Request, reports: list[PublicReport], *, kind: str, title: str,
         page: str, lang: str) -> Response:
    """The reports as an Atom or RSS document (``feedgen``); entries redacted as the pages are."""
    from feedgen.feed import FeedGenerator  # only a feed's request pays for it

    base = request.app.state.public_url
    generator = FeedGenerator()
    generator.id(base + request.url.path)
    generator.title(title)
    generator.author({"name": "12345 政务服务便民热线"})
    generator.link(href=base + request.url.path, rel="self")
    generator.link(href=base + page, rel="alternate")
    generator.language(words(TEXT, lang)["html_lang"])
    generator.description(words(PUBLIC_TEXT, lang)["public_intro"])
    generator.updated(max((r.updated_at for r in reports), default=platform.clock.now()))
    t = words(PUBLIC_TEXT, lang)
    for r in reports:
        entry = generator.add_entry(order="append")
        link = f"{base}/public/reports/{r.id}?lang={lang}"
        entry.id(f"{base}/public/reports/{r.id}")
        entry.guid(f"{base}/public/reports/{r.id}", permalink=True)
        entry.title(f"{r.matter_name}（{r.place}）")
        entry.link(href=link)
        entry.published(r.received_at)
        entry.updated(r.updated_at)
        entry.category(term=r.matter, label=r.matter_name)
        history = "\n".join(f"{local(s.at)} {s.label}{('：' + s.note) if s.note else ''}" for s in r.steps)
        state = t["open"] if r.is_open else t["closed"]
        entry.description(f"{r.description}\n\n{t['status']}：{state}\n{history}")
    body = generator.rss_str(pretty=True) if kind == "rss" else generator.atom_str(pretty=True)
    media = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    return Response(body, media_type=f"{media}; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300"})


def install(app: FastAPI, renderer: Renderer, *, tiles: Tiles | None = None) -> None:
    """Routes under /public: the lists, a report, the feeds, a report's photos and the alerts.
    ``tiles``: the maps' tile layer, the portal's (None: the boundaries alone)."""
    render = renderer.render
    tiles = tiles or Tiles()
    city: list[str] = []  # the city the portal serves (its map without an area), found once

    def parent(platform: Platform, area: str | None) -> str:
        if area:
            return map_parent(platform, area)
        if not city and (found := map_scope(platform)) is not None:
            city.append(found.code)
        return city[0] if city else ""

    def page(request: Request, name: str, lang: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        return render(request, name, lang, status=status, text=PUBLIC_TEXT, local=local, **context)

    def message(request: Request, lang: str, heading: str, text: str, *, status: int = 200,
                form: dict[str, str] | None = None) -> HTMLResponse:
        return page(request, "public_message.html", lang, status=status, heading=heading, message=text,
                    form=form)

    def listing(request: Request, platform: Platform, lang: str, area: str | None) -> HTMLResponse:
        try:
            name = area_name(platform, area) if area else ""
        except DomainError as exc:
            return message(request, lang, words(PUBLIC_TEXT, lang)["public_title"], explain(exc, lang),
                           status=404)
        reports = public_reports(platform, lang, area=area, limit=FEED_SIZE)
        points = map_points(reports, lang)
        response = page(request, "public_list.html", lang, area=area, area_name=name,
                        groups=by_township(reports), points=points, map_parent=parent(platform, area),
                        tiles=tiles)
        if tiles.url and points:  # the provider's images, and nothing else from outside
            response.headers["Content-Security-Policy"] = tiles.policy()
        return response

    @app.get("/public", response_class=HTMLResponse, include_in_schema=False)
    def public_index(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        return listing(request, platform, lang, None)

    @app.get("/public/areas/{code}", response_class=HTMLResponse, include_in_schema=False)
    def public_area(code: str, request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        return listing(request, platform, lang, code[:12])

    @app.get("/public/reports/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def public_one(case_id: str, request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        report = public_report(platform, case_id[:40], lang)
        if report is None:
            return message(request, lang, words(PUBLIC_TEXT, lang)["public_title"],
                           explain(DomainError("public.unknown_report"), lang), status=404)
        photos = platform.photos().of_cases([report.id]).get(report.id, [])
        return page(request, "public_report.html", lang, report=report, photos=photos)

    @app.get("/public/photos/{case_id}/{key}.jpg", include_in_schema=False)
    def public_photo(case_id: str, key: str, platform: PlatformDep) -> Response:
        """A photo of a report the public feed shows (already cleaned: no EXIF, no location)."""
        if public_report(platform, case_id[:40], "zh") is None:
            return Response(status_code=404)
        try:
            data = platform.photos().shown(case_id, key[:64])
        except DomainError:
            return Response(status_code=404)
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/public/feeds/areas/{code}.{kind}", include_in_schema=False)
    def area_feed(code: str, kind: str, request: Request, platform: PlatformDep, lang: LangDep) -> Response:
        if kind not in ("atom", "rss"):
            return Response(status_code=404)
        try:
            name = area_name(platform, code[:12])
        except DomainError:
            return Response(status_code=404)
        reports = public_reports(platform, lang, area=code, limit=FEED_SIZE)
        return feed(platform, request, reports, kind=kind, lang=lang, page=f"/public/areas/{code}",
                    title=words(PUBLIC_TEXT, lang)["feed_title"].format(area=name))

    @app.get("/public/feeds/matters/{code}.{kind}", include_in_schema=False)
    def matter_feed(code: str, kind: str, request: Request, platform: PlatformDep, lang: LangDep) -> Response:
        matter = platform.catalogue.matters.matters.get(code[:64])
        if kind not in ("atom", "rss") or matter is None or not matter.public:
            return Response(status_code=404)
        reports = public_reports(platform, lang, matter=matter.code, limit=FEED_SIZE)
        return feed(platform, request, reports, kind=kind, lang=lang, page="/public",
                    title=words(PUBLIC_TEXT, lang)["matter_feed_title"].format(matter=name_of(matter, lang)))

    @app.post("/public/alerts", response_class=HTMLResponse, include_in_schema=False)
    async def subscribe(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        """区域提醒, step one: keep the request and mail the confirmation link."""
        t = words(PUBLIC_TEXT, lang)
        try:
            form = await checked_form(request)
            email = check_email(str(form.get("email") or "")[:254])
            if not email:
                raise DomainError("alerts.email_required")
            if platform.area_alerts is None:
                raise DomainError("alerts.unavailable")
            area = str(form.get("area") or "")[:12]  # the mail is sent off the event loop
            await run_in_threadpool(platform.area_alerts.request, email=email, area=area)
        except DomainError as exc:
            status = 403 if exc.code == "web.csrf" else 503 if exc.code in UNAVAILABLE else 422
            return message(request, lang, t["alerts_title"], explain(exc, lang), status=status)
        return message(request, lang, t["sent_title"], t["sent"].format(email=email), status=202)

    def by_link(request: Request, lang: str, token: str, action: str) -> HTMLResponse:
        """The page a mail's link opens: one button, so that a mail scanner following links changes
        nothing."""
        t = words(PUBLIC_TEXT, lang)
        return message(request, lang, t[f"{action}_title"], "", form={
            "action": f"/public/alerts/{action}?lang={lang}", "token": token[:128],
            "button": t[f"{action}_button"]})

    @app.get("/public/alerts/confirm", response_class=HTMLResponse, include_in_schema=False)
    def confirm_page(request: Request, lang: LangDep, token: str = "") -> HTMLResponse:
        return by_link(request, lang, token, "confirm")

    @app.get("/public/alerts/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
    def unsubscribe_page(request: Request, lang: LangDep, token: str = "") -> HTMLResponse:
        return by_link(request, lang, token, "unsubscribe")

    @app.post("/public/alerts/{action}", response_class=HTMLResponse, include_in_schema=False)
    async def by_button(action: str, request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        t = words(PUBLIC_TEXT, lang)
        if action not in ("confirm", "unsubscribe"):
            return message(request, lang, t["alerts_title"], explain(DomainError("alerts.bad_link"), lang),
                           status=404)
        try:
            token = str((await checked_form(request)).get("token") or "")[:128]
        except DomainError as exc:
            return message(request, lang, t[f"{action}_title"], explain(exc, lang), status=403)
        alerts = platform.area_alerts
        done = None if alerts is None else (alerts.confirm(token) if action == "confirm"
                                            else alerts.unsubscribe(token))
        if done is None:
            return message(request, lang, t[f"{action}_title"], explain(DomainError("alerts.bad_link"), lang),
                           status=404)
        text = t["confirmed"].format(area=area_name(platform, done.area)) if action == "confirm" else (
            t["unsubscribed"])
        return message(request, lang, t[f"{action}_title"], text)
