"""case photos: a report's photos, cleaned and re-encoded, their bytes kept by key in a blob store

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_photo',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('photo_key', sa.String(length=64), nullable=False),
    sa.Column('thumbnail_key', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_photo_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', 'photo_key', name=op.f('pk_case_photo'))
    )


def downgrade() -> None:
    op.drop_table('case_photo')
