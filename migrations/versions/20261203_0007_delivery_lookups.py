"""delivery lookups: a check-in whose DM history cannot be read is looked up again later

A check-in sent by a dispatcher that died before recording it is settled from the member's
DM history. When that history cannot be read (Discord answers 5xx, or times out), the row
stays `sending` and the read is retried: `lookups` counts the failed reads and
`lookup_after` says when to try again. After a bounded number of reads it is given up as
not sent, never sent a second time.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("readiness_checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lookups", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("lookup_after", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("readiness_checkins", schema=None) as batch_op:
        batch_op.drop_column("lookup_after")
        batch_op.drop_column("lookups")
