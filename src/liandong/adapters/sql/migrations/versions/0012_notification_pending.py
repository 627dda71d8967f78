"""notification pending: the relay reads the undelivered notices in order

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 02:40:00
"""

from __future__ import annotations

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_notification_pending', 'notification', ['delivered', 'seq'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notification_pending', table_name='notification')
