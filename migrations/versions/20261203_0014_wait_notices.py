"""wait notices: what each member waiting for a mentor was last told about their wait

Honest waiting (issue 17 item 5): a member on the list hears where they stand when they ask,
and again when their rough wait moves (or every two weeks). One row per member who was told: the
rough wait (`bucket`), their place on the list, and when; gone with the member. Nothing is
backfilled: members already waiting have no row, so the first update tells them where they stand.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUCKETS = ("room", "week", "weeks", "unknown")


def upgrade() -> None:
    buckets = ", ".join(f"'{bucket}'" for bucket in BUCKETS)
    op.create_table(
        "wait_notices",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"bucket IN ({buckets})", name=op.f("ck_wait_notices_bucket_known")),
        sa.CheckConstraint("position >= 1", name=op.f("ck_wait_notices_position_valid")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_wait_notices_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_wait_notices")),
    )


def downgrade() -> None:
    op.drop_table("wait_notices")
