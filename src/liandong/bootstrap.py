"""The one place where adapters are wired to services."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from liandong.adapters.sql.cases import StreamCache
from liandong.adapters.sql.engine import WalCheckpoints, defer_wal_checkpoints, make_engine, make_read_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.config import Settings
from liandong.services.clock import Clock, SystemClock
from liandong.services.ports import Publisher, UnitOfWork

if TYPE_CHECKING:  # the rest is imported where it is used: a command pays only for what it runs
    from sqlalchemy import Engine

    from liandong.adapters.calendar import ChineseWorkCalendar
    from liandong.adapters.geocoding import FastGeocnGeocoder
    from liandong.adapters.memory import MemoryUnitOfWork
    from liandong.domain.cases.rules import CasePolicy, Rules
    from liandong.domain.catalogue import Catalogue
    from liandong.domain.dispatch_catalogue import LocalCatalogues
    from liandong.domain.hierarchy import HierarchyIndex
    from liandong.domain.instruments.instrument import InstrumentRules
    from liandong.insight.knowledge import KnowledgeBase
    from liandong.insight.place import PlaceResolver
    from liandong.insight.service import Insight
    from liandong.services.accounts import Accounts
    from liandong.services.cases import MessageBus
    from liandong.services.instrument_queries import InstrumentQueries
    from liandong.services.instruments import InstrumentBus
    from liandong.services.intake import Intake
    from liandong.services.ledger import Ledger
    from liandong.services.organisation import OrganisationQueries
    from liandong.services.ports.knowledge import KnowledgeStore
    from liandong.services.queries import CaseQueries
    from liandong.services.relay import Relay
    from liandong.services.shared_record import SharedRecord
    from liandong.services.writer import Writer

DOCUMENTS = ("systems.toml", "governance.toml", "matters.toml")


def _holiday_calendar(directory: Path | None = None) -> ChineseWorkCalendar:
    from liandong.adapters.holiday_files import holiday_calendar

    return holiday_calendar(directory)


@dataclass
class Platform:
    """What a running process needs: the reference data and a way to open a unit of work.

    ``replica``: a read-only engine on a replica of ``engine`` (``LIANDONG_REPLICA_URL``) that
    ``read_uow`` opens for the dashboards; None reads the primary. ``clock``: the one clock of the
    process, given to every bus and service built here and read by the edges (``datetime.now`` lives
    in ``services.clock`` alone)."""

    hierarchy: HierarchyIndex
    catalogue: Catalogue
    engine: Engine | None
    secret: bytes = b""
    _memory: MemoryUnitOfWork | None = None
    _streams: StreamCache = field(default_factory=StreamCache)
    _ledger: Ledger | None = None
    _places: PlaceResolver | None = None
    _rules: Rules | None = None
    _bus: MessageBus | None = None
    _instruments: InstrumentBus | None = None
    _calendar: ChineseWorkCalendar = field(default_factory=lambda: _holiday_calendar())
    _writer: Writer | None = None
    _insight: Insight | None = None
    replica: Engine | None = None
    _replica_streams: StreamCache = field(default_factory=StreamCache)
    _read_insight: Insight | None = None
    _served: tuple[str, ...] | None = None
    _queries: CaseQueries | None = None
    _intake: Intake | None = None
    _knowledge: KnowledgeBase | None = None
    clock: Clock = field(default_factory=SystemClock)
    catalogues: LocalCatalogues | None = None
    """The local dispatch catalogues (派单目录) over ``catalogue.matters``; None: the national list alone."""

    def insight(self) -> Insight:
        """Demand insight on this platform's reports (one per process: it caches the model)."""
        if self._insight is None:
            from liandong.insight.service import Insight

            self._insight = Insight(uow=self.uow, hierarchy=self.hierarchy, matters=self.catalogue.matters,
                                    clock=self.clock)
        return self._insight

    def read_insight(self) -> Insight:
        """Demand insight for the dashboard's panel, reading the replica when there is one."""
        if self.replica is None:
            return self.insight()
        if self._read_insight is None:
            from liandong.insight.service import Insight

            self._read_insight = Insight(uow=self.read_uow, hierarchy=self.hierarchy,
                                         matters=self.catalogue.matters, clock=self.clock)
        return self._read_insight

    def writer(self) -> Writer:
        """Group commit for concurrent web requests (started by the server's lifespan): a thread of
        this process unless ``use_writer`` gave another (a writer process)."""
        if self._writer is None:
            from liandong.services.writer import BatchingWriter

            self._writer = BatchingWriter(self.bus())
        return self._writer

    def queries(self) -> CaseQueries:
        """What a person may read of cases (the visibility rule, once)."""
        if self._queries is None:
            from liandong.services.queries import CaseQueries

            self._queries = CaseQueries(self.uow, self.hierarchy)
        return self._queries

    def intake(self) -> Intake:
        """受理 for every channel, through this platform's writer (made once: the busiest path)."""
        writer = self.writer()
        if self._intake is None or self._intake.writer is not writer:
            from liandong.services.intake import Intake

            self._intake = Intake(writer, self.hierarchy)
        return self._intake

    def accounts(self) -> Accounts:
        """Sign-in, tokens and API keys for the edges, on this platform's clock."""
        from liandong.services.accounts import Accounts

        return Accounts(self.uow, self.clock)

    def instrument_queries(self) -> InstrumentQueries:
        from liandong.services.instrument_queries import InstrumentQueries

        return InstrumentQueries(self.uow)

    def organisation(self) -> OrganisationQueries:
        from liandong.services.organisation import OrganisationQueries

        return OrganisationQueries(self.uow)

    def record(self) -> SharedRecord:
        """The shared record for the edges and timers: checkpoints, receipts, verification."""
        from liandong.services.shared_record import SharedRecord

        return SharedRecord(self.uow, self.ledger, self.clock)

    def use_writer(self, writer: Writer) -> None:
        self._writer = writer
    _geocoder: FastGeocnGeocoder | None = None

    @property
    def places(self) -> PlaceResolver:
        """Place from an address or a report text, down to the township (built once, ~1 s)."""
        if self._places is None:
            from liandong.insight.place import PlaceResolver

            self._places = PlaceResolver(self.hierarchy)
        return self._places

    @property
    def geocoder(self) -> FastGeocnGeocoder:
        if self._geocoder is None:
            from liandong.adapters.geocoding import FastGeocnGeocoder

            self._geocoder = FastGeocnGeocoder(self.hierarchy)
        return self._geocoder

    @property
    def ledger(self) -> Ledger:
        """The shared record; witnesses are the central node and every province with departments."""
        if self._ledger is None:
            from liandong.services.ledger import Ledger

            with self.uow() as uow:
                provinces = [u.code for u in self.hierarchy.children(self.hierarchy.root.code)
                             if uow.organisation.departments_of(u.code)]
            self._ledger = Ledger(self.secret, witnesses=(self.hierarchy.root.code, *provinces))
        return self._ledger

    def rules(self, policy: CasePolicy | None = None, *, co_presence: bool = True) -> Rules:
        """The rules (router, calendar, policy); the default set is built once and its caches kept."""
        from liandong.domain.cases.routing import Router
        from liandong.domain.cases.rules import CasePolicy, Rules

        if policy is None and co_presence:
            if self._rules is None:
                self._rules = Rules(Router(self.hierarchy, self.catalogue, served=self.served()),
                                    self._calendar, CasePolicy(), self.catalogues)
            return self._rules
        return Rules(Router(self.hierarchy, self.catalogue, co_presence, served=self.served()),
                     self._calendar, policy or CasePolicy(), self.catalogues)

    def served(self) -> tuple[str, ...]:
        """The area this deployment serves (the roots of its initialised scopes; empty: the whole
        country, as in memory). Read once: a scope added by ``liandong init`` is served after a
        restart."""
        if self._served is None:
            from liandong.services.organisation import served_roots

            if self.engine is None:
                self._served = ()
            else:  # on a reader of its own: the first call may come inside a write transaction
                reader = make_read_engine(self.engine.url.render_as_string(hide_password=False))
                try:
                    self._served = served_roots(uow=SqlUnitOfWork(reader), hierarchy=self.hierarchy)
                finally:
                    reader.dispose()
        return self._served

    def bus(self, clock: Clock | None = None, rules: Rules | None = None) -> MessageBus:
        """The message bus on this platform's storage: case commands and instrument commands alike
        (the default one is shared; the writer runs it)."""
        from liandong.services.cases import MessageBus
        from liandong.services.instruments import instrument_registration

        if clock is None and rules is None and self._bus is not None:
            return self._bus
        bus = MessageBus(uow=self.uow, rules=rules or self.rules(), clock=clock or self.clock,
                         recorder=self.ledger.record,
                         also=(instrument_registration(self.instrument_rules()),))
        if clock is None and rules is None:
            self._bus = bus
        return bus

    def instrument_rules(self) -> InstrumentRules:
        from liandong.domain.instruments.instrument import InstrumentRules

        return InstrumentRules(self.rules().router, self.catalogue.governance)

    def instruments(self, clock: Clock | None = None) -> InstrumentBus:
        """The bus for linkage instruments alone, with the resource pool (its commands go through
        ``bus`` and the writer as well; the default one is shared)."""
        from liandong.services.instruments import InstrumentBus

        if clock is None and self._instruments is not None:
            return self._instruments
        bus = InstrumentBus(uow=self.uow, rules=self.instrument_rules(), clock=clock or self.clock,
                            recorder=self.ledger.record)
        if clock is None:
            self._instruments = bus
        return bus

    def knowledge(self) -> KnowledgeBase:
        """知识库: answers searched at intake, consultations answered from them (made once)."""
        if self._knowledge is None:
            from liandong.insight.knowledge import KnowledgeBase

            store: KnowledgeStore
            if self.engine is not None:
                from liandong.adapters.sql.knowledge import SqlKnowledgeStore

                store = SqlKnowledgeStore(self.engine)
            else:
                from liandong.adapters.memory.knowledge import MemoryKnowledgeStore

                store = MemoryKnowledgeStore()
            self._knowledge = KnowledgeBase(store, self.hierarchy, self.rules().router,
                                            self.catalogue.matters, self.clock)
        return self._knowledge

    def relay(self, publisher: Publisher, *, prefix: str = "liandong") -> Relay:
        """The outbox relay to a message bus (NATS JetStream on a server)."""
        from liandong.services.relay import Relay

        return Relay(self.uow, publisher, prefix=prefix)

    def uow(self) -> UnitOfWork:
        if self.engine is not None:
            return SqlUnitOfWork(self.engine, self._streams)
        assert self._memory is not None
        return self._memory

    def defer_wal_checkpoints(self) -> WalCheckpoints | None:
        """A server's SQLite file checkpointed by the returned object's ``once`` on a timer instead
        of in a commit (None on PostgreSQL or in memory)."""
        return defer_wal_checkpoints(self.engine) if self.engine is not None else None

    def read_uow(self) -> UnitOfWork:
        """A unit of work for queries that may lag the primary by the replication delay (dashboards):
        on the replica when one is configured, else the same as ``uow``. Never commit through it:
        the replica's transactions are read-only, so a write there fails instead of diverging."""
        if self.replica is not None:
            return SqlUnitOfWork(self.replica, self._replica_streams)
        return self.uow()


