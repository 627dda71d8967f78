"""case fact: 事实表, a case's facts after each save, kept with its events

Existing cases get their rows here, derived from their events as if each had been saved alone
(``assessment.fact_rows.rows_of_stream``); from now on the case store writes a row with every save,
in the transaction of its events. ``liandong insight rebuild-facts`` derives them again.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from liandong.adapters.sql import facts
    from liandong.adapters.sql import tables as t
    from liandong.assessment.fact_rows import rows_of_stream

    op.create_table('case_fact',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('valid_from', t.UtcDateTime(), nullable=False),
    sa.Column('irregular', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_fact_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', 'version', name=op.f('pk_case_fact'))
    )
    facts.rebuild(op.get_bind(), rows_of_stream)


def downgrade() -> None:
    op.drop_table('case_fact')
