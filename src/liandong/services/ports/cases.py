"""Cases: the command store the bus needs, the read port of the queries, assessment and insight
(what an inbox row and demand insight read), and scopes as code ranges."""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from liandong.domain.cases.case import Case
from liandong.domain.cases.events import Event
from liandong.domain.hierarchy import CENTRAL_CODE
from liandong.domain.nearby import Point, Spot
from liandong.services.ports.aggregates import AggregateRepository, Stored, StreamReads
from liandong.services.ports.sums import SumView


@dataclass(frozen=True)
class CaseSummary:
    """One row of an inbox: what a department needs to see and sort."""

    case_id: str
    version: int
    state: str
    matter: str
    severity: str
    owner: str
    lead: str
    role: str
    received_at: datetime
    due: datetime | None
    source: str = ""  # 来源: citizen, ngo, grid, department, hotline, online
    number: str = ""  # 案件编号, e.g. 320200-20261206-0123


StoredEvent = Stored[Event]
"""A case's event as stored (its ``seq`` numbers the case event table and the outbox)."""


@dataclass(frozen=True)
class ReportRow:
    """What demand insight reads of a case: the report as taken in, its matter now, whether it is
    still open and its latest rating ("" when none)."""

    case_id: str
    received_at: datetime
    matter: str  # now (after any 改类)
    reported_matter: str  # as taken in
    affected: tuple[str, ...]
    description: str
    address: str
    is_open: bool
    rating: str = ""


@dataclass(frozen=True, slots=True)
class PublicStepRow:
    """One public step of a case (``CaseReads.public_steps``): the case, the step's place in its
    record (1 = the report; its ``version``), the event's type and time, its public note (not yet
    redacted, "" for none)."""

    case_id: str
    version: int
    type: str
    at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class FactRow:
    """One stored version of a case's facts (事实表, ``assessment.fact_rows``): valid from
    ``valid_from`` (the earliest event of the save that wrote it) until the next version;
    an ``irregular`` one (a backfill, events of several moments) is read by replaying the events."""

    case_id: str
    version: int
    valid_from: datetime
    irregular: bool
    body: str  # JSON: what the facts read of the events and of the record after them
    received_at: datetime
    viewers: str | None = None
    """The departments ``can_see`` lets in by the record alone (team, dispatcher, what waits on
    them), ``|``-joined (``assessment.viewers``); None: not known (a row from before migration 0033)."""
    fair: str | None = None
    """JSON: what the fair rules read of the events 1..version (``assessment.fair_facts``: the
    on-time measures' lateness and stopped waits, the finding); None: not known (a row from before
    migration 0035, or of a case whose earlier rows are; ``insight rebuild-facts`` derives them)."""
    fair_now: str | None = None
    """As read for a moment (``facts_received``): ``fair`` of the case's latest row, whose finding
    counts whenever it was made."""


def scope_prefix(scope: str) -> str:
    """The code prefix that a jurisdiction and every unit under it share, and no other unit does
    ("" for the centre): codes of the national list nest by position (province 2 digits, city 4,
    county 6, township 9; six-digit codes padded with zeros). Exact for every unit of the list,
    直辖 branches included (tests/unit/services/test_scope_prefix.py checks them all), so a scope is one
    range of codes in an index. A code of any other form is taken as a prefix itself."""
    if scope == CENTRAL_CODE:
        return ""
    if len(scope) == 6 and scope.isdigit():
        if scope.endswith("0000"):
            return scope[:2]
        if scope.endswith("00"):
            return scope[:4]
    return scope


