"""the public steps of cases by time (issue 28): a partial index of ``case_event`` on the events a
public history names, by (at, case_id, case_version)

- ``ix_case_event_public_step``: Open311's ``servicerequestupdates`` reads the public steps taken
  in a window, in this order, from one range of it (``CaseReads.public_steps``), however long ago
  their cases were received; no other event is in it, so an event written costs an index entry only
  when it is a public step. The list is ``publication.PUBLIC_STEPS`` as of this revision, written
  out: a change of that list is a migration of its own.

Revision ID: 0040
Revises: 0034
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0040'
down_revision = '0034'
branch_labels = None
depends_on = None

_STEPS = ("type IN ('CaseReported', 'CaseDispatched', 'CaseAcknowledged', 'HandlingStarted', 'CaseEscalated', "
          "'CaseShelved', 'CaseResolved', 'CaseFollowedUp', 'CaseReopened', 'CaseClosed', 'CaseMerged')")


def upgrade() -> None:
    op.create_index('ix_case_event_public_step', 'case_event', ['at', 'case_id', 'case_version'],
                    unique=False, postgresql_where=sa.text(_STEPS), sqlite_where=sa.text(_STEPS))


def downgrade() -> None:
    op.drop_index('ix_case_event_public_step', table_name='case_event')
