"""case read marks

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_read',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('department_code', sa.String(length=48), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_read_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', 'department_code', name=op.f('pk_case_read'))
    )


def downgrade() -> None:
    op.drop_table('case_read')
