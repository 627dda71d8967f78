"""Events: the facts of a case, frozen. The event stream is the shared record (共享记录).

One module per stage; the codec is made last, since it collects every subclass of ``Event``."""

from __future__ import annotations

from liandong.domain.cases.events.adjudication import (
    AdjudicationAppealed,
    AppealRuled,
    RequestAdjudicated,
)
from liandong.domain.cases.events.base import Event, Member
from liandong.domain.cases.events.decisions import (
    CaseRedispatched,
    CaseReturned,
    ExtensionDecided,
    ExtensionRequested,
    LeadChanged,
    MemberJoined,
    ResourceDecided,
    ResourceRequested,
    ReturnDecided,
)
from liandong.domain.cases.events.follow_up import (
    CaseClosed,
    CaseFollowedUp,
    CaseReopened,
    FollowUpAttempted,
    FollowUpVerified,
    MessagePosted,
)
from liandong.domain.cases.events.handling import (
    AssistReported,
    CaseEscalated,
    CasePaused,
    CaseResolved,
    CaseResumed,
    CaseShelved,
    CaseUnpaused,
    SummonedRated,
    SummonsAnswered,
    SummonsIssued,
)
from liandong.domain.cases.events.intake import (
    CaseAcknowledged,
    CaseDispatched,
    CaseReported,
    CaseRouted,
    ContactEmailGiven,
    HandlingStarted,
    PublicationAgreed,
)
from liandong.domain.cases.events.oversight import (
    AMBIENT_EVENTS,
    CaseMerged,
    CaseUrged,
    CriticismRecorded,
    DuplicateAbsorbed,
    EscalationHeld,
    HeatChanged,
    MatterCorrected,
    PublicationRestored,
    PublicationWithheld,
    ReminderSent,
    ReportSupported,
    RulingOverdue,
    ScopeWidened,
    SupervisionStarted,
)
from liandong.domain.codec import EventCodec

CODEC = EventCodec(Event)
"""The events ⇄ JSON-friendly payloads (``liandong.domain.codec``), the same for every aggregate."""
EVENT_TYPES: dict[str, type[Event]] = CODEC.types
to_payload = CODEC.to_payload
from_payload = CODEC.from_payload

__all__ = [
    "AMBIENT_EVENTS",
    "CODEC",
    "EVENT_TYPES",
    "AdjudicationAppealed",
    "AppealRuled",
    "AssistReported",
    "CaseAcknowledged",
    "CaseClosed",
    "CaseDispatched",
    "CaseEscalated",
    "CaseFollowedUp",
    "CaseMerged",
    "CasePaused",
    "CaseRedispatched",
    "CaseReopened",
    "CaseReported",
    "CaseResolved",
    "CaseResumed",
    "CaseReturned",
    "CaseRouted",
    "CaseShelved",
    "CaseUnpaused",
    "CaseUrged",
    "ContactEmailGiven",
    "CriticismRecorded",
    "DuplicateAbsorbed",
    "EscalationHeld",
    "Event",
    "ExtensionDecided",
    "ExtensionRequested",
    "FollowUpAttempted",
    "FollowUpVerified",
    "HandlingStarted",
    "HeatChanged",
    "LeadChanged",
    "MatterCorrected",
    "Member",
    "MemberJoined",
    "MessagePosted",
    "PublicationAgreed",
    "PublicationRestored",
    "PublicationWithheld",
    "ReminderSent",
    "ReportSupported",
    "RequestAdjudicated",
    "ResourceDecided",
    "ResourceRequested",
    "ReturnDecided",
    "RulingOverdue",
    "ScopeWidened",
    "SummonedRated",
    "SummonsAnswered",
    "SummonsIssued",
    "SupervisionStarted",
    "from_payload",
    "to_payload",
]
