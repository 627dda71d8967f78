"""case salt: the salt of the ledger's commitments to a reporter's personal data

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_salt',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('salt', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_salt_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_salt'))
    )


def downgrade() -> None:
    op.drop_table('case_salt')
