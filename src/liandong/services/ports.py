"""Ports: what the services need from storage. Adapters implement them; fakes subclass them."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any

from liandong.domain.cases.case import Case
from liandong.domain.cases.events import Event
from liandong.domain.hierarchy import CENTRAL_CODE, Jurisdiction, Level
from liandong.domain.instruments.events import InstrumentEvent
from liandong.domain.instruments.instrument import Instrument
from liandong.domain.organisation import Department
from liandong.ledger.merkle import HashStore


class OrganisationRepository(abc.ABC):
    """Jurisdictions, departments and the stored reference documents."""

    # -- jurisdictions ------------------------------------------------------------------
    @abc.abstractmethod
    def add_units(self, units: Iterable[Jurisdiction]) -> int:
        """Store units given parents first; returns how many were stored."""

    @abc.abstractmethod
    def unit(self, code: str) -> Jurisdiction | None: ...

    @abc.abstractmethod
    def children(self, code: str) -> list[Jurisdiction]: ...

    @abc.abstractmethod
    def path(self, code: str) -> list[Jurisdiction]:
        """From the central node down to ``code``; empty when the code is unknown."""

    @abc.abstractmethod
    def descendants(self, code: str, level: Level | None = None) -> list[Jurisdiction]:
        """The unit and everything below it (only ``level`` when given), ordered by code."""

    @abc.abstractmethod
    def search(self, text: str, limit: int = 20) -> list[Jurisdiction]:
        """Units whose name contains ``text``; exact names first, then higher levels."""

    @abc.abstractmethod
    def count_units(self) -> dict[Level, int]: ...

    def lca(self, codes: Sequence[str]) -> Jurisdiction | None:
        """Lowest common ancestor from stored paths; None when a code is unknown."""
        paths = [self.path(code) for code in codes]
        if not paths or any(not p for p in paths):
            return None
        common = paths[0]
        for p in paths[1:]:
            n = 0
            while n < min(len(common), len(p)) and common[n].code == p[n].code:
                n += 1
            common = common[:n]
        return common[-1]

    # -- departments -----------------------------------------------------------------------
    @abc.abstractmethod
    def add_departments(self, departments: Iterable[Department]) -> int:
        """Store departments not already stored; returns how many were new."""

    @abc.abstractmethod
    def department(self, code: str) -> Department | None: ...

    @abc.abstractmethod
    def departments_of(self, jurisdiction_code: str) -> list[Department]:
        """The government first, then functional departments by system code."""

    @abc.abstractmethod
    def count_departments(self) -> dict[Level, int]: ...

    # -- reference documents -----------------------------------------------------------
    @abc.abstractmethod
    def put_document(self, name: str, version: str, content: str) -> None:
        """Store (or replace) a reference document such as ``matters.toml``."""

    @abc.abstractmethod
    def document(self, name: str) -> tuple[str, str] | None:
        """(version, content) of a stored reference document."""


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


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    event: Event
    payload: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """``to_payload(event)`` when the store has already computed it (the ledger reuses it)."""


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


class CaseRepository(abc.ABC):
    """Cases as their event streams, with optimistic locking and idempotent intake."""

    @abc.abstractmethod
    def get(self, case_id: str) -> Case | None:
        """The case rebuilt from its events; None when unknown."""

    @abc.abstractmethod
    def save(self, case: Case) -> list[StoredEvent]:
        """Append the case's pending events; a concurrent change raises ``case.conflict``."""

    @abc.abstractmethod
    def by_idempotency_key(self, key: str) -> str | None:
        """The case already reported with this key, if any."""

    @abc.abstractmethod
    def events(self, case_id: str) -> list[Event]: ...

    @abc.abstractmethod
    def inbox(self, department: str, *, open_only: bool = True,
              limit: int = 200) -> list[CaseSummary]:
        """The cases on which ``department`` is a member, nearest deadline first."""

    @abc.abstractmethod
    def open_due_before(self, moment: datetime, limit: int = 10000) -> list[str]:
        """Open cases with a deadline before ``moment`` (candidates for the escalation chain)."""

    @abc.abstractmethod
    def add_tracking(self, code_hash: str, case_id: str) -> None:
        """Remember a citizen's tracking code (only its hash) for a case."""

    @abc.abstractmethod
    def case_for_tracking(self, code_hash: str) -> str | None: ...

    @abc.abstractmethod
    def add_salt(self, case_id: str, salt: bytes) -> None:
        """Keep the salt of the ledger's commitments to a case's personal data (never published)."""

    @abc.abstractmethod
    def salt(self, case_id: str) -> bytes | None:
        """The salt of a case's commitments; None for cases logged before commitments, or erased."""

    @abc.abstractmethod
    def in_states(self, states: Sequence[str], limit: int = 2000) -> list[str]:
        """Cases now in one of ``states`` (a dispatcher's new reports and returns), oldest first."""

    @abc.abstractmethod
    def mark_read(self, case_id: str, department: str, version: int, at: datetime) -> None:
        """A department has read a case up to ``version`` (never moves back)."""

    @abc.abstractmethod
    def read_marks(self, case_id: str) -> dict[str, tuple[int, datetime]]:
        """Per department: the case version it has read up to, and when."""

    @abc.abstractmethod
    def recent_ids(self, *, since: datetime | None = None, until: datetime | None = None,
                   limit: int = 1000) -> list[str]:
        """Cases received in [since, until], newest first."""

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
    def reports_received(self, since: datetime, until: datetime, *,
                         scope: str | None = None) -> list[ReportRow]:
        """The reports received in [since, until), oldest first (for demand insight)."""

    @abc.abstractmethod
    def pending_outbox(self, limit: int = 1000) -> list[StoredEvent]:
        """Events not yet delivered as notifications (the transactional outbox)."""

    @abc.abstractmethod
    def mark_delivered(self, seqs: Sequence[int]) -> None: ...


