"""public moderation and keyed phone digests: reports the centre withholds from the public feed, a
partial index of the reports the public feed may list, and the reporters' phone digests keyed with
the platform secret

- ``case_record.public_withheld``: the centre (公开审核) took the report off the public feed
  (``PublicationWithheld`` until a ``PublicationRestored``); no stored case has been, so false.
- ``ix_case_record_public``: the consented, not withheld reports by time, newest first (the public
  list and the feeds read the latest of them).
- ``reporter_phone``: every row again, from the stored reports (``adapters.sql.phones.rebuild``):
  the rows 0026 wrote as plain SHA-256 digests are keyed (HMAC under a key derived from the platform
  secret), and the cases reported before 0026 get theirs, so that the tracking code's recovery
  finds them too. The secret comes from ``migrate.upgrade(…, secret=…)`` (``bootstrap`` gives it);
  without it the migration is refused when a stored report gives a phone.

Revision ID: 0030
Revises: 0026
Create Date: 2026-12-06 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = '0030'
down_revision = '0026'
branch_labels = None
depends_on = None

_PUBLIC = "public_consent AND NOT public_withheld"


def upgrade() -> None:
    from liandong.adapters.sql import phones

    op.add_column('case_record', sa.Column('public_withheld', sa.Boolean(), server_default=sa.false(),
                                           nullable=False))  # in place (SQLite too): no copy of the table
    op.create_index('ix_case_record_public', 'case_record', ['received_at', 'id'],
                    unique=False, postgresql_where=sa.text(_PUBLIC), sqlite_where=sa.text(_PUBLIC))
    phones.rebuild(op.get_bind(), context.config.attributes.get("platform_secret"))


def downgrade() -> None:
    op.drop_index('ix_case_record_public', table_name='case_record')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_column('public_withheld')
