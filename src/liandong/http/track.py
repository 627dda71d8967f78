"""A citizen follows a case with its tracking code: the public status, no names, no actors (the API's
``GET /api/track/{code}`` and the portal's tracking page alike)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

from liandong.domain.cases.events import CaseResolved, to_payload
from liandong.domain.catalogue import Catalogue
from liandong.domain.errors import DomainError
from liandong.i18n import name_of
from liandong.i18n.messages import EVENT_LABELS
from liandong.services.intake import TRACKING_ALPHABET as TRACKING_ALPHABET  # the portal reads codes by it

if TYPE_CHECKING:
    from liandong.services.queries import CaseQueries


class Tracking(Protocol):
    """What the public status needs of the platform: the case queries and the matter names."""

    catalogue: Catalogue

    def queries(self) -> CaseQueries: ...


class PublicStep(BaseModel):
    at: str
    label: str
    note: str


class PublicStatus(BaseModel):
    status: str
    matter: str
    received_at: datetime | None
    due: datetime | None
    steps: list[PublicStep]
    photos: list[str] = []  # 办结照片: the SHA-256 of each photo the handler attached at resolution


def public_status(code: str, platform: Tracking, lang: str) -> PublicStatus:
    """The public status of a case for whoever holds its tracking code: no names, no actors."""
    case_id = platform.queries().tracked(code.strip().upper())
    found = platform.queries().with_events(case_id) if case_id else None
    if found is None:
        raise DomainError("case.unknown_tracking_code")
    case, events = found
    public = {"CaseReported", "CaseDispatched", "CaseAcknowledged", "HandlingStarted", "CaseEscalated",
              "CaseResolved", "CaseFollowedUp", "CaseReopened", "CaseClosed", "CaseMerged"}
    steps = [PublicStep(at=to_payload(e)["at"], label=EVENT_LABELS[type(e).__name__][lang],
                        note=getattr(e, "public_note", ""))
             for e in events if type(e).__name__ in public]
    r = case.record
    matter = platform.catalogue.matters.get(r.matter)
    photos = [key for e in events if isinstance(e, CaseResolved) for key in e.photos or ()]
    return PublicStatus(status=r.state.value, matter=name_of(matter, lang), received_at=r.received_at,
                        due=r.due, steps=steps, photos=list(dict.fromkeys(photos)))
