"""Open311 as FixMyStreet speaks it (issue 24 point 8): ``GET servicerequestupdates.{json|xml}``,
mySociety's GeoReport v2 extension through which a FixMyStreet-style client follows what happened to
the requests it sent, between ``start_date`` and ``end_date``.

Each public step of a case (the steps the tracking page names) is one ``request_update`` with its
own ``update_id`` (the case and the step's place in its record, stable across calls), the extended
status the case had after it (``STATUS_AFTER``: open, action_scheduled, investigating, in_progress,
planned, fixed, reopen, closed, duplicate), the step's public note redacted as ``description``, and
``media_url`` where the public feed shows the case and it has a photo. Matters that are never public,
and reports the centre withheld (公开审核), are left out as everywhere in Open311.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from liandong.adapters.public_feed import PUBLIC_STEPS
from liandong.api.fields import LocalTime
from liandong.api.open311 import MAX_PAGE, Format, Open311Error, _hidden, _w3, media_url, render
from liandong.domain.redaction import redact
from liandong.http.deps import PlatformDep

router = APIRouter(prefix="/open311/v2", tags=["open311"])

STATUS_AFTER = {
    "CaseReported": "open", "CaseDispatched": "action_scheduled", "CaseAcknowledged": "investigating",
    "HandlingStarted": "in_progress", "CaseEscalated": "in_progress", "CaseShelved": "planned",
    "CaseResolved": "fixed", "CaseFollowedUp": "fixed", "CaseReopened": "reopen", "CaseClosed": "closed",
    "CaseMerged": "duplicate",
}
"""FixMyStreet's extended status of a case after each public step (the mySociety Open311 extension)."""

WINDOW = timedelta(days=90)
"""The widest ``start_date``…``end_date`` one call may ask for, as for ``requests``."""

LOOKBACK = timedelta(days=365)
"""How long before ``start_date`` a case may have been received and still have its updates listed."""


@router.get("/servicerequestupdates.{fmt}")
def service_request_updates(
    fmt: Format, platform: PlatformDep, request: Request,
    start_date: Annotated[LocalTime | None, Query()] = None,
    end_date: Annotated[LocalTime | None, Query()] = None,
    jurisdiction_id: Annotated[str | None, Query(max_length=64)] = None,  # one jurisdiction: accepted, unused
    page_size: Annotated[int, Query(ge=1, le=10 * MAX_PAGE)] = 10 * MAX_PAGE,
) -> Response:
    """The public updates between ``start_date`` and ``end_date`` (by default the last day), oldest
    first."""
    end = (end_date or platform.clock.now()).astimezone(UTC)
    start = (start_date or end - timedelta(days=1)).astimezone(UTC)
    if end < start:
        raise Open311Error(400, "end_date 早于 start_date / end_date is before start_date")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date 与 end_date 相隔不得超过 90 天 / "
                                "the range may not exceed 90 days")
    base = request.app.state.public_url
    updates: list[tuple[Any, dict[str, Any]]] = []
    for case, events in platform.queries().listed(since=start - LOOKBACK, until=end, limit=10_000,
                                                  exclude_matters=_hidden(platform), public=True):
        media = ""
        for position, event in enumerate(events, start=1):
            name = type(event).__name__
            if name not in PUBLIC_STEPS or not start <= event.at <= end:
                continue
            media = media or media_url(platform, case, base)
            updates.append((event.at, {
                "update_id": f"{case.id}-{position}", "service_request_id": case.id,
                "status": STATUS_AFTER[name], "updated_datetime": _w3(event.at),
                "description": redact(str(getattr(event, "public_note", "") or "")),
                "media_url": media}))
    updates.sort(key=lambda item: (item[0], item[1]["update_id"]))
    return render([u for _, u in updates[:page_size]], fmt, "service_request_updates", "request_update")
