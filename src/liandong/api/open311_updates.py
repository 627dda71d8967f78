"""Open311 as FixMyStreet speaks it (issue 24 point 8): ``GET servicerequestupdates.{json|xml}``,
mySociety's GeoReport v2 extension through which a FixMyStreet-style client follows what happened to
the requests it sent, between ``start_date`` and ``end_date``.

Each public step of a case (the steps the tracking page names) is one ``request_update`` with its
own ``update_id`` (the case and the step's place in its record, stable across calls), the extended
status the case had after it (``STATUS_AFTER``: open, action_scheduled, investigating, in_progress,
planned, fixed, reopen, closed, duplicate), the step's public note redacted as ``description``, and
``media_url`` where the public feed shows the case and it has a photo. Matters that are never public,
and reports the centre withheld (公开审核), are left out as everywhere in Open311. The steps are read by
their time (an index of the public steps), so a step in the window is listed however long ago its case
was received, and only the cases of the page are loaded.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from liandong.api.fields import LocalTime
from liandong.api.open311 import MAX_PAGE, Format, Open311Error, _hidden, _w3, media_urls, render
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


@router.get("/servicerequestupdates.{fmt}")
def service_request_updates(
    fmt: Format, platform: PlatformDep, request: Request,
    start_date: Annotated[LocalTime | None, Query()] = None,
    end_date: Annotated[LocalTime | None, Query()] = None,
    jurisdiction_id: Annotated[str | None, Query(max_length=64)] = None,  # one jurisdiction: accepted, unused
    page_size: Annotated[int, Query(ge=1, le=10 * MAX_PAGE)] = 10 * MAX_PAGE,
) -> Response:
    """The public updates between ``start_date`` and ``end_date`` (by default the last day), oldest
    first (by time, case and step), the first ``page_size`` of them."""
    end = (end_date or platform.clock.now()).astimezone(UTC)
    start = (start_date or end - timedelta(days=1)).astimezone(UTC)
    if end < start:
        raise Open311Error(400, "end_date 早于 start_date / end_date is before start_date")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date 与 end_date 相隔不得超过 90 天 / "
                                "the range may not exceed 90 days")
    base = request.app.state.public_url
    steps, cases = platform.queries().public_steps(since=start, until=end, limit=page_size,
                                                   exclude_matters=_hidden(platform))
    media = media_urls(platform, cases.values(), base)
    return render([{"update_id": f"{s.case_id}-{s.version}", "service_request_id": s.case_id,
                    "status": STATUS_AFTER[s.type], "updated_datetime": _w3(s.at),
                    "description": redact(s.note), "media_url": media.get(s.case_id, "")}
                   for s in steps], fmt, "service_request_updates", "request_update")
