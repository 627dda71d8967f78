"""case received index: reports by the time they came in (assessment periods, demand insight)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 03:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_record_received', 'case_record', ['received_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_record_received', table_name='case_record')
