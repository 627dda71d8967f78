"""ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:45:35.150516
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_checkpoint',
    sa.Column('size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('root', sa.LargeBinary(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('size', name=op.f('pk_ledger_checkpoint'))
    )
    op.create_table('ledger_entry',
    sa.Column('idx', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('event_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('case_id', sa.String(length=40), nullable=True),
    sa.Column('signer', sa.String(length=48), nullable=False),
    sa.Column('leaf', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('idx', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('event_seq', name=op.f('uq_ledger_entry_event_seq'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entry_case_id'), ['case_id'], unique=False)

    op.create_table('ledger_node',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('idx', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('level', 'idx', name=op.f('pk_ledger_node'))
    )
    op.create_table('signing_key',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sealed_private', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_signing_key'))
    )
    op.create_table('witness_state',
    sa.Column('witness', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=128), nullable=False),
    sa.Column('size', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('root', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('witness', 'origin', name=op.f('pk_witness_state'))
    )
    _append_only()


APPEND_ONLY = ("ledger_entry", "ledger_node", "ledger_checkpoint")


def _append_only() -> None:
    """The log rows are append-only: triggers refuse updates and deletes (and verification catches
    anything done behind their back)."""
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        op.execute("CREATE FUNCTION liandong_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION liandong_append_only()")



def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS liandong_append_only()")
    op.drop_table('witness_state')
    op.drop_table('signing_key')
    op.drop_table('ledger_node')
    op.drop_table('ledger_entry')
    op.drop_table('ledger_checkpoint')
