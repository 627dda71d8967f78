"""The PostgreSQL server of the tests and fresh databases on it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

from sqlalchemy import Engine, text

PG_SERVER = os.environ.get("LIANDONG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
REQUIRE_PG = bool(os.environ.get("LIANDONG_REQUIRE_PG") or os.environ.get("CI"))


def fresh_database(pg_admin: Engine, prefix: str = "liandong_test") -> Iterator[str]:
    """The URL of a new database with a unique name, dropped once the caller is done."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with pg_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
