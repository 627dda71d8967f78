"""case fact fair: what the fair rules read of a case's events (decision 0051) on each fact row

The clock stops' lateness and stopped waits of the resolution and of each assist part, and the
centre's finding (``assessment.fair_facts``), filled here for the existing rows from the events; from
now on the case store writes them with every save.

Revision ID: 0035
Revises: 0033
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0035'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from liandong.adapters.sql import facts
    from liandong.assessment.fair_facts import after_versions

    op.add_column('case_fact', sa.Column('fair', sa.Text(), nullable=True))  # NULL: read the events
    facts.fill_fair(op.get_bind(), after_versions)


def downgrade() -> None:
    op.drop_column('case_fact', 'fair')
