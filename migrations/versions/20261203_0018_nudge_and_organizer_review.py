"""chat task kinds: a mentor nudged, an organizer posted for review

Issue 18: a mentee who answers "We haven't met yet" to the mentorship follow-up has their mentor
nudged too (`mentor_nudge`, subject the mentorship), and a member who offered to mentor and waits
for a moderator's confirmation is posted in the review channel with a Confirm button
(`organizer_review`, subject the member). Both are chat tasks, so a crash between the decision
and the message leaves work to retry. Nothing is backfilled.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "introduction",
    "circle_space",
    "member_roles",
    "announcement",
    "neighbour_introduction",
    "practice_introduction",
    "circle_join",
    "circle_leave",
    "circle_close",
    "buddy_introduction",
)
AFTER = (*BEFORE, "mentor_nudge", "organizer_review")
TASKS = sa.table("chat_tasks", sa.column("kind", sa.String))


def _kinds(kinds: tuple[str, ...]) -> None:
    values = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table("chat_tasks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_chat_tasks_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_chat_tasks_kind_known"), f"kind IN ({values})")


def upgrade() -> None:
    _kinds(AFTER)


def downgrade() -> None:
    op.execute(TASKS.delete().where(TASKS.c.kind.not_in(BEFORE)))
    _kinds(BEFORE)
