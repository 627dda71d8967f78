"""公开审核: the centre's moderation of the public feed. A report its reporter agreed to publish is
shown once the centre has dispatched it (``adapters.public_feed``); the centre may take it off again
(撤下: an insult, personal data the redactor missed, a wrong place) and put it back (恢复), each time
saying why. Both are events of the case, so the record shows who did which and why."""

from __future__ import annotations

from datetime import datetime

from liandong.domain.cases import events as ev
from liandong.domain.cases.case import Case
from liandong.domain.cases.states import CaseAction
from liandong.domain.errors import DomainError

SHOWN = ("yes", "no")

PUBLIC_STEPS = ("CaseReported", "CaseDispatched", "CaseAcknowledged", "HandlingStarted", "CaseEscalated",
                "CaseShelved", "CaseResolved", "CaseFollowedUp", "CaseReopened",
                "CaseClosed", "CaseMerged")
"""The events a public history names (as the tracking page does): no returns, summons or notes inside.
The SQL stores index these by time (``ix_case_event_public_step``, migration 0040): a change here is a
migration too."""


def public_note(event: ev.Event) -> str:
    """What a step says to the public (its ``public_note``, not yet redacted), "" for none."""
    return str(getattr(event, "public_note", "") or "")


def moderate(case: Case, *, by: str, shown: str, reason: str, now: datetime) -> None:
    """Take the report off the public feed (``shown="no"``) or put it back (``"yes"``), with a
    reason; refused for a report its reporter did not agree to publish (it was never public), and
    for a change that changes nothing."""
    case._check(CaseAction.MODERATE)
    r = case.record
    if r.dispatcher:
        case._party(by, [r.dispatcher], "dispatcher")
    if shown not in SHOWN:
        raise DomainError("case.bad_shown", value=shown, allowed=", ".join(SHOWN))
    if not reason.strip():
        raise DomainError("case.moderation_reason")
    if not r.public_consent:
        raise DomainError("case.not_public", case_id=r.id)
    if (shown == "no") == r.public_withheld:
        raise DomainError("case.already_withheld" if r.public_withheld else "case.not_withheld", case_id=r.id)
    event = ev.PublicationWithheld if shown == "no" else ev.PublicationRestored
    case._emit(event(case_id=case.id, at=now, actor=by, reason=reason.strip()))
