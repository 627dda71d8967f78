"""public tiles: the salt of the ledger's commitments to an instrument's texts (leaf version 3)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instrument_salt',
    sa.Column('instrument_id', sa.String(length=40), nullable=False),
    sa.Column('salt', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_instrument_salt_instrument_id_instrument')),
    sa.PrimaryKeyConstraint('instrument_id', name=op.f('pk_instrument_salt'))
    )


def downgrade() -> None:
    op.drop_table('instrument_salt')
