"""The report form's helpers (地图报事、事项推荐、已有人反映、附议), each also usable without a script:

- ``GET /portal/place.json``: where a pin (in the map's datum) and an address put a report — the
  district from the pin, the township from the address — or why not (outside the area served, a
  disagreement between the two), in the user's language;
- ``GET /portal/suggest.json``: the matter classifier's top three for the text typed so far;
- ``GET /portal/nearby.json``: open reports of the same matter nearby, public fields only
  (``http.nearby``);
- ``POST /portal/metoo``: "me too" (附议) on one of them instead of a duplicate report: a
  ``SupportCase`` through the writer, rate-limited per client address like reports.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from liandong.bootstrap import Platform
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.domain.nearby import DEFAULT_RADIUS_M
from liandong.http.deps import LangDep, PlatformDep, client_address
from liandong.http.hardening import POLICY
from liandong.http.nearby import pinning, public_nearby
from liandong.i18n import name_of, pick
from liandong.i18n.messages import explain
from liandong.i18n.web.portal import CATEGORY_EN
from liandong.i18n.web.portal_map import FORM_TEXT
from liandong.insight.pin import Placement
from liandong.services.writer import unwrap
from liandong.web.render import Renderer
from liandong.web.session import checked_form

SUGGESTIONS = 3
MIN_CONFIDENCE = 0.05  # below it a "suggestion" is noise: the text names no matter yet
TEXT_LIMIT = 4000
REF = re.compile(r"[0-9A-Za-z-]{6,40}")
NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class Tiles:
    """The map's tile layer (configuration: ``portal_tiles``); no URL: no tiles, the boundaries
    alone, and nothing leaves the server. ``crs``: the datum the tiles are drawn in, which the pins
    are then given in (gcj02 for most Chinese providers)."""

    url: str = ""
    crs: str = "wgs84"
    attribution: str = ""

    @property
    def datum(self) -> str:
        return self.crs if self.url else "wgs84"

    def policy(self) -> str:
        """The content security policy of a page that shows the tiles: their origin may serve images."""
        parts = urlsplit(self.url.replace("{s}", "*"))
        origin = f"{parts.scheme}://{parts.netloc}"
        return POLICY.replace("img-src 'self'", f"img-src 'self' {origin}", 1)


def read_point(lat: str, lng: str) -> tuple[float, float] | None:
    """A pin from the form's text fields; None when either is not a finite number."""
    try:
        point = float(lat), float(lng)
    except ValueError:
        return None
    return point if all(math.isfinite(x) for x in point) else None


def place_of(platform: Platform, values: dict[str, str]) -> Placement:
    """The place of the form's pin and address, or of the address alone (``insight.pin``); refusals
    as ``DomainError``."""
    pinned = bool(values.get("lat") or values.get("lng"))
    point = read_point(values.get("lat", ""), values.get("lng", "")) if pinned else None
    if pinned and point is None:
        raise DomainError("place.no_point")
    return pinning(platform).place(address=values.get("address", ""), lat=point[0] if point else None,
                                   lng=point[1] if point else None, crs=values.get("crs") or "wgs84")


def placement_json(placement: Placement) -> dict[str, Any]:
    def unit(found: Any) -> dict[str, str] | None:
        return {"code": found.code, "name": found.name} if found is not None else None
    return {"code": placement.code, "county": unit(placement.county), "named": unit(placement.named),
            "point": placement.point.text() if placement.point else ""}


def refusal(exc: DomainError, lang: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"code": exc.code, "message": explain(exc, lang)}, status_code=status,
                        headers=NO_STORE)


