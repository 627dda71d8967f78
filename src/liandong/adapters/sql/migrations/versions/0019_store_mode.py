"""store mode: a store initialised live (the default) or as a sandbox (演练库), recorded in the store

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # no row is written here: a store initialised before this revision is live (docs/decisions/0030)
    op.create_table('store_setting',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.CheckConstraint("name <> 'mode' OR value IN ('live', 'sandbox')",
                       name=op.f('ck_store_setting_mode_value')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_store_setting'))
    )


def downgrade() -> None:
    op.drop_table('store_setting')
