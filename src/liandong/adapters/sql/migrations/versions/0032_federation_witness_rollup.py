"""the federation's second slice (issue 27, decision 0050): fork alarms, national roll-up facts, and
the versions of the centre's reference data

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('federation_alarm',
    sa.Column('alarm_id', sa.String(length=160), nullable=False),
    sa.Column('accused', sa.String(length=16), nullable=False),
    sa.Column('raised_by', sa.String(length=16), nullable=False),
    sa.Column('size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('alarm_id', name=op.f('pk_federation_alarm'))
    )
    op.create_table('federation_fact',
    sa.Column('sender', sa.String(length=16), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.Column('msg_id', sa.String(length=160), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sender', 'day', 'unit', name=op.f('pk_federation_fact'))
    )
    op.create_table('federation_reference',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('version', sa.String(length=80), nullable=False),
    sa.Column('sender', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_federation_reference'))
    )


def downgrade() -> None:
    op.drop_table('federation_reference')
    op.drop_table('federation_fact')
    op.drop_table('federation_alarm')
