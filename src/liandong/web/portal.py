"""The public portal (群众门户, no sign-in): report, track, rate, download and verify the receipt.

A citizen reports with a pin on the map (or "use my location") giving the district and the address
giving the township (``web.portal_map``; a district picked in a list without a script), sees the
matters suggested for the text and the open reports of the same matter nearby, may say "me too"
to one of them instead, or gets a tracking code shown once; the code opens the public status (no names, no
department actors), the rating once the case is resolved, and a ledger receipt that ``receipt.js``
verifies in the browser.

Intake limits: the whole multipart form may be 8 MB (``max_upload_bytes``, checked at the door by
``http.guards``), a photo 5 MB, and only JPEG, PNG or WebP as its first bytes show (whatever type the
browser declares). A photo is cleaned (``web.portal_photo``: metadata and location stripped,
re-encoded) and kept with its case for the handlers, never in the ledger nor publicly. Reports are
limited per client address (``portal_report_limit``, 10 a minute): more are refused with 429 before
the form is read.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from liandong.bootstrap import Platform
from liandong.domain.cases import commands as c
from liandong.domain.cases.states import CaseState
from liandong.domain.contact import check_email, check_phone
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Jurisdiction, Level
from liandong.domain.worktime import SHANGHAI
from liandong.http import track
from liandong.http.deps import LangDep, PlatformDep, client_address
from liandong.i18n import name_of, pick
from liandong.i18n.messages import explain
from liandong.i18n.web.portal import CATEGORY_EN, PORTAL_TEXT, VERIFY_KEYS
from liandong.i18n.web.portal_map import FORM_TEXT
from liandong.services.cases import Result
from liandong.services.writer import unwrap
from liandong.web import after_photos, portal_map
from liandong.web.after_photos import after_photo_links
from liandong.web.portal_photo import PHOTO_LIMIT, cleaned_photo, keep_photo
from liandong.web.render import Renderer
from liandong.web.session import checked_form

BODY_LIMIT = 8 * 1024 * 1024  # the default of ``max_upload_bytes``: the form with its photo
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")
LIMITS = {"address": 300, "description": 4000, "name": 64, "phone": 32}
SUBMISSION = re.compile(r"[A-Za-z0-9_-]{16,64}")
CODE = re.compile(f"[{track.TRACKING_ALPHABET}]{{12}}")
NOT_YET = ("ledger.not_yet_checkpointed", "ledger.no_checkpoint")
FIELDS = ("matter", "address", "county", "description", "name", "phone", "email", "submission", "publish",
          "lat", "lng", "crs")


def normalise_code(text: str) -> str | None:
    """A tracking code as issued (``K7QD-2MXP-9HRA``) from what a person types: any case, with or
    without dashes and spaces; None when it cannot be one."""
    raw = re.sub(r"[\s\-]", "", text).upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if CODE.fullmatch(raw) else None


def local(moment: datetime | str | None) -> str:
    """A moment in Asia/Shanghai, to the minute."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def matter_groups(platform: Platform, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The responsibility list by category, in the catalogue's order, for ``<optgroup>``s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for m in platform.catalogue.matters.matters.values():
        groups.setdefault(m.category, []).append((m.code, name_of(m, lang)))
    return [(pick((name, CATEGORY_EN.get(name, name)), lang), items) for name, items in groups.items()]


def map_scope(platform: Platform) -> Jurisdiction | None:
    """The city the portal serves: going down from the centre while exactly one child has
    departments (``liandong init --scope``); None unless that reaches a city."""
    h = platform.hierarchy
    unit = h.root
    while unit.level < Level.CITY:
        stocked = platform.organisation().staffed_children(h, unit.code)
        if len(stocked) != 1:
            return None
        unit = stocked[0]
    return unit


def resolve_place(platform: Platform, values: dict[str, str], counties: dict[str, str],
                  lang: str) -> tuple[str, str, str, str]:
    """``(code, coordinates, field, message)``: the place of a report and its pin in WGS-84, or the
    field to blame and why.

    A pin gives the district and the address the township, and they must agree (``insight.pin``).
    Without a pin, a typed address wins over a picked district; it must name at least a district."""
    words = FORM_TEXT[lang]
    address, county = values["address"], values["county"]
    if values["lat"] or values["lng"]:
        if portal_map.read_point(values["lat"], values["lng"]) is None:
            return "", "", "place-map", words["err_point"]
        try:
            placed = portal_map.place_of(platform, values)
        except DomainError as exc:
            return "", "", "address" if exc.code == "place.disagree" else "place-map", explain(exc, lang)
        return placed.code, placed.point.text() if placed.point else "", "", ""
    code, field, message = resolve_typed(platform, address, county, counties, lang)
    return code, "", field, message