def install(app: FastAPI, renderer: Renderer, *, report_limit: str = "10/minute") -> None:
    per_address = parse(report_limit)

    def limiter() -> MovingWindowRateLimiter:
        found: MovingWindowRateLimiter = app.state.throttle.sync
        return found

    @app.get("/portal/place.json", include_in_schema=False)
    def place(platform: PlatformDep, lang: LangDep, lat: str = "", lng: str = "", crs: str = "wgs84",
              address: str = "") -> JSONResponse:
        try:
            found = place_of(platform, {"lat": lat, "lng": lng, "crs": crs, "address": address[:300]})
        except DomainError as exc:
            return refusal(exc, lang)
        return JSONResponse(placement_json(found), headers=NO_STORE)

    @app.get("/portal/suggest.json", include_in_schema=False)
    def suggest(platform: PlatformDep, lang: LangDep, text: str = "") -> JSONResponse:
        """The top three matters for the text; none for a text too short to say anything."""
        text = text.strip()[:TEXT_LIMIT]
        found = platform.insight().suggest([text], k=SUGGESTIONS)[0] if len(text) >= 4 else []
        matters = platform.catalogue.matters.matters
        out = []
        for s in found:
            kind = matters.get(s.matter)
            if kind is not None and s.confidence >= MIN_CONFIDENCE:
                category = pick((kind.category, CATEGORY_EN.get(kind.category, kind.category)), lang)
                out.append({"matter": s.matter, "name": name_of(kind, lang), "category": category,
                            "confidence": round(s.confidence, 3)})
        return JSONResponse({"suggestions": out}, headers=NO_STORE)

    @app.get("/portal/nearby.json", include_in_schema=False)
    def nearby(platform: PlatformDep, lang: LangDep, matter: str = "", lat: str = "", lng: str = "",
               crs: str = "wgs84", address: str = "", radius: int = DEFAULT_RADIUS_M) -> JSONResponse:
        """Open reports of ``matter`` at the township the address names or near the pin."""
        try:
            placed = place_of(platform, {"lat": lat, "lng": lng, "crs": crs, "address": address[:300]})
            named = placed.named
            township = named.code if named is not None and placed.code == named.code else ""
            reports = public_nearby(platform, matter=matter, place=township, point=placed.point,
                                    radius_m=radius, lang=lang)
        except DomainError as exc:
            return refusal(exc, lang)
        return JSONResponse({"reports": [r.model_dump() for r in reports]}, headers=NO_STORE)

    def message(request: Request, lang: str, status: int, heading: str, text: str) -> HTMLResponse:
        return renderer.render(request, "portal_message.html", lang, status=status, text=FORM_TEXT,
                               heading=heading, message=text, code=None, back=f"/portal?lang={lang}",
                               back_label=FORM_TEXT[lang]["back_to_form"])

    @app.post("/portal/metoo", response_class=HTMLResponse, include_in_schema=False)
    async def metoo(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        """附议: the case named by its number takes one more supporter (and heat), if it still can."""
        words = FORM_TEXT[lang]
        address = client_address(request)
        if not limiter().hit(per_address, "portal-report", address):
            wait = app.state.throttle.retry_after(per_address, "portal-report", address)
            response = message(request, lang, 429, words["too_many_title"], words["err_too_many"].format(
                amount=per_address.amount, window=per_address.get_expiry(), seconds=wait))
            response.headers["Retry-After"] = str(wait)
            return response
        posted = await request.form()
        ref = str(posted.get("ref") or "").strip()[:40]
        try:
            await checked_form(request)
        except DomainError as exc:
            return message(request, lang, 403, words["err_refused"], explain(exc, lang))
        case = platform.queries().get(ref) if REF.fullmatch(ref) else None
        matter = platform.catalogue.matters.matters.get(case.record.matter) if case is not None else None
        if case is None or matter is None or not matter.public:  # a sensitive matter is never named
            return message(request, lang, 404, words["err_refused"], words["err_metoo_ref"].format(ref=ref))
        try:
            unwrap(await platform.writer().submit_async(c.SupportCase(by="reporter", case_id=case.id)))
        except DomainError as exc:
            moved = exc.code == "case.illegal_transition"  # resolved or closed meanwhile
            text = explain(DomainError("case.not_supportable") if moved else exc, lang)
            return message(request, lang, 409, words["err_refused"], text)
        return message(request, lang, 201, words["metoo_done_title"], words["metoo_done"].format(ref=ref))
