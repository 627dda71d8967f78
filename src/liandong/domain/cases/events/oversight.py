"""Merges, scope and matter corrections, heat, reminders, urging, supervision and its findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from liandong.domain.cases.events.base import Event


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseMerged(Event):
    """A duplicate merged into another case."""

    into: str
    state_change: ClassVar[bool] = True


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateAbsorbed(Event):
    """The surviving case records the duplicate, so both reporters are informed."""

    duplicate: str
    reporter_name: str
    reporter_phone: str
    personal_fields: ClassVar[tuple[str, ...]] = ("reporter_name", "reporter_phone")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportSupported(Event):
    """附议 ("me too"): a citizen who saw this open report nearby says the same problem concerns
    them too, instead of filing a duplicate; the case's heat rises with it (``HeatChanged``)."""

    supporters: int  # the count after this one
    reporter_phone: str = ""
    personal_fields: ClassVar[tuple[str, ...]] = ("reporter_phone",)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeWidened(Event):
    added: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MatterCorrected(Event):
    """改类: the dispatcher corrects the matter type (a label the classifier learns from)."""

    matter: str
    previous: str
    severity: str
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class HeatChanged(Event):
    """舆情热度 (0–100)."""

    heat: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderSent(Event):
    """提醒 before a deadline (``kind``: acknowledge or handle)."""

    kind: str
    due: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicationWithheld(Event):
    """公开审核·撤下: the centre takes the report off the public feed (its list, map, feeds and Open311),
    saying why (a text that insults, personal data the redactor missed, a wrong place)."""

    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicationRestored(Event):
    """公开审核·恢复: the centre puts a report it withheld back on the public feed, saying why."""

    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


AMBIENT_EVENTS: tuple[type[Event], ...] = (HeatChanged, ReminderSent, ReportSupported, PublicationWithheld,
                                           PublicationRestored)
"""What the platform notes about a case without changing its state, team, duties or deadlines: a
handler who saw the case before such an event has not seen it out of date (its command stands)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseUrged(Event):
    """催办 on a breach."""

    kind: str
    due: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SupervisionStarted(Event):
    """督办 by the supervising department one level up, which joins the team."""

    supervisor: str
    trigger: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationHeld(Event):
    """提级上限: a breach would hand the case above its matter's ceiling (``ceiling``, a level), so
    the owner keeps it and the department above supervises (督办) instead of taking it over."""

    ceiling: int
    supervisor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CriticismRecorded(Event):
    """通报批评 of a party, kept as assessment evidence."""

    party: str
    reason: str
    free_text_fields: ClassVar[tuple[str, ...]] = ("reason",)


@dataclass(frozen=True, slots=True, kw_only=True)
class RulingOverdue(Event):
    """裁定超时: a return not ruled on by its limit; the department above the decider supervises."""

    decider: str
    supervisor: str
    due: datetime