def jetstream(settings: Settings) -> Publisher:
    """The publisher on the NATS server of the settings (nats_url must be set)."""
    from liandong.adapters.nats_bus import JetStreamPublisher

    assert settings.nats_url, "nats_url is not set"
    return JetStreamPublisher(settings.nats_url, stream=settings.nats_stream,
                              subjects=f"{settings.nats_prefix}.>")


def catalogue_documents(paths: dict[str, Path | None] | None = None) -> dict[str, tuple[str, str]]:
    """The reference documents as (version, text) for storing beside the data they produced."""
    out = {}
    for name in DOCUMENTS:
        path = (paths or {}).get(name)
        text = (Path(path).read_text(encoding="utf-8") if path else
                resources.files("liandong.data").joinpath(name).read_text(encoding="utf-8"))
        version = next((line.split("=", 1)[1].strip().strip('"') for line in text.splitlines()
                        if line.startswith("version")), "")
        out[name] = (version, text)
    return out


def bootstrap(settings: Settings | None = None, *, memory: bool = False,
              catalogue: Catalogue | None = None, migrate_schema: bool = True,
              clock: Clock | None = None, catalogues: LocalCatalogues | None = None) -> Platform:
    """Wire the platform: SQL storage from ``settings`` (SQLite by default), or memory; ``clock``
    (the system's by default) for every service it builds; local dispatch catalogues given, else
    read from the settings' directory (a bad file stops here)."""
    from liandong.adapters import reference_data
    from liandong.adapters.memory import MemoryUnitOfWork
    from liandong.adapters.sql import migrate

    hierarchy = reference_data.national_hierarchy()
    cat = catalogue or reference_data.default_catalogue()
    if memory:
        return Platform(hierarchy, _with_local(cat, catalogues), None, secrets.token_bytes(32),
                        MemoryUnitOfWork(), clock=clock or SystemClock(), catalogues=catalogues)
    settings = settings or Settings()
    if catalogues is None:
        from liandong.adapters.catalogue_files import load_directory

        catalogues = load_directory(settings.resolved_catalogues_dir(), cat, hierarchy)
    cat = _with_local(cat, catalogues)
    calendar = _holiday_calendar(settings.resolved_holidays_dir())  # a bad holiday file stops here
    engine = make_engine(settings.resolved_database_url())
    if migrate_schema:
        migrate.upgrade(engine)
    # the replica is never migrated: it replays the primary's schema with everything else
    replica = make_read_engine(settings.replica_url) if settings.replica_url else None
    return Platform(hierarchy, cat, engine, settings.platform_secret(), replica=replica,
                    _calendar=calendar, clock=clock or SystemClock(), catalogues=catalogues)


def _with_local(catalogue: Catalogue, catalogues: LocalCatalogues | None) -> Catalogue:
    """The catalogue whose matters readers look up by code: the national list and the added ones."""
    from dataclasses import replace

    return catalogue if catalogues is None else replace(catalogue, matters=catalogues.base())


def read_store(settings: Settings) -> Callable[[], UnitOfWork] | None:
    """Units of work for a command that only reads (``liandong org show``): on a read-only engine,
    without the reference data, the holiday files or a migration, and without creating a store.
    None where nothing is stored yet: no SQLite file, or a database without the schema."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url

    url = settings.resolved_database_url()
    database = make_url(url).database
    if (url.startswith("sqlite") and database and database != ":memory:"
            and not database.startswith("file:") and not Path(database).exists()):
        return None
    engine = make_read_engine(url)
    if not inspect(engine).has_table("jurisdiction"):
        engine.dispose()
        return None
    return lambda: SqlUnitOfWork(engine)