LedgerEntry = tuple[int | None, str | None, str, bytes]
"""(event seq or None, case id or None, signer, leaf bytes) of one log entry."""


class LedgerStore(abc.ABC):
    """The append-only log: leaves, complete-subtree hashes, checkpoints, signing keys."""

    hashes: HashStore

    @abc.abstractmethod
    def append(self, entries: Sequence[LedgerEntry]) -> int:
        """Append leaves (and every subtree hash they complete) in this transaction; first index."""

    def size(self) -> int:
        return self.hashes.size()

    @abc.abstractmethod
    def leaves(self, start: int = 0) -> Iterator[tuple[int, str, bytes]]:
        """(index, signer, leaf) in index order."""

    @abc.abstractmethod
    def entries_of_case(self, case_id: str) -> list[tuple[int, bytes]]:
        """(index, leaf) of the events of one case."""

    @abc.abstractmethod
    def checkpoints(self) -> list[tuple[int, bytes, str]]:
        """(size, root, note) of every stored checkpoint, oldest first."""

    @abc.abstractmethod
    def add_checkpoint(self, size: int, root: bytes, note: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def key(self, name: str) -> tuple[str, bytes, bytes] | None:
        """(kind, public key, sealed private key)."""

    @abc.abstractmethod
    def add_key(self, name: str, kind: str, public: bytes, sealed: bytes, at: datetime) -> None: ...

    @abc.abstractmethod
    def public_keys(self) -> dict[str, bytes]: ...

    @abc.abstractmethod
    def add_keys(self, rows: Sequence[tuple[str, str, bytes, bytes]], at: datetime) -> None:
        """Store many (name, kind, public, sealed) keys at once."""

    @abc.abstractmethod
    def witness_state(self, witness: str) -> dict[str, tuple[int, bytes]]: ...

    @abc.abstractmethod
    def save_witness_state(self, witness: str, origin: str, size: int, root: bytes) -> None: ...


class Geocoder(abc.ABC):
    """Coordinates to the jurisdiction that contains them."""

    @abc.abstractmethod
    def locate(self, lat: float, lng: float, crs: str = "wgs84") -> Jurisdiction: ...


@dataclass(frozen=True)
class AccountRecord:
    id: str
    username: str
    password_hash: str
    department: str | None
    roles: tuple[str, ...]


class AccountRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, account: AccountRecord, at: datetime) -> None:
        """Store a new account; a taken username raises ``account.username_taken``."""

    @abc.abstractmethod
    def by_username(self, username: str) -> AccountRecord | None: ...

    @abc.abstractmethod
    def by_id(self, account_id: str) -> AccountRecord | None: ...

    @abc.abstractmethod
    def add_token(self, token_hash: str, account_id: str, at: datetime, expires: datetime) -> None: ...

    @abc.abstractmethod
    def account_for_token(self, token_hash: str, now: datetime) -> AccountRecord | None:
        """The account of an unexpired token."""

    @abc.abstractmethod
    def revoke_token(self, token_hash: str) -> None:
        """Sign-out: the token no longer identifies anyone."""

    @abc.abstractmethod
    def add_api_key(self, key_hash: str, name: str, at: datetime) -> None: ...

    @abc.abstractmethod
    def api_client(self, key_hash: str) -> str | None:
        """The name of the client holding this API key (Open311 intake)."""