def resolve_typed(platform: Platform, address: str, county: str, counties: dict[str, str],
                  lang: str) -> tuple[str, str, str]:
    """``(code, field, message)`` of a report without a pin."""
    words = PORTAL_TEXT[lang]
    if address:
        try:
            unit = platform.places.resolve(address)
        except DomainError as exc:
            return "", "address", explain(exc, lang)
        if unit.level >= Level.COUNTY:
            return unit.code, "", ""
        if not county:
            return "", "address", words["err_place_vague"].format(text=address, name=unit.name)
    if county:
        return (county, "", "") if county in counties else ("", "county", words["err_county"])
    return "", "address", words["err_place"]


def check_report(platform: Platform, values: dict[str, str], counties: dict[str, str],
                 lang: str) -> tuple[dict[str, str], str, str]:
    """Field errors of a report form, the township (or district) it concerns and its pin (WGS-84)."""
    words = PORTAL_TEXT[lang]
    errors: dict[str, str] = {}
    if values["matter"] not in platform.catalogue.matters.matters:
        errors["matter"] = words["err_matter"]
    place = coordinates = ""
    if len(values["address"]) > LIMITS["address"]:
        errors["address"] = words["err_address_long"]
    else:
        place, coordinates, field, message = resolve_place(platform, values, counties, lang)
        if field:
            errors[field] = message
    if not values["description"]:
        errors["description"] = words["err_description"]
    elif len(values["description"]) > LIMITS["description"]:
        errors["description"] = words["err_description_long"]
    if len(values["name"]) > LIMITS["name"]:
        errors["name"] = words["err_name_long"]
    for key, check in (("phone", check_phone), ("email", check_email)):
        try:
            values[key] = check(values[key])
        except DomainError as exc:
            errors[key] = explain(exc, lang)
    return errors, place, coordinates


def already_rated(platform: Platform, case_id: str) -> bool:
    """Whether the case has had its follow-up (回访) already, so a second rating is refused."""
    case = platform.queries().get(case_id)
    return case is not None and case.record.state in (CaseState.FOLLOWED_UP, CaseState.CLOSED)


def field_of(code: str) -> str:
    """The form field a refusal from the engine is about ('' for the whole form)."""
    if code.startswith("matter."):
        return "matter"
    if code.startswith(("place.", "jurisdiction.")) or code == "case.no_place":
        return "address"
    return "description" if code == "case.empty_description" else ""


async def submit(platform: Platform, command: c.Command) -> Result:
    """One command through the group-commit writer, without holding a worker thread."""
    return unwrap(await asyncio.wrap_future(platform.writer().submit(command)))


