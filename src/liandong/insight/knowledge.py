"""知识库 at intake: the operator searches the answers as the citizen speaks, and a question answered
from an entry closes at intake as a consultation (咨询办结), counted apart from cases.

Titles and answers are segmented with jieba (the responsibility list's keywords added to its
dictionary, as for the matter classifier) in search mode, which also yields the shorter words
inside long ones (社保卡 → 社保, 社保卡), so "社保怎么补办" finds "社保卡补办需要什么材料". A search
reads only entries in force on the day and valid where the caller is (the place and every level
above it, the whole country included)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from liandong.domain.cases.routing import Router
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.knowledge import Channel, Consultation, Entry, Validity, check_entry
from liandong.domain.redaction import redact
from liandong.domain.responsibility import ResponsibilityList
from liandong.domain.worktime import SHANGHAI
from liandong.insight.tokens import Segmenter, has_words, normalise, segmenter
from liandong.services.clock import Clock
from liandong.services.ports import scope_prefix
from liandong.services.ports.knowledge import KnowledgeStore, SearchText
from liandong.services.randomness import random_hex

QUESTION_WORDS = frozenset({
    "什么", "怎么", "怎样", "如何", "哪里", "哪儿", "哪些", "哪个", "多少", "多久", "是否", "能否", "可以",
    "需要", "请问", "吗", "呢", "吧", "啊", "的", "了", "是", "我", "我们", "你们", "在", "有", "和", "与",
    "要", "想", "去", "办", "个", "一下", "这个", "那个",
})
"""Words of how a question is put, not what it is about: dropped from a search (they would match
every entry)."""

SEARCH_LIMIT = 20
QUESTION_LIMIT = 500
MOST_TERMS = 8
"""A search looks for at most this many words of a question: the rarest among the entries (a
spoken question has twenty words or more, and its commonest ones — 街道, 小区 — say least about
which answer fits while costing most to rank)."""
COMMON_SHARE = 0.1
"""A word found in more than this share of the entries is left out while rarer words remain."""
FREQUENCIES_TTL = timedelta(minutes=10)
"""How long the word counts are kept (refreshed at once when this process adds entries)."""


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    score: float


_COLUMN_OF = {"department.unknown": "owner", "jurisdiction.unknown": "scope", "matter.unknown": "matter",
              "knowledge.bad_validity": "valid_until", "knowledge.reviewed_in_future": "reviewed_on",
              "knowledge.too_many_keywords": "keywords", "knowledge.title_too_short": "title"}


def _column_of(exc: DomainError) -> str:
    """The field a refusal of an entry is about (the column of its row in a file)."""
    return _COLUMN_OF.get(exc.code) or str(exc.params.get("field", "title"))


def _new_id(prefix: str, now: datetime) -> str:
    """Twenty characters in the order of issue (like case ids): the prefix, 11 hex digits of the
    millisecond and 8 random ones."""
    return f"{prefix}{int(now.timestamp() * 1000):011x}{random_hex(8)}"


@dataclass
class KnowledgeBase:
    store: KnowledgeStore
    hierarchy: HierarchyIndex
    router: Router
    matters: ResponsibilityList
    clock: Clock

    _frequencies: tuple[datetime, int, dict[str, int]] | None = field(default=None, init=False, repr=False)

    def _segmenter(self) -> Segmenter:
        return segmenter(frozenset(w for m in self.matters.matters.values() for w in m.keywords))

    def _today(self) -> date:
        return self.clock.now().astimezone(SHANGHAI).date()

    def words(self, entry: Entry) -> SearchText:
        seg = self._segmenter()
        return SearchText(" ".join(seg.search_words(normalise(entry.title))),
                          " ".join(seg.search_words(normalise(entry.searchable_text))))

    def check(self, entry: Entry) -> Entry:
        """The entry as it would be stored (trimmed; a new id when it has none), or a refusal:
        the owner must be a department, the scope a jurisdiction and the matter (if any) on the
        responsibility list."""
        now = self.clock.now()
        checked = check_entry(entry, today=now.astimezone(SHANGHAI).date())
        self.router.check_department(checked.owner)
        if checked.scope not in self.hierarchy:
            raise DomainError("jurisdiction.unknown", code=checked.scope,
                              nearest=", ".join(self.hierarchy.nearest_codes(checked.scope)))
        if checked.matter:
            self.matters.get(checked.matter)  # matter.unknown, with the nearest codes
        return checked if checked.id else replace(checked, id=_new_id("K", now))

    def put(self, entry: Entry) -> tuple[Entry, bool]:
        """Add an entry, or replace the one under its id (empty id: a new one); the entry as stored
        and whether it is new. Refused with nothing stored (``check``)."""
        checked = self.check(entry)
        new = self.store.put(checked, self.words(checked))
        self._frequencies = None
        return checked, new

    def import_rows(self, rows: Sequence[tuple[int, Entry | DomainError]], *, source: str) -> tuple[int, int]:
        """A file's entries (with their row numbers; a row the reader could not read as its
        refusal) stored together or not at all; how many were new and how many replaced. The first
        bad row is refused naming its row and column."""
        checked: list[Entry] = []
        first: dict[str, int] = {}
        for row, entry in rows:
            if isinstance(entry, DomainError):
                raise entry
            try:
                e = self.check(entry)
            except DomainError as exc:
                raise DomainError("knowledge.bad_row", source=source, row=row, column=_column_of(exc),
                                  problem=exc) from None
            if e.id in first:
                raise DomainError("knowledge.bad_row", source=source, row=row, column="id",
                                  problem=DomainError("knowledge.duplicate_id", id=e.id, first=first[e.id]))
            first[e.id] = row
            checked.append(e)
        new = self.store.put_many([(e, self.words(e)) for e in checked])
        self._frequencies = None
        return new, len(checked) - new

    def entries(self, *, owner: str | None = None) -> list[Entry]:
        if owner is not None:
            self.router.check_department(owner)
        return self.store.entries(owner=owner)

    def get(self, entry_id: str) -> Entry:
        entry = self.store.get(entry_id)
        if entry is None:
            raise DomainError("knowledge.unknown", id=entry_id)
        return entry

    def scopes(self, place: str | None) -> list[str]:
        """Where an answer must hold to be given at ``place``: the place and every level above it."""
        if place is None:
            return [self.hierarchy.root.code]
        if place not in self.hierarchy:
            raise DomainError("jurisdiction.unknown", code=place,
                              nearest=", ".join(self.hierarchy.nearest_codes(place)))
        return [u.code for u in self.hierarchy.path(place)]

    def search_terms(self, question: str) -> list[str]:
        """The words of a question a search looks for: not how it is asked (QUESTION_WORDS), single
        characters only when nothing longer is left, the rarest MOST_TERMS that some entry holds,
        and the very common ones only while nothing rarer remains."""
        words = [w for w in self._segmenter().search_words(normalise(question)) if w not in QUESTION_WORDS]
        if any(len(w) > 1 for w in words):
            words = [w for w in words if len(w) > 1]
        total, df = self._word_counts()
        held = sorted((w for w in words if df.get(w, 0) > 0), key=lambda w: (df[w], words.index(w)))
        rare = [w for w in held if df[w] <= COMMON_SHARE * total]
        return (rare if len(rare) >= 2 else held)[:MOST_TERMS]

    def _word_counts(self) -> tuple[int, dict[str, int]]:
        now = self.clock.now()
        if self._frequencies is None or now - self._frequencies[0] > FREQUENCIES_TTL:
            self._frequencies = (now, *self.store.frequencies())
        return self._frequencies[1], self._frequencies[2]

    def search(self, question: str, *, place: str | None = None, limit: int = 5,
               day: date | None = None) -> list[Hit]:
        """The entries that answer a question at a place, best first (in force on ``day``, today
        by default)."""
        if not 1 <= limit <= SEARCH_LIMIT:
            raise DomainError("knowledge.bad_limit", value=limit, allowed=f"1 … {SEARCH_LIMIT}")
        if len(question) > QUESTION_LIMIT:
            raise DomainError("knowledge.too_long", field="question", length=len(question),
                              limit=QUESTION_LIMIT)
        scopes = self.scopes(place)
        terms = self.search_terms(question)
        if not terms:
            return []
        found = self.store.search(terms, scopes=scopes, day=day or self._today(), limit=limit)
        return [Hit(entry, score) for entry, score in found]

    def answer(self, *, question: str, entry_id: str, by: str, place: str | None = None,
               channel: Channel = Channel.PHONE) -> Consultation:
        """咨询办结: the question answered from an entry in force where the caller is. The question
        is kept without the caller's name, number or address (redacted)."""
        self.router.check_department(by)
        if not has_words(question):
            raise DomainError("knowledge.field_required", field="question")
        if len(question) > QUESTION_LIMIT:
            raise DomainError("knowledge.too_long", field="question", length=len(question),
                              limit=QUESTION_LIMIT)
        entry = self.get(entry_id)
        now = self.clock.now()
        today = now.astimezone(SHANGHAI).date()
        if not entry.in_force(today):
            raise DomainError("knowledge.not_in_force", id=entry.id, state=entry.validity(today).value)
        scopes = self.scopes(place)
        if entry.scope not in scopes:
            raise DomainError("knowledge.out_of_scope", id=entry.id, scope=entry.scope, place=place or "")
        consultation = Consultation(_new_id("Q", now), now, channel, place or by.rpartition("-")[0],
                                    redact(question.strip()), entry.id, by)
        self.store.add_consultation(consultation)
        return consultation

    def flagged(self, *, owner: str | None = None, day: date | None = None) -> list[tuple[Entry, Validity]]:
        """Entries their owner must review: expired, or ending within 30 days; soonest first."""
        today = day or self._today()
        out = [(e, e.validity(today)) for e in self.store.entries(owner=owner)]
        flagged = [(e, v) for e, v in out if v in (Validity.EXPIRED, Validity.EXPIRING)]
        return sorted(flagged, key=lambda ev: (ev[0].valid_until or date.max, ev[0].id))

    def consultations(self, *, scope: str, start: datetime, end: datetime) -> list[Consultation]:
        """The consultations answered in a scope in ``[start, end)``."""
        if scope not in self.hierarchy:
            raise DomainError("jurisdiction.unknown", code=scope,
                              nearest=", ".join(self.hierarchy.nearest_codes(scope)))
        return self.store.consultations(scope_prefix=scope_prefix(scope), start=start, end=end)