@dataclass(frozen=True)
class InstrumentSummary:
    """One row of a department's list of instruments."""

    instrument_id: str
    version: int
    kind: str
    title: str
    issuer: str
    state: str
    role: str  # issuer, addressee, promoted
    issued_at: datetime
    due: datetime | None


@dataclass(frozen=True)
class Notice:
    """Something a department should know of: an event on an instrument addressed to it."""

    department: str
    subject_id: str
    event_type: str
    at: datetime


@dataclass(frozen=True)
class StoredInstrumentEvent:
    seq: int
    event: InstrumentEvent


class InstrumentRepository(abc.ABC):
    """Linkage instruments as their event streams, with optimistic locking."""

    @abc.abstractmethod
    def get(self, instrument_id: str) -> Instrument | None: ...

    @abc.abstractmethod
    def save(self, instrument: Instrument) -> list[StoredInstrumentEvent]:
        """Append the pending events; refuse (``instrument.conflict``) if another wrote first."""

    @abc.abstractmethod
    def events(self, instrument_id: str) -> list[InstrumentEvent]: ...

    @abc.abstractmethod
    def of_department(self, department: str, *, open_only: bool = False) -> list[InstrumentSummary]:
        """The instruments a department issued or that are addressed (or promoted) to it, newest first."""

    @abc.abstractmethod
    def open_ids(self) -> list[str]:
        """The instruments still open (for the deadline check)."""

    @abc.abstractmethod
    def of_kind(self, kind: str) -> list[Instrument]:
        """Every instrument of a kind (e.g. the pilots, for error tolerance in assessment)."""

    @abc.abstractmethod
    def holdings(self, department: str) -> dict[str, tuple[int, str]]:
        """资源池: what a department holds, item → (quantity, unit)."""

    @abc.abstractmethod
    def adjust_holding(self, department: str, item: str, unit: str, delta: int) -> int:
        """Add ``delta`` (negative to allocate) to a holding; refuse (``instrument.pool_short``)
        to go below zero. Returns the new quantity."""

    @abc.abstractmethod
    def notify(self, notices: Sequence[Notice]) -> None:
        """Queue notices to departments (the outbox), in the transaction of their events."""

    @abc.abstractmethod
    def notices(self, department: str, limit: int = 50) -> list[Notice]:
        """A department's latest notices, newest first."""

    @abc.abstractmethod
    def pending_notices(self, limit: int = 1000) -> list[tuple[int, Notice]]:
        """(outbox sequence, notice) of the notices not yet delivered to the message bus, oldest first."""

    @abc.abstractmethod
    def mark_notices_delivered(self, seqs: Sequence[int]) -> None: ...


@dataclass(frozen=True)
class Outbound:
    """One message for the bus: a subject, an id that makes a second delivery harmless, a payload."""

    subject: str
    msg_id: str
    payload: bytes


class Publisher(abc.ABC):
    """The message bus the outboxes are relayed to (NATS JetStream on the platform)."""

    @abc.abstractmethod
    def publish(self, messages: Sequence[Outbound]) -> None:
        """Deliver every message or raise; a message delivered twice (same id) is kept once."""

    def close(self) -> None:  # noqa: B027 - most publishers hold nothing
        """Release the connection."""


class UnitOfWork(abc.ABC):
    """One transaction over the repositories: all of it is stored, or none of it."""

    organisation: OrganisationRepository
    cases: CaseRepository
    ledger: LedgerStore
    accounts: AccountRepository
    instruments: InstrumentRepository
    supports_savepoints: bool = False

    def savepoint(self) -> AbstractContextManager[object]:
        """A nested transaction: leaving it by an exception undoes only what it did."""
        raise RuntimeError("this unit of work has no savepoints; check supports_savepoints")

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...
