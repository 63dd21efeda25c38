"""Experienced organizers and the mentorships that pair them with members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check, utcnow
from db.enums import MentorshipEndReason, MentorshipStatus, OrganizerStatus


class Organizer(Base):
    """A member who mentors others, up to a capacity."""

    __tablename__ = "organizers"
    __table_args__ = (
        CheckConstraint(enum_check("status", OrganizerStatus), name="status_known"),
        CheckConstraint("capacity >= 0", name="capacity_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    status: Mapped[OrganizerStatus] = mapped_column(
        StrEnumType(OrganizerStatus, 16), default=OrganizerStatus.PENDING
    )
    capacity: Mapped[int] = mapped_column(Integer, default=2)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_by: Mapped[int | None] = mapped_column(BigInteger)  # user id; None when they offered themselves
    confirmed_by: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


OPEN_MENTORSHIP = "status IN ('proposed', 'active')"


class Mentorship(Base):
    """A member paired with an organizer: proposed, then active once introduced, then ended."""

    __tablename__ = "mentorships"
    __table_args__ = (
        CheckConstraint(enum_check("status", MentorshipStatus), name="status_known"),
        CheckConstraint(
            f"end_reason IS NULL OR {enum_check('end_reason', MentorshipEndReason)}", name="end_reason_known"
        ),
        CheckConstraint("member_id <> mentor_id", name="not_self"),
        Index(
            "uq_mentorships_one_open_per_member",
            "member_id",
            unique=True,
            sqlite_where=text(OPEN_MENTORSHIP),
            postgresql_where=text(OPEN_MENTORSHIP),
        ),
        Index("ix_mentorships_mentor_status", "mentor_id", "status"),
        Index("ix_mentorships_status_followup_due_at", "status", "followup_due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    # The organizer's own member row, so "not with themselves" is a plain CHECK.
    mentor_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[MentorshipStatus] = mapped_column(
        StrEnumType(MentorshipStatus, 16), default=MentorshipStatus.PROPOSED
    )
    source: Mapped[str] = mapped_column(String(16))  # "instant", "batch" or "manual"
    cost: Mapped[float | None] = mapped_column(Float)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    review_message_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    introduced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[int | None] = mapped_column(BigInteger)
    end_reason: Mapped[MentorshipEndReason | None] = mapped_column(StrEnumType(MentorshipEndReason, 24))


class MentorshipEvent(Base):
    """The history of a mentorship: every change of state, with who made it."""

    __tablename__ = "mentorship_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event: Mapped[str] = mapped_column(String(32))  # "proposed", "approved", "feedback:going_well", ...
    actor_id: Mapped[int | None] = mapped_column(BigInteger)  # None: the bot itself
    note: Mapped[str | None] = mapped_column(Text)
