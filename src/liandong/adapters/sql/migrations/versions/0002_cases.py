"""cases: records, events, members, outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:16:57.907081
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_record',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('matter', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('owner_code', sa.String(length=12), nullable=True),
    sa.Column('lead_code', sa.String(length=48), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=True),
    sa.CheckConstraint("state IN ('received', 'dispatched', 'acknowledged', 'in_progress', 'resolved', 'followed_up', 'closed', 'returned', 'shelved', 'merged')", name=op.f('ck_case_record_state_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_record')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_case_record_idempotency_key'))
    )
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_index('ix_case_record_open_due', ['is_open', 'due_at'], unique=False)

    op.create_table('case_event',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=48), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_event_case_id_case_record')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_case_event')),
    sa.UniqueConstraint('case_id', 'case_version', name='uq_case_event_case_version')
    )
    op.create_table('case_member',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('department_code', sa.String(length=48), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_member_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', 'department_code', name=op.f('pk_case_member'))
    )
    with op.batch_alter_table('case_member', schema=None) as batch_op:
        batch_op.create_index('ix_case_member_department', ['department_code'], unique=False)

    op.create_table('outbox',
    sa.Column('event_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['event_seq'], ['case_event.seq'], name=op.f('fk_outbox_event_seq_case_event')),
    sa.PrimaryKeyConstraint('event_seq', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_pending', ['delivered'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')

    op.drop_table('outbox')
    with op.batch_alter_table('case_member', schema=None) as batch_op:
        batch_op.drop_index('ix_case_member_department')

    op.drop_table('case_member')
    op.drop_table('case_event')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index('ix_case_record_open_due')

    op.drop_table('case_record')
