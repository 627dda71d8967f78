"""the federation (issue 27, decision 0049): its outbox, the message ids handled and the hand-overs

Revision ID: 0031
Revises: 0026
Create Date: 2026-12-06 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('federation_outbox',
    sa.Column('msg_id', sa.String(length=160), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('msg_id', name=op.f('pk_federation_outbox'))
    )
    op.create_index('ix_federation_outbox_pending', 'federation_outbox', ['delivered'], unique=False)
    op.create_table('federation_received',
    sa.Column('msg_id', sa.String(length=160), nullable=False),
    sa.Column('sender', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason_code', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('msg_id', name=op.f('pk_federation_received'))
    )
    op.create_table('federation_handover',
    sa.Column('handover_id', sa.String(length=160), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('peer', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('origin_index', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ledger_index', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('envelope', sa.LargeBinary(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('handover_id', name=op.f('pk_federation_handover')),
    sa.UniqueConstraint('ledger_index', name=op.f('uq_federation_handover_ledger_index'))
    )
    op.create_index(op.f('ix_federation_handover_case_id'), 'federation_handover', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_federation_handover_case_id'), table_name='federation_handover')
    op.drop_table('federation_handover')
    op.drop_table('federation_received')
    op.drop_index('ix_federation_outbox_pending', table_name='federation_outbox')
    op.drop_table('federation_outbox')
