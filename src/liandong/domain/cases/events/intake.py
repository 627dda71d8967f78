"""The intake stage's events: a report, its consent and contact, routing, dispatch, acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from liandong.domain.cases.events.base import Event, Member


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseReported(Event):
    """受理: a report taken in."""

    matter: str
    severity: str
    affected: tuple[str, ...]
    description: str
    source: str  # citizen, ngo, grid, department, hotline
    reporter_name: str = ""
    reporter_phone: str = ""
    idempotency_key: str = ""
    reporter_account: str = ""  # the citizen's account, when reported signed in
    address: str = ""
    coordinates: str = ""  # "lat,long" in WGS-84 as decimal text (no floats in signed payloads)
    state_change: ClassVar[bool] = True
    personal_fields: ClassVar[tuple[str, ...]] = ("reporter_name", "reporter_phone", "reporter_account")
    free_text_fields: ClassVar[tuple[str, ...]] = ("description", "address", "coordinates", "idempotency_key")


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicationAgreed(Event):
    """同意公开: the reporter agrees that the description, with personal data removed, may be
    shown publicly (never their name, number or address). Without it the description stays within
    the case."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactEmailGiven(Event):
    """留下邮箱: the reporter gives an e-mail address for the updates of the case. Personal data: its
    leaf carries a salted commitment, never the address (as for the phone)."""

    reporter_email: str
    personal_fields: ClassVar[tuple[str, ...]] = ("reporter_email",)


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseRouted(Event):
    """The routing decision and the reasons a person can read."""

    owner: str
    owner_level: int
    lead: str
    reasons: tuple[tuple[str, ...], ...]  # (rule, *facts), rendered in the reader's language
    gap: bool
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseDispatched(Event):
    """派单 to the lead, with the acknowledgement and handling deadlines."""

    lead: str
    ack_due: datetime
    due: datetime
    limit: str
    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseAcknowledged(Event):
    """签收."""

    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class HandlingStarted(Event):
    """处置 begins."""

    state_change: ClassVar[bool] = True
