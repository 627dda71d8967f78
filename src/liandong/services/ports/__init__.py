"""Ports: what the services need from storage and the outside world. Adapters implement them;
fakes subclass them. One module per port family; every name is re-exported here."""

from liandong.services.ports.accounts import AccountRecord, AccountRepository
from liandong.services.ports.aggregates import AggregateRepository, Stored, StreamReads
from liandong.services.ports.cases import (
    CaseReads,
    CaseStore,
    CaseSummary,
    FactRow,
    PublicStepRow,
    ReportRow,
    StoredEvent,
    prefix_end,
    scope_prefix,
)
from liandong.services.ports.instruments import (
    InstrumentReads,
    InstrumentStore,
    InstrumentSummary,
    Notice,
    StoredInstrumentEvent,
)
from liandong.services.ports.ledger import LedgerEntry, LedgerStore
from liandong.services.ports.messaging import Outbound, Publisher
from liandong.services.ports.organisation import Geocoder, OrganisationRepository
from liandong.services.ports.outbox import Outbox
from liandong.services.ports.unit_of_work import UnitOfWork

__all__ = [
    "AccountRecord",
    "AccountRepository",
    "AggregateRepository",
    "CaseReads",
    "CaseStore",
    "CaseSummary",
    "FactRow",
    "Geocoder",
    "InstrumentReads",
    "InstrumentStore",
    "InstrumentSummary",
    "LedgerEntry",
    "LedgerStore",
    "Notice",
    "OrganisationRepository",
    "Outbound",
    "Outbox",
    "PublicStepRow",
    "Publisher",
    "ReportRow",
    "Stored",
    "StoredEvent",
    "StoredInstrumentEvent",
    "StreamReads",
    "UnitOfWork",
    "prefix_end",
    "scope_prefix",
]
