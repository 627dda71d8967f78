"""知识库: the answers to questions citizens ask the hotline (国办函〔2025〕66号: about 58 % of
contacts are consultations, not problems). An entry is owned by the department responsible for its
content, cites its source (a policy document, a notice), is in force between two dates and records
who reviewed it; an entry past its validity is flagged to its owner, never answered from.

A consultation answered from an entry closes at intake (咨询办结) and is counted apart from cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from liandong.domain.errors import DomainError

TITLE_LIMIT = 200
ANSWER_LIMIT = 5000
SOURCE_LIMIT = 500
KEYWORDS_LIMIT = 20
EXPIRY_NOTICE = timedelta(days=30)
"""How long before its end an entry is flagged to its owner for review."""


class Validity(StrEnum):
    """Where an entry stands on a given day."""

    NOT_YET = "not_yet"  # 尚未生效
    IN_FORCE = "in_force"  # 有效
    EXPIRING = "expiring"  # 即将到期（30 天内）
    EXPIRED = "expired"  # 已过期


@dataclass(frozen=True, slots=True)
class Entry:
    """One answer of the knowledge base.

    ``title`` is the question as citizens ask it; ``scope`` the jurisdiction where the answer holds
    (the whole country: the central node's code); ``matter`` the responsibility list's matter it is
    about, if any."""

    id: str
    title: str
    answer: str
    owner: str  # the department responsible for the content
    source: str  # 依据: the document the answer rests on
    valid_from: date
    valid_until: date | None
    reviewed_by: str
    reviewed_on: date
    scope: str
    matter: str = ""
    keywords: tuple[str, ...] = ()

    def validity(self, day: date) -> Validity:
        if day < self.valid_from:
            return Validity.NOT_YET
        if self.valid_until is None:
            return Validity.IN_FORCE
        if day > self.valid_until:
            return Validity.EXPIRED
        if self.valid_until - day <= EXPIRY_NOTICE:
            return Validity.EXPIRING
        return Validity.IN_FORCE

    def in_force(self, day: date) -> bool:
        return self.validity(day) in (Validity.IN_FORCE, Validity.EXPIRING)

    @property
    def searchable_text(self) -> str:
        """What a search reads besides the title: the answer and the keywords."""
        return " ".join((self.answer, *self.keywords))


def check_entry(entry: Entry, *, today: date) -> Entry:
    """The entry with its texts trimmed, or a refusal naming the field and what is allowed.
    (Whether the owner, scope and matter exist is checked by the service, which knows them.)"""
    title, answer, source = entry.title.strip(), entry.answer.strip(), entry.source.strip()
    reviewer = entry.reviewed_by.strip()
    for field, value, limit in (("title", title, TITLE_LIMIT), ("answer", answer, ANSWER_LIMIT),
                                ("source", source, SOURCE_LIMIT), ("reviewed_by", reviewer, 100)):
        if not value:
            raise DomainError("knowledge.field_required", field=field)
        if len(value) > limit:
            raise DomainError("knowledge.too_long", field=field, length=len(value), limit=limit)
    if len(title) < 4:
        raise DomainError("knowledge.title_too_short", length=len(title), limit=4)
    if entry.valid_until is not None and entry.valid_until < entry.valid_from:
        raise DomainError("knowledge.bad_validity", valid_from=entry.valid_from.isoformat(),
                          valid_until=entry.valid_until.isoformat())
    if entry.reviewed_on > today:
        raise DomainError("knowledge.reviewed_in_future", reviewed_on=entry.reviewed_on.isoformat(),
                          today=today.isoformat())
    keywords = tuple(dict.fromkeys(k.strip() for k in entry.keywords if k.strip()))
    if len(keywords) > KEYWORDS_LIMIT:
        raise DomainError("knowledge.too_many_keywords", count=len(keywords), limit=KEYWORDS_LIMIT)
    return Entry(entry.id, title, answer, entry.owner.strip(), source, entry.valid_from, entry.valid_until,
                 reviewer, entry.reviewed_on, entry.scope.strip(), entry.matter.strip(), keywords)


class Channel(StrEnum):
    """Where a consultation came in."""

    PHONE = "phone"  # 12345 电话
    WEB = "web"  # 网站、小程序
    WALK_IN = "walk_in"  # 窗口
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Consultation:
    """A question answered at intake from the knowledge base (咨询办结): not a case, counted apart.
    The question is kept as the operator summarised it, without the caller's name or number."""

    id: str
    at: datetime
    channel: Channel
    scope: str  # where the caller is (the operator's centre, or the place named)
    question: str
    entry_id: str
    answered_by: str  # the department of the operator (the 12345 centre)
