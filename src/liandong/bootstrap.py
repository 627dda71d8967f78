"""The one place where adapters are wired to services."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from liandong.adapters.sql.engine import WalCheckpoints, defer_wal_checkpoints, make_engine, make_read_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.adapters.sql.storage import SqlStorage
from liandong.config import Settings
from liandong.domain.contact import phone_key
from liandong.services.clock import Clock, SystemClock
from liandong.services.ports import Publisher, UnitOfWork
from liandong.services.ports.storage import Storage

if TYPE_CHECKING:  # the rest is imported where it is used: a command pays only for what it runs
    from sqlalchemy import Engine

    from liandong.adapters.area_alerts import AreaAlertMail
    from liandong.adapters.calendar import ChineseWorkCalendar
    from liandong.adapters.geocoding import FastGeocnGeocoder
    from liandong.adapters.reporter_updates import ReporterUpdates
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
    from liandong.services.ledger_watch import LedgerWatch
    from liandong.services.organisation import OrganisationQueries
    from liandong.services.photos import Photos
    from liandong.services.ports.audit import CheckpointMirror
    from liandong.services.ports.keystore import KeyStore
    from liandong.services.ports.witness import Cosigner, Refusals
    from liandong.services.public_log import PublicLog
    from liandong.services.queries import CaseQueries
    from liandong.services.relay import Relay
    from liandong.services.shared_record import SharedRecord
    from liandong.services.tile_cache import TileCache
    from liandong.services.work import Work
    from liandong.services.writer import Writer

T = TypeVar("T")


class Platform:
    """What a running process needs: the reference data, the storage ``bootstrap()`` chose, the
    clock, and the services built on them.

    The fields are set once, here. The services (``bus()``, ``writer()``, ``queries()``, ``intake()``,
    ``insight()``, ``ledger`` …) are each built on first use and kept, so that a command of the CLI
    pays only for what it runs (docs/decisions/0024). ``clock``: the one clock of the process, given
    to every bus and service built here and read by the edges (``datetime.now``: ``services.clock``)."""

    uow: Callable[[], UnitOfWork]
    """A unit of work on the storage (memory: the one shared unit; SQL: a transaction per call)."""
    reads: Callable[[], UnitOfWork]
    """A unit of work that only reads the primary, current to its last commit, without a writer's
    lock (what a person reads right after a command). Never commit through it."""
    read_uow: Callable[[], UnitOfWork]
    """A unit of work for queries that may lag by the replication delay (the dashboards): on the
    replica when one is configured, else as ``reads``. Never commit through it."""

    def __init__(self, hierarchy: HierarchyIndex, catalogue: Catalogue, storage: Storage, *,
                 secret: bytes = b"", calendar: ChineseWorkCalendar | None = None,
                 clock: Clock | None = None, data_dir: Path | None = None,
                 catalogues: LocalCatalogues | None = None, mirror: CheckpointMirror | None = None) -> None:
        self.hierarchy = hierarchy
        self.mirror = mirror  # the latest cosigned checkpoint kept outside the database (None in memory)
        self.catalogue = catalogue
        self.storage = storage
        self.secret = secret
        self.phone_key = phone_key(secret)  # the reporters' phone digests' (the tracking code's recovery)
        self.clock: Clock = clock or SystemClock()
        from liandong.adapters.holiday_files import holiday_calendar  # chinese_calendar where needed
        self.calendar = calendar or holiday_calendar()
        self.uow = storage.uow  # chosen once: no test of the storage per call
        self.reads = storage.reads
        self.read_uow = storage.read_uow
        self.data_dir = data_dir  # where files are kept beside the database (photos); None: in memory
        self.catalogues = catalogues  # local dispatch catalogues (派单目录); None: the national list alone
        self.amber_share = 0.25  # 待办 turns amber when less than this share of its span is left
        self.reporter_updates: ReporterUpdates | None = None  # e-mail and SMS to reporters, after commit
        self.area_alerts: AreaAlertMail | None = None  # 区域提醒: public reports mailed to subscribers
        self.cosigners: tuple[Cosigner, ...] = ()  # independent witnesses (decision 0035); none: in-process
        self.refusals: Refusals | None = None  # where their refusals are kept for the ledger alarm
        self.key_store: KeyStore | None = None  # the departments' keys (decision 0042); None: sealed
        self.tile_cache_bytes = 64 << 20  # full tiles of /log kept in memory (0: none, decision 0042)
        self.ledger_origin: str | None = None  # the log's origin; a federation node names its own
        self._made: dict[str, Any] = {}

    def _once(self, name: str, build: Callable[[], T]) -> T:
        """The service ``name``, built by ``build`` on first use and kept."""
        if name not in self._made:
            self._made[name] = build()
        found: T = self._made[name]
        return found

    @property
    def engine(self) -> Engine | None:
        """The primary SQL engine (None in memory): the server's writer process, timers and backups."""
        return self.storage.engine if isinstance(self.storage, SqlStorage) else None

    @property
    def replica(self) -> Engine | None:
        return self.storage.replica if isinstance(self.storage, SqlStorage) else None

    def close(self) -> None:
        """Let go of every database connection this platform's engines hold (a node stopped or
        crashed; a test's store removed)."""
        if isinstance(self.storage, SqlStorage):
            self.storage.close()
            self.storage.engine.dispose()
        reader = self._made.get("record_reader")
        if reader is not None:
            reader.dispose()

    def photos(self) -> Photos:
        """现场照片: cleaned, kept under ``<data_dir>/photos`` (in memory without one), made once."""
        from liandong.adapters.citizen import photo_service

        return self._once("photos", lambda: photo_service(self.data_dir, self.engine, self.queries(),
                                                          self.clock))

    def insight(self, *, replica: bool = False) -> Insight:
        """Demand insight on this platform's reports (one per process: it caches the model); with
        ``replica``, for the dashboard's panel, reading the replica when there is one."""
        from liandong.insight.service import Insight

        far = replica and self.replica is not None
        uow, name = (self.read_uow, "read_insight") if far else (self.uow, "insight")
        return self._once(name, lambda: Insight(uow=uow, hierarchy=self.hierarchy,
                                                matters=self.catalogue.matters, clock=self.clock))

    def read_insight(self) -> Insight:
        return self.insight(replica=True)

    def writer(self) -> Writer:
        """Group commit for concurrent web requests (started by the server's lifespan): a thread of
        this process unless ``use_writer`` gave another (a writer process)."""
        from liandong.services.writer import BatchingWriter

        side_by_side = self.engine is not None and self.engine.dialect.name != "sqlite"
        return self._once("writer", lambda: BatchingWriter(self.bus(), side_by_side=side_by_side))

    def use_writer(self, writer: Writer) -> None:
        self._made["writer"] = writer

    def queries(self) -> CaseQueries:
        """What a person may read of cases (the visibility rule, once)."""
        from liandong.services.queries import CaseQueries

        return self._once("queries", lambda: CaseQueries(self.uow, self.hierarchy, self.reads))

    def work(self) -> Work:
        """待办: what waits on each department, with countdowns on this platform's calendar."""
        from liandong.services.work import Work

        return self._once("work", lambda: Work(self.uow, self.calendar, self.catalogue.matters,
                                               self.amber_share, self.reads))

    def intake(self) -> Intake:
        """受理 for every channel, through this platform's writer (made once: the busiest path)."""
        from liandong.services.intake import Intake

        writer = self.writer()
        router = self.rules().router
        if self._once("intake", lambda: Intake(writer, self.hierarchy, router)).writer is not writer:
            self._made["intake"] = Intake(writer, self.hierarchy, router)  # ``use_writer`` came since
        intake: Intake = self._made["intake"]
        return intake

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

        engine = self.engine
        reader = None
        if engine is not None:  # verification reads the primary without taking its write lock
            url = engine.url.render_as_string(hide_password=False)
            # one snapshot for a whole verification (PostgreSQL reads committed data statement by
            # statement otherwise: the log and the events read under a load would disagree)
            snapshot = {} if engine.dialect.name == "sqlite" else {"isolation_level": "REPEATABLE READ"}
            reads = self._once("record_reader", lambda: make_read_engine(url, **snapshot))
            reader = lambda: SqlUnitOfWork(reads)  # noqa: E731
        return SharedRecord(self.uow, self.ledger, self.clock, self.mirror, reader)

    def public_log(self) -> PublicLog:
        """The log as tiles anyone can read (``/log/…``), read like verification: never the
        writer's lock."""
        from liandong.services.public_log import PublicLog

        return self._once("public_log", lambda: PublicLog(self.record().reader or self.uow))

    def tile_cache(self) -> TileCache:
        """The tiles and the checkpoint of ``/log`` kept in memory (decision 0042): one per process."""
        from liandong.services.tile_cache import TileCache

        return self._once("tile_cache", lambda: TileCache(self.public_log(), max_bytes=self.tile_cache_bytes))

    def ledger_watch(self) -> LedgerWatch:
        """The auditor of the shared record: its alarm is read by ``/healthz`` and the pages (one per
        process; the server's timer runs its rounds)."""
        from liandong.adapters.alarm_file import ALARM_FILE, FileAlarm
        from liandong.services.ledger_watch import LedgerWatch

        shared = FileAlarm(self.data_dir / ALARM_FILE) if self.data_dir is not None else None
        refused = self.refusals and self.refusals.latest
        return self._once("ledger_watch", lambda: LedgerWatch(self.record, refusals=refused, shared=shared))

    @property
    def places(self) -> PlaceResolver:
        """Place from an address or a report text, down to the township (built once, ~1 s)."""
        from liandong.insight.place import PlaceResolver

        return self._once("places", lambda: PlaceResolver(self.hierarchy))

    @property
    def geocoder(self) -> FastGeocnGeocoder:
        from liandong.adapters.geocoding import FastGeocnGeocoder

        return self._once("geocoder", lambda: FastGeocnGeocoder(self.hierarchy))

    @property
    def ledger(self) -> Ledger:
        """The shared record; witnesses are the central node and every province with departments."""
        return self._once("ledger", self._ledger)

    def _ledger(self) -> Ledger:
        from liandong.services.ledger import Ledger

        with self.uow() as uow:
            provinces = [u.code for u in self.hierarchy.children(self.hierarchy.root.code)
                         if uow.organisation.departments_of(u.code)]
        origin = {"origin": self.ledger_origin} if self.ledger_origin else {}
        return Ledger(self.secret, witnesses=(self.hierarchy.root.code, *provinces), cosigners=self.cosigners,
                      on_refusal=self.refusals and self.refusals.refused, keys=self.key_store, **origin)

    def rules(self, policy: CasePolicy | None = None, *, co_presence: bool = True) -> Rules:
        """The rules (router, calendar, policy); the default set is built once and its caches kept."""
        from liandong.domain.cases.routing import Router
        from liandong.domain.cases.rules import CasePolicy, Rules

        if policy is None and co_presence:
            return self._once("rules", lambda: Rules(
                Router(self.hierarchy, self.catalogue, served=self.served()), self.calendar, CasePolicy(),
                self.catalogues))
        return Rules(Router(self.hierarchy, self.catalogue, co_presence, served=self.served()),
                     self.calendar, policy or CasePolicy(), self.catalogues)

    def served(self) -> tuple[str, ...]:
        """The area this deployment serves (the roots of its initialised scopes; empty: the whole
        country, as in memory). Read once: a scope added by ``liandong init`` is served after a
        restart."""
        return self._once("served", lambda: self.storage.served(self.hierarchy))

    @property
    def sandbox(self) -> bool:
        """A sandbox store (演练库, ``init --sandbox``; memory always): marked wherever it is read, the
        only kind where a clock may be simulated or a time claimed (docs/decisions/0030)."""
        return self.storage.sandbox()

    def _vouched(self, clock: Clock, claimed_at: datetime | None) -> Clock:
        """``clock`` if it may record here; on a live store it is the system's and nobody claims a time."""
        if (claimed_at is not None or type(clock) is not SystemClock) and not self.sandbox:
            from liandong.domain.errors import DomainError

            if claimed_at is not None:
                raise DomainError("store.live_claimed_time", claimed=claimed_at.isoformat())
            raise DomainError("store.live_clock", clock=type(clock).__name__)
        return clock

    def bus(self, clock: Clock | None = None, rules: Rules | None = None, *,
            claimed_at: datetime | None = None) -> MessageBus:
        """The message bus on this platform's storage: case commands and instrument commands alike
        (the default one is shared; the writer runs it). ``clock``: another than the platform's
        (a simulated one: sandbox stores only); ``claimed_at``: a time a person gives, recorded in
        every event beside the recorded one (sandbox stores only)."""
        from liandong.services.cases import MessageBus
        from liandong.services.instruments import instrument_registration

        def build() -> MessageBus:
            updates = [s for s in (self.reporter_updates, self.area_alerts) if s is not None]
            return MessageBus(uow=self.uow, rules=rules or self.rules(),
                              clock=self._vouched(clock or self.clock, claimed_at),
                              recorder=self.ledger.record, subscribers=updates, claimed_at=claimed_at,
                              phone_key=self.phone_key,
                              also=(instrument_registration(self.instrument_rules(), claimed_at=claimed_at),))

        if clock is None and rules is None and claimed_at is None:
            return self._once("bus", build)
        return build()

    def instrument_rules(self) -> InstrumentRules:
        from liandong.domain.instruments.instrument import InstrumentRules

        return InstrumentRules(self.rules().router, self.catalogue.governance)

    def instruments(self, clock: Clock | None = None, *, claimed_at: datetime | None = None) -> InstrumentBus:
        """The bus for linkage instruments alone, with the resource pool (its commands go through
        ``bus`` and the writer as well; the default one is shared; ``clock``, ``claimed_at``: as for
        ``bus``)."""
        from liandong.services.instruments import InstrumentBus

        def build() -> InstrumentBus:
            return InstrumentBus(uow=self.uow, rules=self.instrument_rules(), claimed_at=claimed_at,
                                 clock=self._vouched(clock or self.clock, claimed_at),
                                 recorder=self.ledger.record)

        return self._once("instruments", build) if clock is None and claimed_at is None else build()

    def knowledge(self) -> KnowledgeBase:
        """知识库: answers searched at intake, consultations answered from them (made once)."""
        from liandong.insight.knowledge import KnowledgeBase

        return self._once("knowledge", lambda: KnowledgeBase(
            self.storage.knowledge(), self.hierarchy, self.rules().router, self.catalogue.matters,
            self.clock))

    def relay(self, publisher: Publisher, *, prefix: str = "liandong") -> Relay:
        """The outbox relay to a message bus (NATS JetStream on a server)."""
        from liandong.services.relay import Relay

        return Relay(self.uow, publisher, prefix=prefix)

    def defer_wal_checkpoints(self) -> WalCheckpoints | None:
        """A server's SQLite file checkpointed by the returned object's ``once`` on a timer instead
        of in a commit (None on PostgreSQL or in memory)."""
        return defer_wal_checkpoints(self.engine) if self.engine is not None else None


