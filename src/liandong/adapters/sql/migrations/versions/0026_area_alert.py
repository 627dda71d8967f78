"""area alerts (e-mail addresses told of new public reports in an area, confirmed by a link) and the
cases a phone number reported (by its digest: the tracking code's recovery)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('area_alert',
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('area', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('token_digest', name=op.f('pk_area_alert')),
    sa.UniqueConstraint('email', 'area', name=op.f('uq_area_alert_email'))
    )
    op.create_index('ix_area_alert_area', 'area_alert', ['area'], unique=False)
    op.create_table('reporter_phone',
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_reporter_phone_case_id_case_record')),
    sa.PrimaryKeyConstraint('phone_hash', 'case_id', name=op.f('pk_reporter_phone'))
    )


def downgrade() -> None:
    op.drop_table('reporter_phone')
    op.drop_index('ix_area_alert_area', table_name='area_alert')
    op.drop_table('area_alert')
