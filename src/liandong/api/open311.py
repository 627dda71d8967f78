"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): existing civic-reporting clients
submit to the platform and read back status, in JSON or XML.

Services are the responsibility list's matter types (``group`` = the lead system); a request's
place comes from ``lat``/``long`` (WGS-84, or GCJ-02/BD-09 with ``crs``) or ``address_string``;
the case is reported, routed and dispatched by the engine at once, and ``agency_responsible``
names the lead department.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Form, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from liandong.adapters.public_feed import is_published
from liandong.api.fields import LocalTime
from liandong.domain.cases.case import Case
from liandong.domain.cases.record import CaseRecord
from liandong.domain.errors import DomainError
from liandong.domain.redaction import public_point, redact
from liandong.http.deps import LangDep, PlatformDep
from liandong.i18n import name_of
from liandong.i18n.messages import explain
from liandong.services.intake import scoped_key

router = APIRouter(prefix="/open311/v2", tags=["open311"])
Format = Annotated[str, Path(pattern="^(json|xml)$")]

_SEVERITY_NAMES = {"routine": "一般诉求", "IV": "Ⅳ级（一般）", "III": "Ⅲ级（较大）", "II": "Ⅱ级（重大）",
                   "I": "Ⅰ级（特别重大）"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        self.status = status
        self.description = description


def render(data: Any, fmt: str, root: str, item: str, status: int = 200) -> Response:
    if fmt == "json":
        return JSONResponse(data, status_code=status)
    top = ET.Element(root)
    for entry in data if isinstance(data, list) else [data]:
        node = ET.SubElement(top, item) if isinstance(data, list) else top
        _fill(node, entry)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return Response(body, status_code=status, media_type="text/xml; charset=utf-8")


def _fill(node: ET.Element, value: dict[str, Any]) -> None:
    for key, item in value.items():
        if isinstance(item, list):
            holder = ET.SubElement(node, key)
            for element in item:
                child = ET.SubElement(holder, key[:-1] if key.endswith("s") else key)
                if isinstance(element, dict):
                    _fill(child, element)
                else:
                    child.text = str(element)
        elif isinstance(item, dict):
            _fill(ET.SubElement(node, key), item)
        else:
            ET.SubElement(node, key).text = "" if item is None else (
                str(item).lower() if isinstance(item, bool) else str(item))


def install(app: Any) -> None:
    """Open311's own error format: ``[{"code": 400, "description": "…"}]`` (or ``<errors>``)."""

    @app.exception_handler(Open311Error)
    async def open311_error(request: Request, exc: Open311Error) -> Response:
        fmt = "xml" if request.url.path.endswith(".xml") else "json"
        return render([{"code": exc.status, "description": exc.description}], fmt, "errors", "error",
                      status=exc.status)


def _fail(exc: DomainError, lang: str, status: int = 400) -> Open311Error:
    return Open311Error(status, explain(exc, lang))


@router.get("/discovery.{fmt}")
def discovery(fmt: Format, request: Request) -> Response:
    base = request.app.state.public_url + "/open311/v2/"  # configured, never the request's Host
    data = {"changeset": "2026-11-28T00:00:00Z", "contact": "12345 政务服务便民热线",
            "key_service": "liandong account create / apikey",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                           "changeset": "2026-11-28T00:00:00Z", "type": "production",
                           "formats": ["application/json", "text/xml"]}]}
    answer = render(data, fmt, "discovery", "endpoint")
    answer.headers["Cache-Control"] = "public, max-age=3600"
    return answer


def _service(platform: Any, matter: Any, lang: str) -> dict[str, Any]:
    system = platform.catalogue.systems.get(matter.lead) if matter.lead else None
    group = name_of(system, lang) if system else matter.category
    return {"service_code": matter.code, "service_name": name_of(matter, lang),
            "description": f"{matter.category}：{matter.name}", "metadata": True, "type": "realtime",
            "keywords": ",".join(matter.keywords), "group": group}


@router.get("/services.{fmt}")
def services(fmt: Format, platform: PlatformDep, lang: LangDep) -> Response:
    data = [_service(platform, m, lang) for m in platform.catalogue.matters.matters.values()]
    return render(data, fmt, "services", "service")


@router.get("/services/{code}.{fmt}")
def service_definition(code: str, fmt: Format, platform: PlatformDep, lang: LangDep) -> Response:
    try:
        matter = platform.catalogue.matters.get(code)
    except DomainError as exc:
        raise _fail(exc, lang, 404) from None
    values = [{"key": s.value, "name": _SEVERITY_NAMES[s.value]} for s in matter.severities]
    data = {"service_code": matter.code, "attributes": [{
        "variable": True, "code": "severity", "datatype": "singlevaluelist", "required": False,
        "datatype_description": "事件等级（突发事件应对法）", "order": 1,
        "description": "事件等级 / severity", "values": values}, {
        "variable": True, "code": "publish", "datatype": "singlevaluelist", "required": False,
        "datatype_description": "同意公开问题描述（姓名、电话、门牌等个人信息会被去除）", "order": 2,
        "description": "同意公开描述 / agree that the description, personal data removed, is public",
        "values": [{"key": "false", "name": "不公开（默认） / not public (default)"},
                   {"key": "true", "name": "同意公开 / public"}]}]}
    return render(data, fmt, "service_definition", "attribute")


