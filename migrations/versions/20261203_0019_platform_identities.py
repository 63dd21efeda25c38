"""platform identities: Matrix users, communities and rooms as first-class ids

Issue 19: groundwork on Matrix. The services take integer ids (Discord snowflakes); a Matrix
user (@alice:example.org), space or room (!abc:example.org) gets one `platform_identities` row
whose negative `local_id` is the integer the services use, so the same database holds Discord
and Matrix communities without one's ids ever taken for the other's. Nothing is backfilled.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "platform_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("local_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "platform IN ('discord', 'matrix')", name=op.f("ck_platform_identities_platform_known")
        ),
        sa.CheckConstraint(
            "kind IN ('user', 'community', 'room')", name=op.f("ck_platform_identities_kind_known")
        ),
        sa.CheckConstraint("local_id < 0", name=op.f("ck_platform_identities_local_id_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_identities")),
        sa.UniqueConstraint("local_id", name=op.f("uq_platform_identities_local_id")),
        sa.UniqueConstraint(
            "platform",
            "kind",
            "external_id",
            name=op.f("uq_platform_identities_platform_kind_external_id"),
        ),
    )


def downgrade() -> None:
    op.drop_table("platform_identities")
