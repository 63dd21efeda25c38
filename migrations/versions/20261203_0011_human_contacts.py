"""human contacts: every introduction, circle joined, ... a member had, and `unattended_days`

Human contact becomes a tracked fact (issue 17): one row per member and event, unique per
(member, kind, subject) so a retried step records nothing twice, indexed by (member, at) for a
member's first contact and for the members who have none. The guild setting `unattended_days`
(default 7, 1 to 90) says after how many days without one a member is listed by /mod unattended.
Nothing is backfilled: contacts made before this revision are not known.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "mentor_introduction",
    "buddy_introduction",
    "neighbour_introduction",
    "practice_introduction",
    "circle_joined",
    "welcome_call",
    "reached_out",
)


def upgrade() -> None:
    kinds = ", ".join(f"'{kind}'" for kind in KINDS)
    op.create_table(
        "human_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("counterpart_member_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({kinds})", name=op.f("ck_human_contacts_kind_known")),
        sa.ForeignKeyConstraint(
            ["counterpart_member_id"],
            ["members.id"],
            name=op.f("fk_human_contacts_counterpart_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild_settings.guild_id"],
            name=op.f("fk_human_contacts_guild_id_guild_settings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_human_contacts_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_human_contacts")),
        sa.UniqueConstraint(
            "member_id", "kind", "subject_id", name=op.f("uq_human_contacts_member_id_kind_subject_id")
        ),
    )
    with op.batch_alter_table("human_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_human_contacts_counterpart_member_id"), ["counterpart_member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_human_contacts_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index("ix_human_contacts_member_at", ["member_id", "at"], unique=False)
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unattended_days", sa.Integer(), server_default=sa.text("7"), nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_guild_settings_unattended_days_valid"), "unattended_days BETWEEN 1 AND 90"
        )


def downgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_guild_settings_unattended_days_valid"), type_="check")
        batch_op.drop_column("unattended_days")
    with op.batch_alter_table("human_contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_human_contacts_member_at")
        batch_op.drop_index(batch_op.f("ix_human_contacts_guild_id"))
        batch_op.drop_index(batch_op.f("ix_human_contacts_counterpart_member_id"))
    op.drop_table("human_contacts")