def install(app: FastAPI, renderer: Renderer, *, report_limit: str = "10/minute",
            body_limit: int = BODY_LIMIT, tiles: portal_map.Tiles | None = None) -> None:
    """Routes under /portal: the report form, tracking and rating, the receipt, and the form's
    helpers (``web.portal_map``). ``report_limit`` (limits syntax) caps reports (and "me too"s) per
    client address; ``body_limit`` is the guard's upload limit, named in the refusal of a larger
    form; ``tiles``: the map's tile layer (None: the boundaries alone)."""
    render = renderer.render
    portal_map.install(app, renderer, report_limit=report_limit)
    tiles = tiles or portal_map.Tiles()
    scope_cache: list[Jurisdiction] = []  # found once; looked for again while there is none
    per_address = parse(report_limit)

    def limiter() -> MovingWindowRateLimiter:  # the app's, shared by every worker with Redis
        found: MovingWindowRateLimiter = app.state.throttle.sync
        return found

    def scope(platform: Platform) -> tuple[Jurisdiction | None, dict[str, str]]:
        if not scope_cache and (found := map_scope(platform)) is not None:
            scope_cache.append(found)
        unit = scope_cache[0] if scope_cache else None
        counties = {u.code: u.name for u in platform.hierarchy.children(unit.code)} if unit else {}
        return unit, counties

    def form_page(request: Request, platform: Platform, lang: str, values: dict[str, str], *,
                  errors: dict[str, str] | None = None, general: str = "", status: int = 200) -> HTMLResponse:
        unit, counties = scope(platform)
        response = render(request, "portal_report.html", lang, status=status, text=FORM_TEXT,
                          groups=matter_groups(platform, lang), scope=unit, counties=counties, values=values,
                          errors=errors or {}, general=general, photo_limit=PHOTO_LIMIT,
                          photo_types=" ".join(PHOTO_TYPES), tiles=tiles)
        if tiles.url:  # the provider's images, and nothing else from outside
            response.headers["Content-Security-Policy"] = tiles.policy()
        return response

    def too_many(request: Request, lang: str, address: str) -> HTMLResponse:
        """429: the address has sent its share of reports; nothing of this one was read."""
        words = PORTAL_TEXT[lang]
        wait = app.state.throttle.retry_after(per_address, "portal-report", address)
        message = words["err_too_many"].format(amount=per_address.amount, window=per_address.get_expiry(),
                                               seconds=wait)
        response = render(request, "portal_message.html", lang, status=429, text=PORTAL_TEXT,
                          heading=words["too_many_title"], message=message, code=None,
                          back=f"/portal?lang={lang}", back_label=words["back_to_form"])
        response.headers["Retry-After"] = str(wait)
        return response

    @app.get("/portal", response_class=HTMLResponse, include_in_schema=False)
    def report_form(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        values = dict.fromkeys(FIELDS, "")
        values["submission"] = secrets.token_urlsafe(18)
        return form_page(request, platform, lang, values)

    @app.post("/portal", response_class=HTMLResponse, include_in_schema=False)
    async def report(request: Request, platform: PlatformDep, lang: LangDep) -> HTMLResponse:
        """受理 from the portal; refused forms come back with the values kept and the reasons
        next to their fields. Over the rate limit, or over the size limit (marked by the guard),
        the form is refused unread."""
        address = client_address(request)
        if not limiter().hit(per_address, "portal-report", address):
            return too_many(request, lang, address)
        if getattr(request.state, "too_large", None) is not None:
            words = PORTAL_TEXT[lang]
            values = {**dict.fromkeys(FIELDS, ""), "submission": secrets.token_urlsafe(18)}
            return form_page(request, platform, lang, values, errors={"photo": words["err_photo_size"]},
                             general=words["err_too_large"].format(limit=body_limit // (1024 * 1024)),
                             status=413)
        posted = await request.form()
        values = {key: str(posted.get(key) or "").strip() for key in FIELDS}
        try:
            await checked_form(request)
        except DomainError as exc:
            return form_page(request, platform, lang, values, general=explain(exc, lang), status=403)
        _, counties = scope(platform)
        errors, place, coordinates = check_report(platform, values, counties, lang)
        cleaned, photo = await cleaned_photo(platform, posted.get("photo"), lang)
        if photo:
            errors["photo"] = photo
        if errors:
            return form_page(request, platform, lang, values, errors=errors, status=422)
        matter = platform.catalogue.matters.get(values["matter"])
        key = values["submission"] if SUBMISSION.fullmatch(values["submission"]) else ""
        report = {"by": "reporter", "owner": "portal", "matter": matter.code,
                  "severity": matter.default_severity.value, "affected": (place,),
                  "description": values["description"], "source": "citizen", "reporter_name": values["name"],
                  "reporter_phone": values["phone"], "reporter_email": values["email"],
                  "address": values["address"], "coordinates": coordinates,
                  "publish": values["publish"] == "yes"}
        intake = platform.intake()
        try:
            try:
                taken = await intake.take_async(key=key, **report)
            except DomainError as exc:  # the form sent again after an edit (back button): a new report
                if exc.code != "case.idempotency_mismatch":
                    raise
                taken = await intake.take_async(**report)
        except DomainError as exc:
            field = field_of(exc.code)
            message = explain(exc, lang)
            return form_page(request, platform, lang, values, errors={field: message} if field else {},
                             general="" if field else message, status=422)
        duplicate = taken.result.duplicate
        kept = not duplicate and await keep_photo(platform, taken.case_id, cleaned)
        return render(request, "portal_done.html", lang, status=200 if duplicate else 201,
                      text=PORTAL_TEXT, code=taken.tracking_code, had_photo=cleaned is not None,
                      photo_kept=kept)

    def track_page(request: Request, platform: Platform, lang: str, typed: str, *, status: int = 200,
                   code_error: str = "", rate_errors: dict[str, str] | None = None, general: str = "",
                   chosen: dict[str, str] | None = None, rated: bool = False) -> HTMLResponse:
        """The tracking page: the form, and with a valid code the public status of its case."""
        words = PORTAL_TEXT[lang]
        code = normalise_code(typed) if typed.strip() else None
        view: dict[str, Any] | None = None
        if typed.strip() and code is None and not code_error:
            code_error, status = words["err_code_format"], 422
        elif code is not None and not code_error:
            try:
                public = track.public_status(code, platform, lang)
            except DomainError as exc:
                code_error, status = explain(exc, lang), 404
            else:
                view = {"code": code, "status": public.status, "matter": public.matter,
                        "state": words.get(f"state_{public.status}", public.status),
                        "received": local(public.received_at), "due": local(public.due),
                        "steps": [{"at": local(s.at), "label": s.label, "note": s.note}
                                  for s in public.steps],
                        "photos": [after_photo_links(code, key) for key in public.photos]}
        return render(request, "portal_track.html", lang, status=status, text=PORTAL_TEXT,
                      typed=code or typed.strip(), case=view, code_error=code_error,
                      rate_errors=rate_errors or {}, general=general, chosen=chosen or {},
                      rated=rated and view is not None and view["status"] != "resolved",
                      ratings=RATINGS, verify_text={k: words[k] for k in VERIFY_KEYS})

    after_photos.install(app)

    @app.get("/portal/track", response_class=HTMLResponse, include_in_schema=False)
    def track_status(request: Request, platform: PlatformDep, lang: LangDep, code: str = "",
                     rated: str = "") -> HTMLResponse:
        return track_page(request, platform, lang, code[:64], rated=rated == "1")

    @app.post("/portal/track/rate", include_in_schema=False)
    async def rate(request: Request, platform: PlatformDep, lang: LangDep) -> Response:
        """回访评价 by the reporter: the holder of the tracking code rates a resolved case."""
        words = PORTAL_TEXT[lang]
        posted = await request.form()
        typed = str(posted.get("code") or "")[:64]
        chosen = {key: str(posted.get(key) or "") for key in ("rating", "solved")}
        try:
            await checked_form(request)
        except DomainError as exc:
            return track_page(request, platform, lang, typed, status=403, general=explain(exc, lang),
                              chosen=chosen)
        errors = {}
        if chosen["rating"] not in RATINGS:
            errors["rating"] = words["err_rating"]
        code = normalise_code(typed)
        if errors or code is None:
            return track_page(request, platform, lang, typed, status=422, rate_errors=errors, chosen=chosen)
        case_id = platform.queries().tracked(code)
        if case_id is None:
            return track_page(request, platform, lang, typed, status=404)
        # 问题是否解决 is optional: unanswered, a rating other than 不满意 counts as solved
        solved = chosen["solved"] == "yes" if chosen["solved"] in ("yes", "no") else (
            chosen["rating"] != "unsatisfied")
        command = c.FollowUpCase(by="reporter", case_id=case_id, contacted=True,
                                 solved=solved, rating=chosen["rating"],
                                 handler_at_fault=False)
        try:
            await submit(platform, command)
        except DomainError as exc:
            if exc.code == "case.illegal_transition":  # rated already, or not resolved (yet or again)
                return track_page(request, platform, lang, typed, status=409, general=words["err_rated"]
                                  if already_rated(platform, case_id) else explain(exc, lang), chosen=chosen)
            return track_page(request, platform, lang, typed, status=422, general=explain(exc, lang),
                              chosen=chosen)
        query = urlencode({"code": code, "lang": lang, "rated": "1"})
        return RedirectResponse(f"/portal/track?{query}#thanks", status_code=303)

    @app.get("/portal/receipt", include_in_schema=False)
    def receipt(request: Request, platform: PlatformDep, lang: LangDep, code: str = "") -> Response:
        """The ledger receipt of the tracking code's case, for download or for ``receipt.js``.

        Refusals answer JSON to a script asking for JSON, a page otherwise."""
        normal = normalise_code(code[:64])
        try:
            case_id = platform.queries().tracked(normal) if normal else None
            if case_id is None:
                raise DomainError("case.unknown_tracking_code")
            data = platform.record().receipt(case_id)
        except DomainError as exc:
            message = PORTAL_TEXT[lang]["receipt_not_yet"] if exc.code in NOT_YET else explain(exc, lang)
            if "application/json" in request.headers.get("accept", ""):
                return JSONResponse({"code": exc.code, "message": message}, status_code=404,
                                    headers={"Cache-Control": "no-store"})
            return render(request, "portal_message.html", lang, status=404, text=PORTAL_TEXT,
                          heading=PORTAL_TEXT[lang]["receipt_title"], message=message, code=normal)
        return Response(data, media_type="application/json", headers={
            "Content-Disposition": f'attachment; filename="receipt-{case_id}.json"',
            "Cache-Control": "no-store"})
