"""备份存储 (backup storage): the storage side of ``liandong backup`` and ``liandong restore``.

SQLite: the online backup API copies a consistent snapshot while the server writes (WAL mode lets
writers go on); a restore goes back through the same API, in one transaction. PostgreSQL: ``pg_dump
-Fc`` inside an exported snapshot (the manifest's ledger root is read in that very snapshot) and
``pg_restore --clean --if-exists --single-transaction``. The platform secret sits beside the data
(``<data_dir>/secret.key``) unless ``LIANDONG_SECRET`` gives it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from liandong.adapters.checkpoint_file import FILE_NAME as CHECKPOINT_FILE
from liandong.adapters.checkpoint_file import FileCheckpointMirror, note_size
from liandong.adapters.node_key import NodeKeyFiles
from liandong.adapters.sql import migrate
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.engine import make_engine, private_sqlite_file, sqlite_url
from liandong.adapters.sql.ledger import SqlLedgerStore
from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.ledger.merkle import root
from liandong.ledger.note import Signer, Verifier
from liandong.services.backup import BackupStore, LogState
from liandong.services.backup_manifest import Snapshot
from liandong.services.clock import SystemClock

BOOKKEEPING = {"alembic_version"}


def store_for(settings: Settings) -> BackupStore:
    """The backup store of the configured database (SQLite by default, or PostgreSQL)."""
    url = make_url(settings.resolved_database_url())
    backend = url.get_backend_name()
    if backend == "sqlite" and url.database and url.database != ":memory:":
        return SqliteBackupStore(settings, Path(url.database))
    if backend == "postgresql":
        return PostgresBackupStore(settings, settings.resolved_database_url())
    raise DomainError("backup.unsupported_backend", backend=url.drivername)


def snapshot_of(conn: Connection) -> Snapshot:
    """Schema revision, number of cases, ledger size and root and the latest cosigned checkpoint,
    read on one connection."""
    revision = MigrationContext.configure(conn).get_current_revision()
    if revision is None:
        raise DomainError("backup.no_database", location=_where(conn))
    ledger = SqlLedgerStore(conn)
    size = ledger.size()
    cases = conn.execute(select(func.count()).select_from(t.case_record)).scalar_one()
    c = t.ledger_checkpoint
    note = conn.execute(select(c.c.note).order_by(c.c.size.desc()).limit(1)).scalar()
    return Snapshot(schema_revision=revision, ledger_size=size, ledger_root=root(ledger.hashes, size),
                    cases=int(cases), checkpoint=note)


def log_state_of(conn: Connection, at: int) -> LogState | None:
    """The log on ``conn``: its size, its latest checkpoint's size, its root at ``at``."""
    if MigrationContext.configure(conn).get_current_revision() is None:
        return None
    ledger = SqlLedgerStore(conn)
    size = ledger.size()
    cosigned = conn.execute(select(func.max(t.ledger_checkpoint.c.size))).scalar()
    return LogState(size=size, cosigned=int(cosigned or 0),
                    root_at=root(ledger.hashes, at) if at <= size else None)


def _where(conn: Connection) -> str:
    return conn.engine.url.render_as_string(hide_password=True)


def _where_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


