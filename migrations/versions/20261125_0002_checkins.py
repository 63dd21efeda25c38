"""check-ins: delivery attempts, one pending check-in per member, check-ins by member and status

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONE_PENDING = "status IN ('scheduled', 'sending') AND kind = 'scheduled'"


def upgrade() -> None:
    with op.batch_alter_table("readiness_checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.create_index("ix_readiness_checkins_member_status", ["member_id", "status"], unique=False)
        batch_op.create_index(
            "uq_readiness_checkins_one_pending",
            ["member_id"],
            unique=True,
            sqlite_where=sa.text(ONE_PENDING),
            postgresql_where=sa.text(ONE_PENDING),
        )


def downgrade() -> None:
    with op.batch_alter_table("readiness_checkins", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_readiness_checkins_one_pending",
            sqlite_where=sa.text(ONE_PENDING),
            postgresql_where=sa.text(ONE_PENDING),
        )
        batch_op.drop_index("ix_readiness_checkins_member_status")
        batch_op.drop_column("attempts")
