"""case sum read: what the read marks add to 信息对称 (team_read_latest, read_lag_seconds, reads),
per place set, day of receipt and day of change, and without the day of change (decision 0052)

The sums are rebuilt here from the fact rows and the read marks (``adapters.sql.sums.rebuild``);
from now on the case store keeps them with every save and every ``mark_read``.

Revision ID: 0034
Revises: 0039
Create Date: 2026-12-06 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0034'
down_revision = '0039'
branch_labels = None
depends_on = None

_COLUMNS = ('team_read_latest', 'read_lag_seconds', 'reads')  # services.ports.sums.READ_COLUMNS, as of 0034


def upgrade() -> None:
    from liandong.adapters.sql import sums

    op.create_table('case_sum_read',
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('received_day', sa.String(length=10), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    *(sa.Column(name, sa.Float(), server_default='0', nullable=False) for name in _COLUMNS),
    sa.PrimaryKeyConstraint('places', 'received_day', 'day', name=op.f('pk_case_sum_read'))
    )
    op.create_index('ix_case_sum_read_received', 'case_sum_read', ['received_day', 'day'], unique=False)
    op.create_table('case_sum_read_now',
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('received_day', sa.String(length=10), nullable=False),
    *(sa.Column(name, sa.Float(), server_default='0', nullable=False) for name in _COLUMNS),
    sa.PrimaryKeyConstraint('places', 'received_day', name=op.f('pk_case_sum_read_now'))
    )
    sums.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table('case_sum_read_now')
    op.drop_index('ix_case_sum_read_received', table_name='case_sum_read')
    op.drop_table('case_sum_read')
