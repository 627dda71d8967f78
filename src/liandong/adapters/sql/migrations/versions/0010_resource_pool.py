"""resource pool

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('resource_holding',
    sa.Column('department_code', sa.String(length=48), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_resource_holding_quantity_not_negative')),
    sa.PrimaryKeyConstraint('department_code', 'item', name=op.f('pk_resource_holding'))
    )


def downgrade() -> None:
    op.drop_table('resource_holding')
