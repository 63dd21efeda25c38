"""members: an index on (guild_id, onboarded_at)

Issue 17: every welcome-call step reads a guild's newcomers of the last days (those onboarded
within the wait target whom nobody met yet), and /mod overview those of the last 30 and 90
days; without the index each read scanned every active member of the guild.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_members_guild_onboarded", "members", ["guild_id", "onboarded_at"])


def downgrade() -> None:
    op.drop_index("ix_members_guild_onboarded", table_name="members")
