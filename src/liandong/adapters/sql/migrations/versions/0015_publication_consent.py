"""publication consent: whether the reporter agreed that the description, personal data removed,
may be shown publicly (default: not public; every case stored before keeps its text unpublished)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN on every back-end (a batch copy of case_record would trip the foreign keys
    # that point at it on SQLite)
    op.add_column('case_record', sa.Column('public_consent', sa.Boolean(), nullable=False,
                                           server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('case_record') as batch:
        batch.drop_column('public_consent')
