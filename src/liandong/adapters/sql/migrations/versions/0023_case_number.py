"""case number: 案件编号, a readable number per case (city, Beijing day, the day's sequence)

Existing cases are numbered here in the order they were received, from the places of their
reports; from now on the case store numbers each new case in the transaction of its report.

Revision ID: 0023
Revises: 0020
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from liandong.adapters.sql import tables as t
    from liandong.domain.cases.numbers import format_number, number_day, number_prefix

    op.create_table('case_number_day',
    sa.Column('prefix', sa.String(length=6), nullable=False),
    sa.Column('day', sa.String(length=8), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'day', name=op.f('pk_case_number_day'))
    )
    op.create_table('case_number',
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_number_case_id_case_record')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_case_number')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_number_case_id'))
    )
    conn = op.get_bind()
    c, e = t.case_record, t.case_event
    q = (sa.select(c.c.id, c.c.received_at, e.c.payload)
         .join(e, (e.c.case_id == c.c.id) & (e.c.case_version == 1))
         .order_by(c.c.received_at, c.c.id))
    last: dict[tuple[str, str], int] = {}
    rows = []
    for case_id, received_at, payload in conn.execute(q):
        prefix, day = number_prefix(json.loads(payload).get("affected", ())), number_day(received_at)
        last[prefix, day] = last.get((prefix, day), 0) + 1
        rows.append({"number": format_number(prefix, day, last[prefix, day]), "case_id": case_id})
        if len(rows) >= 5000:
            conn.execute(sa.insert(t.case_number), rows)
            rows = []
    if rows:
        conn.execute(sa.insert(t.case_number), rows)
    if last:
        conn.execute(sa.insert(t.case_number_day), [{"prefix": p, "day": d, "last": n}
                                                     for (p, d), n in last.items()])


def downgrade() -> None:
    op.drop_table('case_number')
    op.drop_table('case_number_day')
