"""chat task kinds: neighbour and practice introductions, circle joins, leaves and closings

Every other step that follows a committed decision in Discord becomes a chat task too: two
neighbours who both said yes are introduced, practice partners are introduced, a member who joins
a circle is let in and welcomed, one who leaves is let out (the others told), and a circle
everyone left gets its last word and its moderators told. Nothing is backfilled: a step missed
before this revision stays missed (it was logged).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("introduction", "circle_space", "member_roles", "announcement")
AFTER = (
    *BEFORE,
    "neighbour_introduction",
    "practice_introduction",
    "circle_join",
    "circle_leave",
    "circle_close",
)


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