def bootstrap(settings: Settings | None = None, *, memory: bool = False,
              catalogue: Catalogue | None = None, migrate_schema: bool = True,
              clock: Clock | None = None, catalogues: LocalCatalogues | None = None) -> Platform:
    """Wire the platform: SQL storage from ``settings`` (SQLite by default), or memory — chosen
    here, once (``Storage``); ``clock`` (the system's by default) for every service it builds; local
    dispatch catalogues given, else read from the settings' directory (a bad file stops here)."""
    from liandong.adapters import reference_data
    from liandong.adapters.checkpoint_file import FILE_NAME as CHECKPOINT_FILE
    from liandong.adapters.checkpoint_file import FileCheckpointMirror
    from liandong.adapters.memory.storage import MemoryStorage
    from liandong.adapters.sql import migrate

    hierarchy = reference_data.national_hierarchy()
    cat = catalogue or reference_data.default_catalogue()
    if memory:
        return Platform(hierarchy, catalogues.over(cat) if catalogues else cat, MemoryStorage(),
                        secret=secrets.token_bytes(32), clock=clock, catalogues=catalogues)
    settings = settings or Settings()
    if catalogues is None:
        from liandong.adapters.catalogue_files import load_directory

        catalogues = load_directory(settings.resolved_catalogues_dir(), cat, hierarchy)
    from liandong.adapters.holiday_files import holiday_calendar  # a bad holiday file stops here

    calendar = holiday_calendar(settings.resolved_holidays_dir())
    engine = make_engine(settings.resolved_database_url())
    if migrate_schema:
        migrate.upgrade(engine, secret=settings.platform_secret())  # 0030 keys the phone digests
    replica = make_read_engine(settings.replica_url) if settings.replica_url else None  # never migrated
    platform = Platform(hierarchy, catalogues.over(cat) if catalogues else cat, SqlStorage(engine, replica),
                        secret=settings.platform_secret(), calendar=calendar, clock=clock,
                        data_dir=settings.data_dir, catalogues=catalogues,
                        mirror=FileCheckpointMirror(settings.data_dir / CHECKPOINT_FILE))
    from liandong.adapters.outside import connect

    connect(platform, settings)  # reporters' mail and SMS, area alerts, witnesses, an HSM
    return platform


def read_store(settings: Settings) -> Callable[[], UnitOfWork] | None:
    """Units of work for a command that only reads (``liandong org show``; ``adapters.sql.read_store``)."""
    from liandong.adapters.sql.read_store import read_store as reading

    return reading(settings)
