"""tracking codes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 14:32:54.065654
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tracking_code',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_tracking_code_case_id_case_record')),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_tracking_code'))
    )


def downgrade() -> None:
    op.drop_table('tracking_code')
