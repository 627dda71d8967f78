"""Alembic environment: runs on the connection handed over by liandong.adapters.sql.migrate."""

from __future__ import annotations

from alembic import context

from liandong.adapters.sql.migrate import include_name
from liandong.adapters.sql.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the alembic command line lands here
    from liandong.adapters.sql.engine import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True,
                          include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()
