"""duty: 待办, what waits on which department, one row per duty ordered by deadline

The rows are the ``domain.duties`` of every case and instrument still waiting on someone, derived
here once by replaying their events (cases followed up, closed or merged, and instruments no
longer open, owe nothing and are not read); from now on the stores replace a subject's rows in the
transaction of its events.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:30:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from liandong.adapters.sql import tables as t
    from liandong.adapters.sql.duties import replace_duties
    from liandong.domain.cases import events as case_events
    from liandong.domain.cases.case import Case
    from liandong.domain.duties import case_duties, instrument_duties
    from liandong.domain.instruments import events as instrument_events
    from liandong.domain.instruments.instrument import Instrument

    op.create_table('duty',
    sa.Column('subject_id', sa.String(length=40), nullable=False),
    sa.Column('department_code', sa.String(length=48), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('ref', sa.String(length=40), server_default='', nullable=False),
    sa.Column('subject', sa.String(length=12), nullable=False),
    sa.Column('since_at', t.UtcDateTime(), nullable=False),
    sa.Column('due_at', t.UtcDateTime(), nullable=True),
    sa.Column('order_at', t.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('subject_id', 'department_code', 'kind', 'ref', name=op.f('pk_duty'))
    )
    conn = op.get_bind()
    waiting = sa.select(t.case_record.c.id).where(
        t.case_record.c.state.not_in(("followed_up", "closed", "merged")))
    e = t.case_event
    q = (sa.select(e.c.case_id, e.c.payload).where(e.c.case_id.in_(waiting))
         .order_by(e.c.case_id, e.c.case_version))
    current, stream = "", []
    for case_id, payload in [*conn.execute(q), (None, None)]:
        if case_id != current:
            if stream:
                replace_duties(conn, current, case_duties(Case.replay(current, stream).record), fresh=True)
            current, stream = case_id, []
        if payload is not None:
            stream.append(case_events.from_payload(json.loads(payload)))
    i = t.instrument_event
    q = (sa.select(i.c.instrument_id, i.c.payload)
         .where(i.c.instrument_id.in_(sa.select(t.instrument.c.id).where(t.instrument.c.state == "open")))
         .order_by(i.c.instrument_id, i.c.version))
    current, found = "", []
    for instrument_id, payload in [*conn.execute(q), (None, None)]:
        if instrument_id != current:
            if found:
                replace_duties(conn, current, instrument_duties(Instrument.replay(current, found).record),
                               fresh=True)
            current, found = instrument_id, []
        if payload is not None:
            found.append(instrument_events.from_payload(json.loads(payload)))
    # built once the rows are in: quicker than keeping it up to date row by row
    op.create_index('ix_duty_department_order', 'duty', ['department_code', 'order_at', 'subject_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_duty_department_order', table_name='duty')
    op.drop_table('duty')
