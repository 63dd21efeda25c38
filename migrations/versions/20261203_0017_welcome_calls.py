"""welcome calls: recurring group calls for a time-zone band, their occurrences, invites, presence

Issue 17 item 3. `welcome_calls` is what an organizer hosts (band of UTC offsets, weekday and
time in their zone, a voice channel or an external link, a size); `welcome_call_occurrences` each
week's call with its Discord scheduled event; `welcome_call_invites` each member invited (answer,
24 h and 1 h reminders, attendance, the answer to "how was it?"); `welcome_call_presence` each stay
in a voice call's channel. The guild setting `welcome_call_size` (default 8, 2 to 25) caps a call.
Every row goes with a member's data.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, *, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def upgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("welcome_call_size", sa.Integer(), server_default=sa.text("8"), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_guild_settings_welcome_call_size_valid"), "welcome_call_size BETWEEN 2 AND 25"
        )
    op.create_table(
        "welcome_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("host_member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("band_low_minutes", sa.Integer(), nullable=False),
        sa.Column("band_high_minutes", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("local_minute", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("location", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('active', 'cancelled')", name=op.f("ck_welcome_calls_status_known")),
        sa.CheckConstraint(
            "band_low_minutes <= band_high_minutes", name=op.f("ck_welcome_calls_band_ordered")
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_welcome_calls_weekday_valid")),
        sa.CheckConstraint(
            "local_minute BETWEEN 0 AND 1439", name=op.f("ck_welcome_calls_local_minute_valid")
        ),
        sa.CheckConstraint("size BETWEEN 2 AND 25", name=op.f("ck_welcome_calls_size_valid")),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 15 AND 240", name=op.f("ck_welcome_calls_duration_valid")
        ),
        sa.CheckConstraint(
            "(channel_id IS NULL) <> (location IS NULL)", name=op.f("ck_welcome_calls_one_place")
        ),
        _fk("welcome_calls", "guild_id", "guild_settings.guild_id"),
        _fk("welcome_calls", "host_member_id", "members.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welcome_calls")),
    )
    with op.batch_alter_table("welcome_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welcome_calls_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_welcome_calls_host_member_id"), ["host_member_id"], unique=False)
    op.create_table(
        "welcome_call_occurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("host_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('scheduled', 'started', 'ended', 'closed', 'cancelled')",
            name=op.f("ck_welcome_call_occurrences_status_known"),
        ),
        _fk("welcome_call_occurrences", "call_id", "welcome_calls.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welcome_call_occurrences")),
        sa.UniqueConstraint(
            "call_id", "starts_at", name=op.f("uq_welcome_call_occurrences_call_id_starts_at")
        ),
    )
    with op.batch_alter_table("welcome_call_occurrences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welcome_call_occurrences_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_welcome_call_occurrences_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(
            "ix_welcome_call_occurrences_status_starts_at", ["status", "starts_at"], unique=False
        )
    op.create_table(
        "welcome_call_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=32), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_day_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_hour_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feedback", sa.String(length=32), nullable=True),
        sa.Column("feedback_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "answer IN ('pending', 'interested', 'cant_make_it')",
            name=op.f("ck_welcome_call_invites_answer_known"),
        ),
        sa.CheckConstraint(
            "feedback IS NULL OR feedback IN ('glad', 'okay', 'not_for_me')",
            name=op.f("ck_welcome_call_invites_feedback_known"),
        ),
        _fk("welcome_call_invites", "occurrence_id", "welcome_call_occurrences.id"),
        _fk("welcome_call_invites", "member_id", "members.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welcome_call_invites")),
        sa.UniqueConstraint(
            "occurrence_id", "member_id", name=op.f("uq_welcome_call_invites_occurrence_id_member_id")
        ),
    )
    with op.batch_alter_table("welcome_call_invites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welcome_call_invites_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_welcome_call_invites_occurrence_id"), ["occurrence_id"], unique=False
        )
    op.create_table(
        "welcome_call_presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        _fk("welcome_call_presence", "occurrence_id", "welcome_call_occurrences.id"),
        _fk("welcome_call_presence", "member_id", "members.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welcome_call_presence")),
    )
    with op.batch_alter_table("welcome_call_presence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welcome_call_presence_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "ix_welcome_call_presence_occurrence_member", ["occurrence_id", "member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("welcome_call_presence", schema=None) as batch_op:
        batch_op.drop_index("ix_welcome_call_presence_occurrence_member")
        batch_op.drop_index(batch_op.f("ix_welcome_call_presence_member_id"))
    op.drop_table("welcome_call_presence")
    with op.batch_alter_table("welcome_call_invites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welcome_call_invites_occurrence_id"))
        batch_op.drop_index(batch_op.f("ix_welcome_call_invites_member_id"))
    op.drop_table("welcome_call_invites")
    with op.batch_alter_table("welcome_call_occurrences", schema=None) as batch_op:
        batch_op.drop_index("ix_welcome_call_occurrences_status_starts_at")
        batch_op.drop_index(batch_op.f("ix_welcome_call_occurrences_guild_id"))
        batch_op.drop_index(batch_op.f("ix_welcome_call_occurrences_call_id"))
    op.drop_table("welcome_call_occurrences")
    with op.batch_alter_table("welcome_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welcome_calls_host_member_id"))
        batch_op.drop_index(batch_op.f("ix_welcome_calls_guild_id"))
    op.drop_table("welcome_calls")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_guild_settings_welcome_call_size_valid"), type_="check")
        batch_op.drop_column("welcome_call_size")
