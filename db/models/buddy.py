"""Peer buddies: two (or three) isolated members with no mentor in sight, introduced to each other.

A group is offered to each of its members and introduced only when every one said yes. Its
member rows say who was in it and how each answered; they are also the memory of who has been
together ("never the same pair twice"). A member who asked not to be offered a buddy has an
opt-out row. Every row goes with the member's data (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check, utcnow
from db.enums import Answer, BuddyFollowUp, BuddyStatus


class BuddyGroup(Base):
    """Two or three buddies: offered, then introduced (a private thread), then asked "did you talk?"."""

    __tablename__ = "buddy_groups"
    __table_args__ = (
        CheckConstraint(enum_check("status", BuddyStatus), name="status_known"),
        # The follow-ups due, and the offers that ran out.
        Index("ix_buddy_groups_status_followup_due_at", "status", "followup_due_at"),
        Index("ix_buddy_groups_status_offer_expires_at", "status", "offer_expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild_settings.guild_id", ondelete="CASCADE"), index=True
    )
    status: Mapped[BuddyStatus] = mapped_column(StrEnumType(BuddyStatus), default=BuddyStatus.OFFERED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offer_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    introduced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    followup_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BuddyMember(Base):
    """One member of one buddy group: their answer to the offer and to "did you talk?"."""

    __tablename__ = "buddy_members"
    __table_args__ = (
        UniqueConstraint("group_id", "member_id"),
        CheckConstraint(enum_check("answer", Answer), name="answer_known"),
        CheckConstraint(
            f"followup IS NULL OR {enum_check('followup', BuddyFollowUp)}", name="followup_known"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("buddy_groups.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    answer: Mapped[Answer] = mapped_column(StrEnumType(Answer), default=Answer.PENDING)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup: Mapped[BuddyFollowUp | None] = mapped_column(StrEnumType(BuddyFollowUp))
    followup_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BuddyOptOut(Base):
    """A member who said "don't offer me a buddy" (until they turn it back on with /buddy)."""

    __tablename__ = "buddy_opt_outs"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
