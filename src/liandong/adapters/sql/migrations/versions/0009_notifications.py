"""notifications outbox

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 23:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('department_code', sa.String(length=48), nullable=False),
    sa.Column('subject_id', sa.String(length=40), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_notification'))
    )
    op.create_index('ix_notification_department', 'notification', ['department_code', 'seq'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notification_department', table_name='notification')
    op.drop_table('notification')
