"""linkage instruments

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instrument',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('issuer', sa.String(length=48), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument'))
    )
    op.create_index('ix_instrument_open_due', 'instrument', ['state', 'due_at'], unique=False)
    op.create_table('instrument_event',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('instrument_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=48), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_instrument_event_instrument_id_instrument')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_instrument_event')),
    sa.UniqueConstraint('instrument_id', 'version', name='uq_instrument_event_version')
    )
    op.create_table('instrument_party',
    sa.Column('instrument_id', sa.String(length=40), nullable=False),
    sa.Column('department_code', sa.String(length=48), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_instrument_party_instrument_id_instrument')),
    sa.PrimaryKeyConstraint('instrument_id', 'department_code', name=op.f('pk_instrument_party'))
    )
    op.create_index('ix_instrument_party_department', 'instrument_party', ['department_code'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_instrument_party_department', table_name='instrument_party')
    op.drop_table('instrument_party')
    op.drop_table('instrument_event')
    op.drop_index('ix_instrument_open_due', table_name='instrument')
    op.drop_table('instrument')
