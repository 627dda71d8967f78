"""The frame every aggregate shares (cases, linkage instruments, and any one to come): an id, a
version, the events not yet stored, and state changed only by applying events, so that a replay of
the stored stream gives the same aggregate (docs/decisions/0020)."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from liandong.domain.errors import DomainError


class DomainEvent(abc.ABC):
    """What every aggregate's events have in common; each aggregate's base event is a frozen
    dataclass below it that names its own id field (``case_id``, ``instrument_id``).

    ``stream``: the name the shared record gives the aggregate's events ("" for cases, whose
    envelopes were written before there was a second stream, and stay as they are)."""

    __slots__ = ()
    at: datetime
    """The recorded time: the platform's clock when the event was committed (KPIs and deadlines)."""
    actor: str  # a department code, "platform", or "reporter"
    claimed_at: datetime | None
    """A time a person gave for it (申报时间: a data migration, a training run), recorded beside
    ``at``, never instead of it; sandbox stores only (docs/decisions/0030). None: no claim."""
    stream: ClassVar[str] = ""
    personal_fields: ClassVar[tuple[str, ...]] = ()
    """Fields holding a person's data: the ledger commits to them instead of publishing them."""
    free_text_fields: ClassVar[tuple[str, ...]] = ()
    """Fields a person writes freely (descriptions, reasons, notes: they may hold names and numbers)
    or that locate a person (an address): committed to in the leaf like personal fields, so that the
    log can be published (decision 0031)."""

    @property
    @abc.abstractmethod
    def aggregate_id(self) -> str:
        """The id of the aggregate the event belongs to (the subject of its ledger entry)."""


ABSENT_WHEN_NONE = "absent_when_none"
"""A field's metadata key: the codec leaves the field out of a payload while it is None, so that the
payloads of events without it keep the bytes they had before it existed."""


ONLY_WHEN_SET: Mapping[str, bool] = MappingProxyType({ABSENT_WHEN_NONE: True})
"""The metadata of such a field: ``claimed_at: datetime | None = field(default=None, metadata=ONLY_WHEN_SET)``
on an aggregate's base event (``DomainEvent.claimed_at``)."""


def concealed_fields(event: DomainEvent | type[DomainEvent]) -> tuple[str, ...]:
    """What a public leaf of ``event`` carries only as commitments: its personal and free-text fields."""
    return (*event.personal_fields, *event.free_text_fields)


class Record(Protocol):
    """An aggregate's state: rebuilt by applying its events, one version each."""

    id: str
    version: int


R = TypeVar("R", bound=Record)
E = TypeVar("E", bound=DomainEvent)


class Aggregate(abc.ABC, Generic[R, E]):
    """An event-sourced aggregate: commands check and ``_emit``; ``pending`` holds the events
    not yet stored (the repository empties it when it saves them)."""

    record_type: ClassVar[type[Any]]
    """Makes the blank record of a new id (``CaseRecord``, ``InstrumentRecord``)."""

    refusals: ClassVar[tuple[str, str, str, str]]
    """The aggregate's words for: unknown, changed by another (conflict), an actor with no part in
    a step (``_party``); and the name of its id in them (``case_id``, ``id``)."""

    def __init__(self, record: R) -> None:
        self.record = record
        self.pending: list[E] = []

    @staticmethod
    @abc.abstractmethod
    def apply(record: Any, event: Any) -> None:
        """Change ``record`` by one event (and count its version): the aggregate's own function."""

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def version(self) -> int:
        return self.record.version

    def _emit(self, event: E) -> None:
        type(self).apply(self.record, event)
        self.pending.append(event)

    def _party(self, by: str, allowed: Sequence[str], who: str) -> None:
        """Refuse unless ``by`` is one of the parties ``allowed`` to act as ``who``."""
        if by not in allowed:
            raise DomainError(self.refusals[2], actor=by, who=who, allowed="、".join(allowed) or "—")

    @classmethod
    def unknown(cls, aggregate_id: str) -> DomainError:
        return DomainError(cls.refusals[0], **{cls.refusals[3]: aggregate_id})

    @classmethod
    def conflict(cls, aggregate_id: str, expected: int, actual: int | str) -> DomainError:
        """Another wrote first: ``actual`` is its version, or "?" when the store found it so."""
        return DomainError(cls.refusals[1], **{cls.refusals[3]: aggregate_id}, expected=expected,
                           actual=actual)

    @classmethod
    def replay(cls, aggregate_id: str, events: Iterable[E]) -> Self:
        """The aggregate as its stored ``events`` leave it."""
        record = cls.record_type(aggregate_id)
        for event in events:
            cls.apply(record, event)
        return cls(record)
