"""the federation's joint handling (issue 27, decision 0053): the shared status of a case handed over
(every node's copy, the home's too) and the commands forwarded to a case's home node, both ways

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('federation_case',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('home', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('lead', sa.String(length=48), nullable=False),
    sa.Column('lead_node', sa.String(length=16), nullable=False),
    sa.Column('members', sa.Text(), nullable=False),
    sa.Column('ack_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_federation_case'))
    )
    op.create_table('federation_command',
    sa.Column('command_id', sa.String(length=160), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('peer', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('command', sa.String(length=48), nullable=False),
    sa.Column('actor', sa.String(length=48), nullable=False),
    sa.Column('ledger_index', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason_code', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('command_id', name=op.f('pk_federation_command')),
    sa.UniqueConstraint('ledger_index', name=op.f('uq_federation_command_ledger_index'))
    )
    op.create_index(op.f('ix_federation_command_case_id'), 'federation_command', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_federation_command_case_id'), table_name='federation_command')
    op.drop_table('federation_command')
    op.drop_table('federation_case')
