"""case place: every place a case affects, so that a scope's cases are read by place

One row per (case, unit code): the ``affected`` of the report and the ``added`` of every
扩大范围 (ScopeWidened), backfilled here from the stored events with the database's own JSON
functions (no event is decoded in Python, so large stores migrate quickly).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# the list of unit codes in the payload of each event type that adds places
_KEY = "CASE e.type WHEN 'CaseReported' THEN 'affected' ELSE 'added' END"
_TYPES = "e.type IN ('CaseReported', 'ScopeWidened')"


def upgrade() -> None:
    op.create_table('case_place',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('unit_code', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_place_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', 'unit_code', name=op.f('pk_case_place'))
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT OR IGNORE INTO case_place (case_id, unit_code) "
                   f"SELECT e.case_id, p.value FROM case_event e, json_each(e.payload, '$.' || {_KEY}) p "
                   f"WHERE {_TYPES}")
    else:
        op.execute("INSERT INTO case_place (case_id, unit_code) "
                   "SELECT e.case_id, p.code FROM case_event e "
                   f"CROSS JOIN LATERAL jsonb_array_elements_text(e.payload::jsonb -> ({_KEY})) AS p(code) "
                   f"WHERE {_TYPES} ON CONFLICT DO NOTHING")
    # built once the rows are in: quicker than keeping it up to date row by row
    op.create_index('ix_case_place_unit', 'case_place', ['unit_code', 'case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_place_unit', table_name='case_place')
    op.drop_table('case_place')
