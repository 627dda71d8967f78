"""the federation's shared cases reach the inboxes and its alarms the ledger (issue 27, decision 0056):
a shared case's duties (who owes what by when, as its home computes them), its matter, severity and
number beside its status; a fork alarm's ledger entry

Revision ID: 0039
Revises: 0036
Create Date: 2026-12-06 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0039'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('federation_case') as batch:
        batch.add_column(sa.Column('matter', sa.String(length=64), server_default='', nullable=False))
        batch.add_column(sa.Column('severity', sa.String(length=16), server_default='', nullable=False))
        batch.add_column(sa.Column('number', sa.String(length=40), server_default='', nullable=False))
        batch.add_column(sa.Column('duties', sa.Text(), server_default='[]', nullable=False))
    with op.batch_alter_table('federation_alarm') as batch:
        batch.add_column(sa.Column('ledger_index', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                   nullable=True))
        batch.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
        batch.create_unique_constraint(op.f('uq_federation_alarm_ledger_index'), ['ledger_index'])


def downgrade() -> None:
    with op.batch_alter_table('federation_alarm') as batch:
        batch.drop_constraint(op.f('uq_federation_alarm_ledger_index'), type_='unique')
        batch.drop_column('digest')
        batch.drop_column('ledger_index')
    with op.batch_alter_table('federation_case') as batch:
        for name in ('duties', 'number', 'severity', 'matter'):
            batch.drop_column(name)