def _place(platform: Any, lat: str | None, lng: str | None, address: str | None, crs: str,
           lang: str) -> tuple[str, str]:
    try:
        if lat and lng:
            try:
                y, x = float(lat), float(lng)
            except ValueError:
                raise Open311Error(400, "lat/long must be decimal degrees") from None
            unit = platform.geocoder.locate(y, x, crs)
            return unit.code, f"{y:.6f},{x:.6f}"
        if address:
            return platform.places.resolve(address).code, ""
    except DomainError as exc:
        raise _fail(exc, lang) from None
    raise Open311Error(400, "缺少位置：请提供 lat 与 long，或 address_string / a location is required: "
                            "lat and long, or address_string")


@router.post("/requests.{fmt}")
def create_request(
    fmt: Format, platform: PlatformDep, lang: LangDep,
    api_key: Annotated[str, Form(min_length=1, max_length=128)],
    service_code: Annotated[str, Form(min_length=1, max_length=64)],
    description: Annotated[str, Form(min_length=1, max_length=4000)],
    lat: Annotated[str | None, Form(max_length=32)] = None,
    long: Annotated[str | None, Form(max_length=32)] = None,
    address_string: Annotated[str | None, Form(max_length=300)] = None,
    crs: Annotated[str, Form(pattern="^(wgs84|gcj02|bd09)$")] = "wgs84",
    first_name: Annotated[str, Form(max_length=32)] = "",
    last_name: Annotated[str, Form(max_length=32)] = "",
    phone: Annotated[str, Form(max_length=32)] = "",
    severity: Annotated[str, Form(alias="attribute[severity]", max_length=8)] = "",
    publish: Annotated[str, Form(alias="attribute[publish]", pattern="^(|true|false|yes|no|1|0)$")] = "",
    key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)] = None,
) -> Response:
    """A report from an Open311 client. A client that sends the same request again (the same
    ``Idempotency-Key``, or without one the same request within ``REPEAT_WINDOW``) gets the first
    case back, not a second one."""
    client = platform.accounts().api_client(api_key)
    if client is None:
        raise Open311Error(403, "api_key 无效 / invalid api_key")
    code, coordinates = _place(platform, lat, long, address_string, crs, lang)
    fields = (service_code, severity, code, description.strip(), coordinates, address_string or "",
              last_name, first_name, phone)
    owner = f"open311:{client}"
    keys = [key] if key else [repr((*fields, window)) for window in _windows(platform)]
    try:
        matter = platform.catalogue.matters.get(service_code)
        # the same request in the window before this one's
        earlier = platform.queries().by_idempotency_keys([scoped_key(owner, k) for k in keys[1:]])
        if earlier is not None:
            return _created(earlier, fmt)
        # taken in and dispatched by the city's 12345 centre in one transaction
        result = platform.intake().take(
            by="reporter", owner=owner, key=keys[0], dispatch=True, matter=matter.code,
            severity=severity or matter.default_severity.value, affected=(code,), description=description,
            source="online", reporter_name=f"{last_name}{first_name}", reporter_phone=phone,
            address=address_string or "", coordinates=coordinates,
            publish=publish in ("true", "yes", "1")).result
    except DomainError as exc:
        if exc.code == "case.idempotency_mismatch":
            raise _fail(exc, lang, 409) from None
        raise _fail(exc, lang) from None
    return _created(result.case_id, fmt)


REPEAT_WINDOW = 600
"""Seconds in which the same request from the same client, sent again without a key, is the same
report (a client retrying after a time-out, a double tap)."""


def _windows(platform: Any) -> list[int]:
    """The current window of ``REPEAT_WINDOW`` seconds and the one before it."""
    now = int(platform.clock.now().timestamp()) // REPEAT_WINDOW
    return [now, now - 1]


def _created(case_id: str, fmt: str) -> Response:
    data = [{"service_request_id": case_id, "service_notice": "已受理并派单 / received and dispatched",
             "account_id": None}]
    return render(data, fmt, "service_requests", "request", status=201)


def media_url(platform: Any, case: Case, base: str) -> str:
    """The URL of a case's first photo where the public feed shows the case (the reporter agreed;
    the photo was cleaned of EXIF and location when it was kept), else ""."""
    return media_urls(platform, [case], base).get(case.id, "")


def media_urls(platform: Any, cases: Iterable[Case], base: str) -> dict[str, str]:
    """``media_url`` of several cases, their photos read at once; a case without one is left out."""
    shown = [case.id for case in cases if is_published(platform.catalogue, case)]
    photos = platform.photos().of_cases(shown) if shown else {}
    return {case_id: f"{base}/public/photos/{case_id}/{found[0].photo}.jpg"
            for case_id, found in photos.items() if found}