class _SecretBesideData(BackupStore):
    """The platform secret: ``LIANDONG_SECRET`` if set, else ``<data_dir>/secret.key``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.secret_path = settings.data_dir / "secret.key"
        self.node_key = NodeKeyFiles(settings.data_dir)
        self.mirror = settings.data_dir / CHECKPOINT_FILE

    def remembered_size(self) -> int:
        kept = FileCheckpointMirror(self.mirror).read()
        return max(note_size(kept), 0) if kept is not None else 0

    def remember(self, note: str | None) -> Path | None:
        kept = FileCheckpointMirror(self.mirror).read()
        if kept == note:
            return None
        aside = None
        if kept is not None:
            stamp = f"{SystemClock().now():%Y%m%dT%H%M%S%fZ}"
            aside = self.mirror.with_name(f"{CHECKPOINT_FILE}.before-restore-{stamp}")
            os.replace(self.mirror, aside)
        if note is not None:
            FileCheckpointMirror(self.mirror).keep(note_size(note), note)
        return aside

    def node_signer(self) -> Signer:
        return self.node_key.signer()

    def node_verifier(self) -> Verifier | None:
        return self.node_key.verifier()

    def read_secret(self) -> bytes:
        if self.settings.secret:
            return self.settings.secret.encode()
        if not self.secret_path.is_file():
            raise DomainError("backup.secret_missing", path=str(self.secret_path.resolve()))
        return self.secret_path.read_text().strip().encode()

    def check_secret(self, secret: bytes) -> None:
        if self.settings.secret and self.settings.secret.encode() != secret:
            raise DomainError("backup.secret_mismatch")

    def install_secret(self, secret: bytes) -> Path | None:
        self.check_secret(secret)
        if self.settings.secret:
            return None
        path = self.secret_path
        kept = None
        if path.is_file():
            if path.read_text().strip().encode() == secret:
                return None
            kept = path.with_name(f"secret.key.replaced-{SystemClock().now():%Y%m%dT%H%M%S%fZ}")
            os.replace(path, kept)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(".secret.key.part")
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
        return kept

    def knows_revision(self, revision: str) -> bool:
        try:
            return ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision) is not None
        except CommandError:  # alembic's "no such revision"
            return False

    def head_revision(self) -> str | None:
        return migrate.head_revision()


class SqliteBackupStore(_SecretBesideData):
    backend = "sqlite"
    database_member = "database.sqlite3"
    compress = True

    def __init__(self, settings: Settings, path: Path) -> None:
        super().__init__(settings)
        self.path = path

    def dump(self, target: Path) -> Snapshot:
        if not self.path.is_file():
            raise DomainError("backup.no_database", location=str(self.path))
        source = sqlite3.connect(self.path, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # one step: a consistent snapshot, writers go on meanwhile (WAL)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        except sqlite3.Error as exc:
            raise DomainError("backup.database_unreachable", location=str(self.path),
                              problem=str(exc)) from None
        finally:
            copy.close()
            source.close()
        engine = create_engine(sqlite_url(target))  # plain: leaves the copy's journal mode alone
        try:
            with engine.connect() as conn:
                return snapshot_of(conn)
        finally:
            engine.dispose()

    def load(self, source: Path) -> None:
        private_sqlite_file(self.path)  # the restored names and phones are the owner's to read
        copy = sqlite3.connect(source)
        target = sqlite3.connect(self.path, timeout=30)
        try:
            copy.backup(target)  # page by page into the target, in one transaction
        except sqlite3.Error as exc:
            raise DomainError("backup.load_failed", location=str(self.path), problem=str(exc)) from None
        finally:
            target.close()
            copy.close()

    def snapshot(self) -> Snapshot:
        engine = make_engine(sqlite_url(self.path))
        try:
            with engine.connect() as conn:
                return snapshot_of(conn)
        finally:
            engine.dispose()

    def log_state(self, at: int) -> LogState | None:
        if not self.path.is_file():
            return None
        engine = make_engine(sqlite_url(self.path))
        try:
            with engine.connect() as conn:
                return log_state_of(conn, at)
        finally:
            engine.dispose()

    def occupied(self) -> list[str]:
        if not self.path.is_file():
            return []
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            names = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name")]
            return [name for name in names if name not in BOOKKEEPING and conn.execute(
                f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]]
        finally:
            conn.close()

    def staging_dir(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.path.parent


class PostgresBackupStore(_SecretBesideData):
    backend = "postgresql"
    database_member = "database.pgdump"

    def __init__(self, settings: Settings, url: str) -> None:
        super().__init__(settings)
        self.url = url
        parsed = make_url(url)
        self.conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(
            hide_password=False)
        self.env = {**os.environ, **({"PGPASSWORD": str(parsed.password)} if parsed.password else {})}

    def dump(self, target: Path) -> Snapshot:
        pg_dump = _tool("pg_dump")
        with self._engine() as engine, engine.connect() as plain:
            conn = plain.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.execute(text("SET TRANSACTION READ ONLY"))
                exported = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                snapshot = snapshot_of(conn)  # the state pg_dump copies, to the row
                self._run([pg_dump, "--format=custom", "--snapshot", str(exported),
                           "--file", str(target), "--dbname", self.conninfo])
        return snapshot

    def load(self, source: Path) -> None:
        pg_restore = _tool("pg_restore")
        self._run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                   "--single-transaction", "--exit-on-error", "--dbname", self.conninfo, str(source)])

    def snapshot(self) -> Snapshot:
        with self._engine() as engine, engine.connect() as conn:
            return snapshot_of(conn)

    def log_state(self, at: int) -> LogState | None:
        with self._engine() as engine, engine.connect() as conn:
            return log_state_of(conn, at)

    def occupied(self) -> list[str]:
        with self._engine() as engine, engine.connect() as conn:
            quote = conn.dialect.identifier_preparer.quote
            names = sorted(inspect(conn).get_table_names())
            return [name for name in names if name not in BOOKKEEPING and conn.execute(
                text(f"SELECT EXISTS (SELECT 1 FROM {quote(name)})")).scalar_one()]

    @contextmanager
    def _engine(self) -> Iterator[Engine]:
        """An engine for this work only; a server that does not answer is named, not a traceback."""
        engine = make_engine(self.url)
        try:
            yield engine
        except OperationalError as exc:
            problem = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DomainError("backup.database_unreachable", location=_where_url(self.url),
                              problem=problem) from None
        finally:
            engine.dispose()

    def _run(self, argv: list[str]) -> None:
        tool = Path(argv[0]).name
        try:
            done = subprocess.run(argv, env=self.env, capture_output=True, text=True, check=False)
        except OSError as exc:
            raise DomainError("backup.tool_failed", tool=tool, code="—", detail=str(exc)) from None
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            raise DomainError("backup.tool_failed", tool=tool, code=done.returncode,
                              detail=" / ".join(lines[-3:]) or "—")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DomainError("backup.tool_missing", tool=name)
    return found
