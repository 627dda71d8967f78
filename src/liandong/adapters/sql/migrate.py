"""Schema migrations with Alembic, run from code (``liandong init``) or the tests."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location",
                        str(resources.files("liandong.adapters.sql").joinpath("migrations")))
    return cfg


def upgrade(engine: Engine, revision: str = "head", *, secret: bytes | None = None) -> None:
    """Bring the schema to ``revision`` in one transaction. ``secret``: the platform secret, for the
    migrations that key data with it (0030, the reporters' phone digests; refused without it when
    there is something to key)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["platform_secret"] = secret
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


SEARCH_INDEXES = ("knowledge_search", "ix_knowledge_search")
"""Full-text indexes a migration creates for one back-end (an FTS5 table and its shadow tables on
SQLite, a GIN expression index on PostgreSQL): not in the declared tables, so not compared."""


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter when comparing the schema with the declared tables."""
    return not (name or "").startswith(SEARCH_INDEXES)
