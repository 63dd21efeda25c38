"""nearness indexes: from places to the members who live there

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("locales", schema=None) as batch_op:
        batch_op.drop_index("ix_locales_country_code")
        batch_op.create_index("ix_locales_country_region", ["country_code", "region_code"], unique=False)
        batch_op.create_index(
            "ix_locales_city_position", ["precision", "latitude", "longitude"], unique=False
        )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_locale_id")
        batch_op.create_index(
            "ix_members_locale_guild_status", ["locale_id", "guild_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_locale_guild_status")
        batch_op.create_index("ix_members_locale_id", ["locale_id"], unique=False)
    with op.batch_alter_table("locales", schema=None) as batch_op:
        batch_op.drop_index("ix_locales_city_position")
        batch_op.drop_index("ix_locales_country_region")
        batch_op.create_index("ix_locales_country_code", ["country_code"], unique=False)
