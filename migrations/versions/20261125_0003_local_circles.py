"""local circles: neighbour offers and introductions, circles and their members, practice
requests and pairings, the activity log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "circles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("radius_km", sa.Float(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("is_thread", sa.Boolean(), nullable=False),
        sa.Column("review_message_id", sa.BigInteger(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'rejected', 'open', 'closed')", name=op.f("ck_circles_status_known")
        ),
        sa.CheckConstraint("radius_km > 0", name=op.f("ck_circles_radius_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circles")),
    )
    with op.batch_alter_table("circles", schema=None) as batch_op:
        batch_op.create_index("ix_circles_guild_status", ["guild_id", "status"], unique=False)

    op.create_table(
        "practice_pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("suggested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("followup_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followup_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_pairings")),
    )
    with op.batch_alter_table("practice_pairings", schema=None) as batch_op:
        batch_op.create_index("ix_practice_pairings_followup_due_at", ["followup_due_at"], unique=False)

    op.create_table(
        "activity_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('talked_to_neighbours', 'attended_meeting', 'filed_papers', 'started_group', 'practice_call', 'other')",
            name=op.f("ck_activity_entries_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_activity_entries_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_entries")),
    )
    with op.batch_alter_table("activity_entries", schema=None) as batch_op:
        batch_op.create_index("ix_activity_entries_guild_at", ["guild_id", "at"], unique=False)
        batch_op.create_index("ix_activity_entries_member_at", ["member_id", "at"], unique=False)

    op.create_table(
        "circle_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('member', 'organizer')", name=op.f("ck_circle_members_role_known")),
        sa.CheckConstraint(
            "status IN ('proposed', 'offered', 'joined', 'declined', 'left')",
            name=op.f("ck_circle_members_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circles.id"],
            name=op.f("fk_circle_members_circle_id_circles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_circle_members_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_members")),
        sa.UniqueConstraint("circle_id", "member_id", name=op.f("uq_circle_members_circle_id_member_id")),
    )
    with op.batch_alter_table("circle_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circle_members_circle_id"), ["circle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_circle_members_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "uq_circle_members_one_circle",
            ["member_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('proposed', 'offered', 'joined') AND role = 'member'"),
            postgresql_where=sa.text("status IN ('proposed', 'offered', 'joined') AND role = 'member'"),
        )

    op.create_table(
        "neighbour_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("neighbours", sa.Integer(), nullable=False),
        sa.Column("radius_km", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'not_now', 'muted')",
            name=op.f("ck_neighbour_offers_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_neighbour_offers_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbour_offers")),
    )
    with op.batch_alter_table("neighbour_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_neighbour_offers_member_id"), ["member_id"], unique=False)

    op.create_table(
        "practice_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("happened", sa.Boolean(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'paired', 'cancelled')", name=op.f("ck_practice_requests_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_practice_requests_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["practice_pairings.id"],
            name=op.f("fk_practice_requests_pairing_id_practice_pairings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_requests")),
    )
    with op.batch_alter_table("practice_requests", schema=None) as batch_op:
        batch_op.create_index("ix_practice_requests_guild_status", ["guild_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_requests_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_requests_pairing_id"), ["pairing_id"], unique=False)
        batch_op.create_index(
            "uq_practice_requests_one_waiting",
            ["member_id"],
            unique=True,
            sqlite_where=sa.text("status = 'waiting'"),
            postgresql_where=sa.text("status = 'waiting'"),
        )

    op.create_table(
        "neighbour_introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("neighbour_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("requester_answer", sa.String(length=32), nullable=False),
        sa.Column("neighbour_answer", sa.String(length=32), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("introduced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "neighbour_answer IN ('pending', 'yes', 'no')",
            name=op.f("ck_neighbour_introductions_neighbour_answer_known"),
        ),
        sa.CheckConstraint(
            "requester_answer IN ('pending', 'yes', 'no')",
            name=op.f("ck_neighbour_introductions_requester_answer_known"),
        ),
        sa.CheckConstraint(
            "status IN ('asked', 'introduced', 'declined', 'cancelled')",
            name=op.f("ck_neighbour_introductions_status_known"),
        ),
        sa.CheckConstraint("requester_id <> neighbour_id", name=op.f("ck_neighbour_introductions_not_self")),
        sa.ForeignKeyConstraint(
            ["neighbour_id"],
            ["members.id"],
            name=op.f("fk_neighbour_introductions_neighbour_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["neighbour_offers.id"],
            name=op.f("fk_neighbour_introductions_offer_id_neighbour_offers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["members.id"],
            name=op.f("fk_neighbour_introductions_requester_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbour_introductions")),
        sa.UniqueConstraint(
            "requester_id", "neighbour_id", name=op.f("uq_neighbour_introductions_requester_id_neighbour_id")
        ),
    )
    with op.batch_alter_table("neighbour_introductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_neighbour_introductions_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index(
            "ix_neighbour_introductions_neighbour_status", ["neighbour_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("neighbour_introductions", schema=None) as batch_op:
        batch_op.drop_index("ix_neighbour_introductions_neighbour_status")
        batch_op.drop_index(batch_op.f("ix_neighbour_introductions_guild_id"))

    op.drop_table("neighbour_introductions")
    with op.batch_alter_table("practice_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_practice_requests_one_waiting",
            sqlite_where=sa.text("status = 'waiting'"),
            postgresql_where=sa.text("status = 'waiting'"),
        )
        batch_op.drop_index(batch_op.f("ix_practice_requests_pairing_id"))
        batch_op.drop_index(batch_op.f("ix_practice_requests_member_id"))
        batch_op.drop_index("ix_practice_requests_guild_status")

    op.drop_table("practice_requests")
    with op.batch_alter_table("neighbour_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_neighbour_offers_member_id"))

    op.drop_table("neighbour_offers")
    with op.batch_alter_table("circle_members", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_circle_members_one_circle",
            sqlite_where=sa.text("status IN ('proposed', 'offered', 'joined') AND role = 'member'"),
            postgresql_where=sa.text("status IN ('proposed', 'offered', 'joined') AND role = 'member'"),
        )
        batch_op.drop_index(batch_op.f("ix_circle_members_member_id"))
        batch_op.drop_index(batch_op.f("ix_circle_members_circle_id"))

    op.drop_table("circle_members")
    with op.batch_alter_table("activity_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_entries_member_at")
        batch_op.drop_index("ix_activity_entries_guild_at")

    op.drop_table("activity_entries")
    with op.batch_alter_table("practice_pairings", schema=None) as batch_op:
        batch_op.drop_index("ix_practice_pairings_followup_due_at")

    op.drop_table("practice_pairings")
    with op.batch_alter_table("circles", schema=None) as batch_op:
        batch_op.drop_index("ix_circles_guild_status")

    op.drop_table("circles")