def _request(platform: Any, r: CaseRecord, lang: str, notes: str, media: str = "") -> dict[str, Any]:
    """A case as anyone may read it: the service, status and times, the agency, and where only as
    the township and a point rounded to about 100 m. The description only where the reporter
    agreed to its publication, and then with personal data removed; never a name, a number or the
    typed address."""
    matter = platform.catalogue.matters.get(r.matter)
    place = r.affected[0]
    lat, lng = public_point(r.coordinates)
    return {
        "service_request_id": r.id, "status": "open" if r.state.is_open else "closed",
        "status_notes": redact(notes), "service_name": name_of(matter, lang),
        "service_code": r.matter, "description": redact(r.description) if r.public_consent else "",
        "agency_responsible": platform.rules().router.department_name(r.lead) if r.lead else "",
        "service_notice": "", "requested_datetime": _w3(r.received_at),
        "updated_datetime": _w3(r.resolved_at or r.dispatched_at or r.received_at),
        "expected_datetime": _w3(r.due),
        "address": " ".join(u.name for u in platform.hierarchy.path(place)[1:]),
        "address_id": place, "zipcode": "", "lat": lat, "long": lng, "media_url": media,
    }


def _hidden(platform: Any) -> list[str]:
    """Matter types never shown publicly (``public = false`` in the responsibility list)."""
    return [m.code for m in platform.catalogue.matters.matters.values() if not m.public]


def _unlisted(platform: Any, r: CaseRecord) -> bool:
    """A case Open311 answers as if it did not exist: of a matter never public, or withheld by the
    centre from public reads (公开审核)."""
    return r.public_withheld or r.matter in _hidden(platform)


def _w3(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _public_notes(events: list[Any]) -> str:
    notes = [e.public_note for e in events if getattr(e, "public_note", "")]
    return notes[-1] if notes else ""


MAX_PAGE = 100
"""The most requests one page of ``requests.json`` holds (and the most ids one call may name)."""


@router.get("/requests.{fmt}")
def list_requests(
    fmt: Format, platform: PlatformDep, lang: LangDep, request: Request,
    service_request_id: Annotated[str | None, Query(max_length=2000)] = None,
    service_code: Annotated[str | None, Query(max_length=500)] = None,
    start_date: Annotated[LocalTime | None, Query()] = None,
    end_date: Annotated[LocalTime | None, Query()] = None,
    status: Annotated[str | None, Query(pattern="^(open|closed)(,(open|closed))?$")] = None,
    page: Annotated[int, Query(ge=1, le=10_000, description="页码 page, from 1")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE, description="每页条数 requests a page")] = 50,
) -> Response:
    """Public requests, newest first, a page at a time; matters that are never public left out."""
    if start_date and end_date and end_date - start_date > timedelta(days=90):
        raise Open311Error(400, "start_date 与 end_date 相隔不得超过 90 天 / "
                                "the range may not exceed 90 days")
    hidden = _hidden(platform)
    base = request.app.state.public_url
    codes = set(service_code.split(",")) if service_code else None
    wanted = set(status.split(",")) if status else {"open", "closed"}
    ids = None
    if service_request_id:
        ids = list(dict.fromkeys(i for i in service_request_id.split(",") if i))
        if len(ids) > MAX_PAGE:
            raise Open311Error(400, f"一次最多查询 {MAX_PAGE} 个 service_request_id / "
                                    f"at most {MAX_PAGE} ids a request")
    out = []
    for case, events in platform.queries().listed(
            ids, since=start_date, until=end_date, limit=page_size, offset=(page - 1) * page_size,
            matters=codes, exclude_matters=hidden, is_open=None if len(wanted) == 2 else "open" in wanted,
            public=True):  # none the centre withheld from public reads (公开审核)
        r = case.record
        if r.matter in hidden or (codes and r.matter not in codes):
            continue
        if ("open" if r.state.is_open else "closed") not in wanted:
            continue
        out.append(_request(platform, r, lang, _public_notes(events), media_url(platform, case, base)))
    return render(out, fmt, "service_requests", "request")


@router.get("/requests/{case_id}.{fmt}")
def get_request(case_id: str, fmt: Format, platform: PlatformDep, lang: LangDep,
                request: Request) -> Response:
    found = platform.queries().with_events(case_id)
    if found is None or _unlisted(platform, found[0].record):  # as if it did not exist
        raise Open311Error(404, f"service_request_id {case_id} 不存在 / not found")
    case, events = found
    data = [_request(platform, case.record, lang, _public_notes(events),
                     media_url(platform, case, request.app.state.public_url))]
    return render(data, fmt, "service_requests", "request")


@router.get("/tokens/{token}.{fmt}")
def token(token: str, fmt: Format, platform: PlatformDep) -> Response:
    """Intake is synchronous: a token is the request id itself once the request exists."""
    case = platform.queries().get(token)
    if case is None or _unlisted(platform, case.record):
        raise Open311Error(404, f"token {token} 不存在 / not found")
    return render([{"service_request_id": token, "token": token}], fmt, "service_requests", "request")
