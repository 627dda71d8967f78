"""SQLAlchemy Core tables. Alembic migrations create them; tests compare the two."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

jurisdiction = Table(
    "jurisdiction", metadata,
    Column("code", String(12), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("parent_code", String(12), ForeignKey("jurisdiction.code"), nullable=True),
    # Materialised path "100000/320000/320200/": ancestors by splitting, subtrees by prefix.
    Column("path", String(80), nullable=False),
    # Ancestors by level (NULL where the branch skips one): subtrees are an indexed equality.
    Column("province_code", String(12), nullable=True),
    Column("city_code", String(12), nullable=True),
    Column("county_code", String(12), nullable=True),
    CheckConstraint("level BETWEEN 0 AND 4", name="level_range"),
)
Index("ix_jurisdiction_parent", jurisdiction.c.parent_code)
Index("ix_jurisdiction_province", jurisdiction.c.province_code)
Index("ix_jurisdiction_city", jurisdiction.c.city_code)
Index("ix_jurisdiction_county", jurisdiction.c.county_code)
Index("ix_jurisdiction_name", jurisdiction.c.name)

department = Table(
    "department", metadata,
    Column("code", String(48), primary_key=True),
    Column("jurisdiction_code", String(12), ForeignKey("jurisdiction.code"), nullable=False),
    Column("system_code", String(32), nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("name", String(128), nullable=False),
    CheckConstraint("level BETWEEN 0 AND 4", name="level_range"),
)
Index("ix_department_jurisdiction", department.c.jurisdiction_code)
Index("ix_department_system_level", department.c.system_code, department.c.level)

reference_document = Table(
    "reference_document", metadata,
    Column("name", String(64), primary_key=True),
    Column("version", String(32), nullable=False),
    Column("content", Text, nullable=False),
)
