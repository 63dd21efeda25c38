"""chat tasks: the durable outbox of chat-side steps that follow a committed decision

An introduction (and later other "do this in Discord after the commit" steps) becomes a row
written with the decision, claimed under a lease, retried with backoff and, when it keeps
failing, marked failed and shown to moderators. Mentorships approved before this revision and
never introduced (the process died after the approval) get their introduction task now.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_TASK = "done_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "chat_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("result_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_chat_tasks_attempts_valid")),
        sa.CheckConstraint("kind IN ('introduction')", name=op.f("ck_chat_tasks_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_tasks")),
    )
    with op.batch_alter_table("chat_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_tasks_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(
            "ix_chat_tasks_open_due_at",
            ["due_at"],
            unique=False,
            sqlite_where=sa.text(OPEN_TASK),
            postgresql_where=sa.text(OPEN_TASK),
        )
        batch_op.create_index(
            "uq_chat_tasks_open_kind_subject",
            ["kind", "subject_id"],
            unique=True,
            sqlite_where=sa.text(OPEN_TASK),
            postgresql_where=sa.text(OPEN_TASK),
        )
    # Pairings approved and never introduced: their introduction is due now.
    if op.get_bind().dialect.name == "postgresql":
        now: sa.ColumnElement[object] = sa.func.now()
    else:  # the text SQLAlchemy writes for a datetime on SQLite
        now = sa.func.strftime("%Y-%m-%d %H:%M:%f000", "now")
    mentorships = sa.table(
        "mentorships",
        sa.column("id", sa.Integer),
        sa.column("guild_id", sa.BigInteger),
        sa.column("status", sa.String),
        sa.column("introduced_at", sa.DateTime),
    )
    tasks = sa.table(
        "chat_tasks",
        sa.column("guild_id", sa.BigInteger),
        sa.column("kind", sa.String),
        sa.column("subject_id", sa.Integer),
        sa.column("due_at", sa.DateTime),
        sa.column("attempts", sa.Integer),
        sa.column("created_at", sa.DateTime),
    )
    stuck = sa.select(
        mentorships.c.guild_id, sa.literal("introduction"), mentorships.c.id, now, sa.literal(0), now
    ).where(mentorships.c.status == "active", mentorships.c.introduced_at.is_(None))
    op.execute(
        tasks.insert().from_select(
            ["guild_id", "kind", "subject_id", "due_at", "attempts", "created_at"], stuck
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("chat_tasks", schema=None) as batch_op:
        batch_op.drop_index("uq_chat_tasks_open_kind_subject")
        batch_op.drop_index("ix_chat_tasks_open_due_at")
        batch_op.drop_index(batch_op.f("ix_chat_tasks_guild_id"))
    op.drop_table("chat_tasks")
