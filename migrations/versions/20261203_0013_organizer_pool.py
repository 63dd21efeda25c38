"""organizer suggestions, and the guild setting organizer_readiness

Growing the organizer pool (issue 17): a mentee whose readiness has risen and who logged local
activity is suggested to their mentor as a future organizer, once (a row per member); the mentor
endorses, the member says yes, a moderator confirms. `organizer_readiness` (default 4.0, 1 to 5)
is the average over the last two answered check-ins that suggests them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("suggested", "endorsed", "accepted", "confirmed", "not_yet", "declined", "not_now")


def upgrade() -> None:
    statuses = ", ".join(f"'{status}'" for status in STATUSES)
    op.create_table(
        "organizer_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("mentor_member_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("readiness", sa.Float(), nullable=False),
        sa.Column("suggested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("endorsed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("review_message_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(f"status IN ({statuses})", name=op.f("ck_organizer_suggestions_status_known")),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild_settings.guild_id"],
            name=op.f("fk_organizer_suggestions_guild_id_guild_settings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_organizer_suggestions_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_member_id"],
            ["members.id"],
            name=op.f("fk_organizer_suggestions_mentor_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizer_suggestions")),
        sa.UniqueConstraint("member_id", name=op.f("uq_organizer_suggestions_member_id")),
    )
    with op.batch_alter_table("organizer_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organizer_suggestions_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_organizer_suggestions_mentor_member_id"), ["mentor_member_id"], unique=False
        )
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("organizer_readiness", sa.Float(), server_default=sa.text("4.0"), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_guild_settings_organizer_readiness_valid"), "organizer_readiness BETWEEN 1 AND 5"
        )


def downgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_guild_settings_organizer_readiness_valid"), type_="check")
        batch_op.drop_column("organizer_readiness")
    with op.batch_alter_table("organizer_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizer_suggestions_mentor_member_id"))
        batch_op.drop_index(batch_op.f("ix_organizer_suggestions_guild_id"))
    op.drop_table("organizer_suggestions")
