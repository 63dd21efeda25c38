"""peer buddies: buddy groups, their members, opt-outs, and the buddy introduction chat task

Issue 17, "nobody waits alone": an isolated member with no mentor expected within the guild's
wait target is offered a buddy. `buddy_groups` holds each group of two or three (offered,
declined, introduced, ended, cancelled; its thread, its follow-up), `buddy_members` who was in
it and how each answered (also the memory of who has been together), `buddy_opt_outs` who asked
not to be offered one. Every row goes with a member's data. Chat tasks gain the kind
`buddy_introduction`.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TASK_KINDS = (
    "introduction",
    "circle_space",
    "member_roles",
    "announcement",
    "neighbour_introduction",
    "practice_introduction",
    "circle_join",
    "circle_leave",
    "circle_close",
)
BUDDY_TASK = "buddy_introduction"
TASKS = sa.table("chat_tasks", sa.column("kind", sa.String))


def _task_kinds(kinds: Sequence[str]) -> None:
    values = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table("chat_tasks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_chat_tasks_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_chat_tasks_kind_known"), f"kind IN ({values})")


def upgrade() -> None:
    op.create_table(
        "buddy_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("introduced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("followup_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followup_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('offered', 'declined', 'introduced', 'ended', 'cancelled')",
            name=op.f("ck_buddy_groups_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild_settings.guild_id"],
            name=op.f("fk_buddy_groups_guild_id_guild_settings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_groups")),
    )
    with op.batch_alter_table("buddy_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buddy_groups_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(
            "ix_buddy_groups_status_followup_due_at", ["status", "followup_due_at"], unique=False
        )
        batch_op.create_index(
            "ix_buddy_groups_status_offer_expires_at", ["status", "offer_expires_at"], unique=False
        )
    op.create_table(
        "buddy_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=32), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followup", sa.String(length=32), nullable=True),
        sa.Column("followup_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("answer IN ('pending', 'yes', 'no')", name=op.f("ck_buddy_members_answer_known")),
        sa.CheckConstraint(
            "followup IS NULL OR followup IN ('talked', 'not_yet', 'not_a_fit')",
            name=op.f("ck_buddy_members_followup_known"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["buddy_groups.id"],
            name=op.f("fk_buddy_members_group_id_buddy_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_buddy_members_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_members")),
        sa.UniqueConstraint("group_id", "member_id", name=op.f("uq_buddy_members_group_id_member_id")),
    )
    with op.batch_alter_table("buddy_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buddy_members_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_buddy_members_member_id"), ["member_id"], unique=False)
    op.create_table(
        "buddy_opt_outs",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_buddy_opt_outs_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_buddy_opt_outs")),
    )
    _task_kinds((*TASK_KINDS, BUDDY_TASK))


def downgrade() -> None:
    op.execute(TASKS.delete().where(TASKS.c.kind == BUDDY_TASK))
    _task_kinds(TASK_KINDS)
    op.drop_table("buddy_opt_outs")
    with op.batch_alter_table("buddy_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buddy_members_member_id"))
        batch_op.drop_index(batch_op.f("ix_buddy_members_group_id"))
    op.drop_table("buddy_members")
    with op.batch_alter_table("buddy_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_buddy_groups_status_offer_expires_at")
        batch_op.drop_index("ix_buddy_groups_status_followup_due_at")
        batch_op.drop_index(batch_op.f("ix_buddy_groups_guild_id"))
    op.drop_table("buddy_groups")
