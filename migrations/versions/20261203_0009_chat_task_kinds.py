"""chat task kinds: circle channels, onboarding roles and announcements join introductions

The kinds a chat task may have widen from introductions alone to the other steps that follow a
committed decision in Discord. Nothing is backfilled: a circle opened before this revision
without a channel may have been given one by hand (moderators were told).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("introduction",)
AFTER = (*BEFORE, "circle_space", "member_roles", "announcement")


def _kinds(kinds: tuple[str, ...]) -> None:
    values = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table("chat_tasks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_chat_tasks_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_chat_tasks_kind_known"), f"kind IN ({values})")


TASKS = sa.table("chat_tasks", sa.column("kind", sa.String))


def upgrade() -> None:
    _kinds(AFTER)


def downgrade() -> None:
    op.execute(TASKS.delete().where(TASKS.c.kind.not_in(BEFORE)))
    _kinds(BEFORE)
