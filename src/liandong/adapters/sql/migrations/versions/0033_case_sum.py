"""case sum: who sees a case by its record on each fact row (viewers); sums beside the 事实表 (per place set, day of receipt, day of change), the pending
deadlines by day, the cases waiting on a deadline now and the cases left out (decision 0045)

Filled here from the existing fact rows (``adapters.sql.sums.rebuild``); from now on the case
store keeps them with every save, in the transaction of its events.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from liandong.adapters.sql import sums
    from liandong.adapters.sql import tables as t
    from liandong.services.ports.sums import SUM_COLUMNS

    op.create_table('case_sum',
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('received_day', sa.String(length=10), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    *(sa.Column(name, sa.Float(), server_default='0', nullable=False) for name in SUM_COLUMNS),
    sa.PrimaryKeyConstraint('places', 'received_day', 'day', name=op.f('pk_case_sum'))
    )
    op.create_index('ix_case_sum_received', 'case_sum', ['received_day', 'day'], unique=False)
    op.create_table('case_sum_now',
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('received_day', sa.String(length=10), nullable=False),
    *(sa.Column(name, sa.Float(), server_default='0', nullable=False) for name in SUM_COLUMNS),
    sa.PrimaryKeyConstraint('places', 'received_day', name=op.f('pk_case_sum_now'))
    )
    op.create_table('case_sum_team_now',
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('received_day', sa.String(length=10), nullable=False),
    sa.Column('team_units', sa.String(length=400), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('places', 'received_day', 'team_units', 'major', name=op.f('pk_case_sum_team_now'))
    )
    op.create_table('case_sum_due',
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('received_day', sa.String(length=10), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('due_day', sa.String(length=10), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('places', 'received_day', 'day', 'kind', 'due_day', name=op.f('pk_case_sum_due'))
    )
    op.create_index('ix_case_sum_due_received', 'case_sum_due', ['received_day', 'due_day'], unique=False)
    op.create_table('case_sum_team',
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('received_day', sa.String(length=10), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('team_units', sa.String(length=400), nullable=False),
    sa.Column('major', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('places', 'received_day', 'day', 'team_units', 'major', name=op.f('pk_case_sum_team'))
    )
    op.create_index('ix_case_sum_team_received', 'case_sum_team', ['received_day', 'day'], unique=False)
    op.create_table('case_pending',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('due_at', t.UtcDateTime(), nullable=False),
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('received_day', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('case_id', 'seq', name=op.f('pk_case_pending'))
    )
    op.create_index('ix_case_pending_due', 'case_pending', ['received_day', 'due_at'], unique=False)
    op.create_table('case_sum_skip',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('received_at', t.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_sum_skip'))
    )
    op.create_index('ix_case_sum_skip_received', 'case_sum_skip', ['received_at'], unique=False)
    op.add_column('case_fact', sa.Column('viewers', sa.Text(), nullable=True))  # NULL: replayed to see
    sums.rebuild(op.get_bind(), reads=False)  # the read-mark sums' tables come with 0034


def downgrade() -> None:
    op.drop_column('case_fact', 'viewers')
    for name in ('case_sum_skip', 'case_pending', 'case_sum_team_now', 'case_sum_team', 'case_sum_due',
                 'case_sum_now', 'case_sum'):
        op.drop_table(name)
