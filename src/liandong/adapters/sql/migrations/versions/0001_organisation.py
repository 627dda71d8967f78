"""organisation: jurisdictions, departments, reference documents

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28 12:53:11.664079
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jurisdiction',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=12), nullable=True),
    sa.Column('path', sa.String(length=80), nullable=False),
    sa.Column('province_code', sa.String(length=12), nullable=True),
    sa.Column('city_code', sa.String(length=12), nullable=True),
    sa.Column('county_code', sa.String(length=12), nullable=True),
    sa.CheckConstraint('level BETWEEN 0 AND 4', name=op.f('ck_jurisdiction_level_range')),
    sa.ForeignKeyConstraint(['parent_code'], ['jurisdiction.code'], name=op.f('fk_jurisdiction_parent_code_jurisdiction')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_jurisdiction'))
    )
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.create_index('ix_jurisdiction_city', ['city_code'], unique=False)
        batch_op.create_index('ix_jurisdiction_county', ['county_code'], unique=False)
        batch_op.create_index('ix_jurisdiction_name', ['name'], unique=False)
        batch_op.create_index('ix_jurisdiction_parent', ['parent_code'], unique=False)
        batch_op.create_index('ix_jurisdiction_province', ['province_code'], unique=False)

    op.create_table('reference_document',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_reference_document'))
    )
    op.create_table('department',
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('jurisdiction_code', sa.String(length=12), nullable=False),
    sa.Column('system_code', sa.String(length=32), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.CheckConstraint('level BETWEEN 0 AND 4', name=op.f('ck_department_level_range')),
    sa.ForeignKeyConstraint(['jurisdiction_code'], ['jurisdiction.code'], name=op.f('fk_department_jurisdiction_code_jurisdiction')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_department'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index('ix_department_jurisdiction', ['jurisdiction_code'], unique=False)
        batch_op.create_index('ix_department_system_level', ['system_code', 'level'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index('ix_department_system_level')
        batch_op.drop_index('ix_department_jurisdiction')

    op.drop_table('department')
    op.drop_table('reference_document')
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.drop_index('ix_jurisdiction_province')
        batch_op.drop_index('ix_jurisdiction_parent')
        batch_op.drop_index('ix_jurisdiction_name')
        batch_op.drop_index('ix_jurisdiction_county')
        batch_op.drop_index('ix_jurisdiction_city')

    op.drop_table('jurisdiction')