def prefix_end(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix`` (None: there is none), so
    that ``prefix <= code < prefix_end(prefix)`` is a range scan (digits compare alike under
    every collation; no LIKE needed)."""
    kept = prefix.rstrip("9")
    if not kept:
        return None
    return kept[:-1] + chr(ord(kept[-1]) + 1)


class CaseStore(AggregateRepository[Case, Event]):
    """案件 as the bus changes them (``uow.cases``): event streams with optimistic locking
    (``case.conflict``), and what is written in a command's transaction beside them — the
    idempotency key a report is taken under, a citizen's tracking code, the salt of the ledger's
    commitments, a department's read mark. Every other read is on ``CaseReads``."""

    @abc.abstractmethod
    def by_idempotency_key(self, key: str) -> str | None:
        """The case already reported with this key, if any (the report's replay check)."""

    @abc.abstractmethod
    def add_tracking(self, code_hash: str, case_id: str) -> None:
        """Remember a citizen's tracking code (only its hash) for a case."""

    @abc.abstractmethod
    def add_phone(self, phone_hash: str, case_id: str) -> None:
        """Remember that a phone number (only its digest) reported the case (the tracking code's
        recovery, ``services.recovery``)."""

    @abc.abstractmethod
    def rebuild_phones(self, digest: Callable[[str], str]) -> int:
        """The phone digests derived again from the stored reports: every report that holds its
        reporter's phone remembered under ``digest(phone)`` instead of what was kept (after the
        platform secret changed), in the unit of work's transaction; the reports counted."""

    @abc.abstractmethod
    def add_salt(self, case_id: str, salt: bytes) -> None:
        """Keep the salt of the ledger's commitments to a case's personal data (never published);
        a second salt for a case is a lost race (``case.conflict``)."""

    @abc.abstractmethod
    def salt(self, case_id: str) -> bytes | None:
        """The salt of a case's commitments; None for cases logged before commitments, or erased.
        Only the ledger reads it (does a leaf still open to the data stored?)."""

    @abc.abstractmethod
    def mark_read(self, case_id: str, department: str, version: int, at: datetime) -> None:
        """A department has read a case up to ``version`` (never moves back); run on the writer."""

    @abc.abstractmethod
    def open_due_before(self, moment: datetime, limit: int = 10000) -> list[str]:
        """Open cases with a deadline before ``moment``: the work of the bus's own escalation
        sweep, which then sends each a command."""

    @abc.abstractmethod
    def rebuild_facts(self, rows_of: Callable[[str, Sequence[Event]], Sequence[FactRow]]) -> int:
        """事实表 derived again from the log: every case's fact rows replaced by ``rows_of`` its
        stored events, in the unit of work's transaction; the number of cases."""


class CaseReads(StreamReads[Case, Event]):
    """What is read of cases outside the bus (``uow.case_reads``): the inboxes and listings of
    ``services.queries``, the periods assessment and insight read, by scope. Reads only."""

    @abc.abstractmethod
    def by_idempotency_key(self, key: str) -> str | None:
        """The case reported under this (scoped) key, if any (Open311's lookup by its token)."""

    @abc.abstractmethod
    def case_for_tracking(self, code_hash: str) -> str | None:
        """The case a tracking code (its hash) names, if any."""

    @abc.abstractmethod
    def cases_for_phone(self, phone_hash: str, *, limit: int = 5) -> list[str]:
        """The latest cases a phone number (its digest) reported, newest first."""

    @abc.abstractmethod
    def inbox(self, department: str, *, open_only: bool = True,
              limit: int = 200) -> list[CaseSummary]:
        """The cases on which ``department`` is a member, nearest deadline first."""

    @abc.abstractmethod
    def number_of(self, case_id: str) -> str:
        """A case's readable number (案件编号); "" for none."""

    @abc.abstractmethod
    def open_in_scope(self, scope: str, *, limit: int = 500) -> list[CaseSummary]:
        """Every open case with a place under ``scope`` (a street's or township's area), nearest
        deadline first; ``role`` is "" (the unit need not be on the team)."""

    @abc.abstractmethod
    def nearby_open(self, matter: str, *, place: str = "", point: Point | None = None,
                    radius_m: float = 500, limit: int = 20) -> list[Spot]:
        """已有人反映？ Cases of ``matter`` that take a "me too" now: the newest ``limit`` reported at
        ``place``, and up to ``limit`` within ``radius_m`` of ``point`` (the caller ranks them)."""

    @abc.abstractmethod
    def in_states(self, states: Sequence[str], limit: int = 2000) -> list[str]:
        """Cases now in one of ``states`` (a dispatcher's new reports and returns), oldest first."""

    @abc.abstractmethod
    def read_marks(self, case_id: str) -> dict[str, tuple[int, datetime]]:
        """Per department: the case version it has read up to, and when."""

    @abc.abstractmethod
    def recent_ids(self, *, since: datetime | None = None, until: datetime | None = None,
                   limit: int = 1000, offset: int = 0, matters: Collection[str] | None = None,
                   exclude_matters: Collection[str] = (), is_open: bool | None = None,
                   consented: bool = False, scope: str | None = None, public: bool = False) -> list[str]:
        """Cases received in [since, until], newest first (a page of them: ``offset``, ``limit``),
        of the given matter types only, none of the excluded ones, open or closed as asked;
        ``consented``: only those whose reporter agreed to publication; ``scope``: only those with a
        place under it (as the reads of a period below); ``public``: none the centre withheld from
        public reads (公开审核)."""

    @abc.abstractmethod
    def public_steps(self, since: datetime, until: datetime, *, exclude_matters: Collection[str] = (),
                     limit: int = 1000) -> list[PublicStepRow]:
        """The public steps (``publication.PUBLIC_STEPS``) taken in [since, until], by time, case and
        version (the first ``limit``), of the cases ``recent_ids(public=True, exclude_matters=…)``
        lists — none the centre withheld, none of the excluded matter types — however long ago they
        were received: read by the steps' time (``ix_case_event_public_step``), not case by case."""

    # The reads of a period take an optional ``scope`` (a jurisdiction code): then only the cases
    # with at least one affected place under it (reported or added by 扩大范围, at any time), read
    # by place in the store (``scope_prefix``), not filtered afterwards. None, or the centre: all.

    @abc.abstractmethod
    def streams_received(self, since: datetime, until: datetime, *, scope: str | None = None,
                         ) -> Iterator[tuple[str, list[Event], dict[str, tuple[int, datetime]]]]:
        """Every case received in [since, until): its events in order and its read marks, in one
        pass (for the assessment of a period), oldest case first."""

    @abc.abstractmethod
    def versions_received(self, since: datetime, until: datetime, *,
                          scope: str | None = None) -> list[tuple[str, int]]:
        """(case, version) of every case received in [since, until), oldest first — to see what
        changed (the order of the facts taken from them)."""

    @abc.abstractmethod
    def streams_of(self, case_ids: Sequence[str]) -> Iterator[tuple[str, list[Event]]]:
        """The events of each of these cases, in order."""

    @abc.abstractmethod
    def reads_received(self, since: datetime, until: datetime, *, scope: str | None = None,
                       ) -> dict[str, dict[str, tuple[int, datetime]]]:
        """The read marks of the cases received in [since, until), per case and department."""

    @abc.abstractmethod
    def facts_received(self, since: datetime, until: datetime, as_of: datetime, *,
                       scope: str | None = None) -> Iterator[FactRow]:
        """The fact row valid at ``as_of`` of each case received in [since, until) (with a place
        under ``scope``), oldest first; a case with none by then is left out."""

    @abc.abstractmethod
    def reads_of(self, case_ids: Sequence[str]) -> dict[str, dict[str, tuple[int, datetime]]]:
        """The read marks of these cases, per case and department (those with a mark)."""

    @abc.abstractmethod
    def fact_rows(self, case_id: str) -> list[FactRow]:
        """Every stored version of a case's facts, oldest first."""

    @abc.abstractmethod
    def sum_view(self) -> SumView:
        """The sums kept beside the fact rows (``assessment.sums``)."""

    @abc.abstractmethod
    def reports_received(self, since: datetime, until: datetime, *,
                         scope: str | None = None) -> list[ReportRow]:
        """The reports received in [since, until), oldest first (for demand insight)."""
