"""town offers: members who gave only their region are offered, once by DM, to give their town

Now that the gazetteer knows every settlement of 500+ people, a member stored at region
precision may well find their town. One row per such active member, due now; the bot's tick
sends each once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "town_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('due', 'sending', 'sent', 'failed', 'cancelled')",
            name=op.f("ck_town_offers_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_town_offers_member_id_members"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_town_offers")),
        sa.UniqueConstraint("member_id", name=op.f("uq_town_offers_member_id")),
    )
    with op.batch_alter_table("town_offers", schema=None) as batch_op:
        batch_op.create_index("ix_town_offers_status_due_at", ["status", "due_at"], unique=False)
    # Every active member stored at region precision, one offer each, due now. Times are
    # written as the models write them: UTC (SQLite keeps the text, PostgreSQL the instant).
    if op.get_bind().dialect.name == "postgresql":
        now: sa.ColumnElement[object] = sa.func.now()
    else:  # the text SQLAlchemy writes for a datetime on SQLite: "2026-12-03 12:00:00.123000"
        now = sa.func.strftime("%Y-%m-%d %H:%M:%f000", "now")
    members = sa.table(
        "members",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("locale_id", sa.Integer),
    )
    locales = sa.table("locales", sa.column("id", sa.Integer), sa.column("precision", sa.String))
    offers = sa.table(
        "town_offers",
        sa.column("member_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("due_at", sa.DateTime),
        sa.column("attempts", sa.Integer),
        sa.column("created_at", sa.DateTime),
    )
    region_members = (
        sa.select(members.c.id, sa.literal("due"), now, sa.literal(0), now)
        .select_from(members.join(locales, members.c.locale_id == locales.c.id))
        .where(members.c.status == "active", locales.c.precision == "region")
    )
    op.execute(
        offers.insert().from_select(
            ["member_id", "status", "due_at", "attempts", "created_at"], region_members
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("town_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_town_offers_status_due_at")
    op.drop_table("town_offers")
