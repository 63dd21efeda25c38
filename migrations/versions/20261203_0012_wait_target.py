"""the guild setting wait_target_days: how long a member should wait for a mentor at most

Past it (no mentor place expected sooner at the current rate), a waiting member is offered other
company meanwhile (issue 17). Default 7 days, 1 to 90.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wait_target_days", sa.Integer(), server_default=sa.text("7"), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_guild_settings_wait_target_days_valid"), "wait_target_days BETWEEN 1 AND 90"
        )


def downgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_guild_settings_wait_target_days_valid"), type_="check")
        batch_op.drop_column("wait_target_days")
