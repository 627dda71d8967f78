"""A citizen follows a case with its tracking code: the public status, no names, no actors."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from liandong.api.deps import LangDep, PlatformDep
from liandong.domain.cases.events import to_payload
from liandong.domain.errors import DomainError
from liandong.i18n import name_of
from liandong.i18n.messages import EVENT_LABELS
from liandong.services.accounts import token_digest
from liandong.services.intake import TRACKING_ALPHABET as TRACKING_ALPHABET  # the portal reads codes by it

router = APIRouter(prefix="/api", tags=["public"])


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


@router.get("/track/{code}", response_model=PublicStatus)
def track(code: str, platform: PlatformDep, lang: LangDep) -> PublicStatus:
    """The public status of a case for whoever holds its tracking code: no names, no actors."""
    normalised = code.strip().upper()
    with platform.uow() as uow:
        case_id = uow.cases.case_for_tracking(token_digest(normalised))
        case = uow.cases.get(case_id) if case_id else None
        if case is None:
            raise DomainError("case.unknown_tracking_code")
        events = uow.cases.events(case.id)
    public = {"CaseReported", "CaseDispatched", "CaseAcknowledged", "HandlingStarted", "CaseEscalated",
              "CaseResolved", "CaseFollowedUp", "CaseReopened", "CaseClosed", "CaseMerged"}
    steps = [PublicStep(at=to_payload(e)["at"], label=EVENT_LABELS[type(e).__name__][lang],
                        note=getattr(e, "public_note", ""))
             for e in events if type(e).__name__ in public]
    r = case.record
    matter = platform.catalogue.matters.get(r.matter)
    return PublicStatus(status=r.state.value, matter=name_of(matter, lang),
                        received_at=r.received_at, due=r.due, steps=steps)
