"""knowledge base: answers to consultations searched at intake, and the consultations answered

The search reads the entries' words, segmented by jieba and joined by spaces (``search_title``,
``search_body``): SQLite through an FTS5 table of its own (``knowledge_search``, ranked by bm25, the entry's scope
a token of its own column so that the index finds only the entries valid at the caller's place,
with the ``knowledge_search_terms`` vocabulary beside it),
PostgreSQL through a GIN index over their weighted tsvector (ranked by ts_rank), both created here
for their back-end only.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# the vector the PostgreSQL adapter searches, stored in knowledge_search_vector
PG_VECTOR = ("setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
             "setweight(to_tsvector('simple'::regconfig, search_body), 'B') || "
             "setweight(to_tsvector('simple'::regconfig, 'p' || scope), 'D')")


def upgrade() -> None:
    op.create_table('knowledge_entry',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=48), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('reviewed_by', sa.String(length=100), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('matter', sa.String(length=64), server_default='', nullable=False),
    sa.Column('keywords', sa.Text(), server_default='', nullable=False),
    sa.Column('search_title', sa.Text(), nullable=False),
    sa.Column('search_body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_entry'))
    )
    op.create_index('ix_knowledge_entry_owner', 'knowledge_entry', ['owner', 'id'], unique=False)
    op.create_index('ix_knowledge_entry_scope', 'knowledge_entry', ['scope'], unique=False)
    op.create_table('consultation',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('entry_id', sa.String(length=24), nullable=False),
    sa.Column('answered_by', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['knowledge_entry.id'],
                            name=op.f('fk_consultation_entry_id_knowledge_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation'))
    )
    op.create_index('ix_consultation_scope_at', 'consultation', ['scope', 'at'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE knowledge_search USING fts5("
                   "entry_id UNINDEXED, title, body, place, tokenize = 'unicode61')")
        # how many entries hold each word: a search leaves out the commonest words of a question
        op.execute("CREATE VIRTUAL TABLE knowledge_search_terms USING fts5vocab(knowledge_search, row)")
    else:
        # stored, so that ranking and the index's recheck read the vector instead of recomputing it
        op.execute(f"ALTER TABLE knowledge_entry ADD COLUMN knowledge_search_vector tsvector "
                   f"GENERATED ALWAYS AS ({PG_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_knowledge_search ON knowledge_entry USING gin (knowledge_search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE knowledge_search_terms")
        op.execute("DROP TABLE knowledge_search")
    op.drop_index('ix_consultation_scope_at', table_name='consultation')
    op.drop_table('consultation')
    op.drop_index('ix_knowledge_entry_scope', table_name='knowledge_entry')
    op.drop_index('ix_knowledge_entry_owner', table_name='knowledge_entry')
    op.drop_table('knowledge_entry')
