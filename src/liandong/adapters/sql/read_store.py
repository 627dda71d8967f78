"""Units of work for a command that only reads (``liandong org show``): no reference data, no holiday
files, no migration, and no store created where there is none."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from liandong.adapters.sql.engine import make_read_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.config import Settings
from liandong.services.ports import UnitOfWork


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
