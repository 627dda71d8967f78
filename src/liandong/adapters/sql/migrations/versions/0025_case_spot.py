"""case spot: where each case is, for the portal's "already reported?" (已有人反映？)

One row per case: its matter now, its first place, its point (WGS-84 micro-degrees, from the
report's coordinates when it had them) and whether it takes a "me too" (taken in, not yet
resolved); indexed for the two range scans of the nearby query. Existing cases are filled in
here from their rows and their reports.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

_SUPPORTABLE = ("received", "dispatched", "returned", "acknowledged", "in_progress", "shelved")
"""``domain.nearby.SUPPORTABLE`` when this revision was written."""


def _point(text: str) -> tuple[int | None, int | None]:
    lat, _, lng = (text or "").partition(",")
    try:
        la, lo = float(lat), float(lng)
    except ValueError:
        return None, None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        return None, None
    return round(la * 1e6), round(lo * 1e6)


def upgrade() -> None:
    spot = op.create_table('case_spot',
    sa.Column('case_id', sa.String(length=40), nullable=False),
    sa.Column('matter', sa.String(length=64), nullable=False),
    sa.Column('place', sa.String(length=12), nullable=False),
    sa.Column('lat_e6', sa.Integer(), nullable=True),
    sa.Column('lng_e6', sa.Integer(), nullable=True),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_spot_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_spot'))
    )
    conn = op.get_bind()
    c = sa.table('case_record', sa.column('id'), sa.column('matter'), sa.column('state'))
    e = sa.table('case_event', sa.column('case_id'), sa.column('case_version'), sa.column('payload'))
    q = sa.select(c.c.id, c.c.matter, c.c.state, e.c.payload).join(
        e, (e.c.case_id == c.c.id) & (e.c.case_version == 1))
    rows = []
    for case_id, matter, state, payload in conn.execute(q):
        report = json.loads(payload)
        lat, lng = _point(str(report.get("coordinates") or ""))
        rows.append({"case_id": case_id, "matter": matter, "place": (report.get("affected") or [""])[0],
                     "lat_e6": lat, "lng_e6": lng, "open": state in _SUPPORTABLE})
        if len(rows) >= 5000:
            conn.execute(sa.insert(spot), rows)
            rows = []
    if rows:
        conn.execute(sa.insert(spot), rows)
    # built once the rows are in
    op.create_index('ix_case_spot_place', 'case_spot', ['matter', 'open', 'place', 'case_id'], unique=False)
    op.create_index('ix_case_spot_point', 'case_spot', ['matter', 'open', 'lat_e6', 'lng_e6'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_spot_point', table_name='case_spot')
    op.drop_index('ix_case_spot_place', table_name='case_spot')
    op.drop_table('case_spot')
