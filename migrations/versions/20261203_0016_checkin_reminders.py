"""check-in reminders: one reminder before an unanswered check-in counts as missed

Issue 18 item 14. A sent check-in gets `reminder_due_at` (a waking hour of the member's, a couple
of days before the next one falls due and this one counts as missed) and `reminded_at` (when the
one reminder was claimed to be sent: set once, never cleared by a send, so there is never a
second). The claim reads (status, reminder_due_at). Nothing is backfilled: check-ins sent before
this revision get no reminder.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("readiness_checkins") as batch:
        batch.add_column(sa.Column("reminder_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_readiness_checkins_status_reminder_due_at", ["status", "reminder_due_at"])


def downgrade() -> None:
    with op.batch_alter_table("readiness_checkins") as batch:
        batch.drop_index("ix_readiness_checkins_status_reminder_due_at")
        batch.drop_column("reminded_at")
        batch.drop_column("reminder_due_at")
