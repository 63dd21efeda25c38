"""Welcome calls: group onboarding an organizer hosts every week for a time-zone band.

A call (`welcome_calls`) is the recurring plan: the host, the band of UTC offsets it serves, the
weekday and time in the host's zone, where it happens (a voice channel, or an external link) and
how many it takes. Each week is an occurrence (`welcome_call_occurrences`) with its Discord
scheduled event; each member invited to one has an invite row (their answer, the reminders sent,
whether they came, what they said afterwards); voice presence during a voice call is kept as rows
(`welcome_call_presence`, one per stay in the channel). Every row goes with the member's data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check, utcnow
from db.enums import CallAnswer, CallFeedback, CallOccurrenceStatus, WelcomeCallStatus


class WelcomeCall(Base):
    """A recurring welcome call: who hosts it, for which band, when and where."""

    __tablename__ = "welcome_calls"
    __table_args__ = (
        CheckConstraint(enum_check("status", WelcomeCallStatus), name="status_known"),
        CheckConstraint("band_low_minutes <= band_high_minutes", name="band_ordered"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_valid"),
        CheckConstraint("local_minute BETWEEN 0 AND 1439", name="local_minute_valid"),
        CheckConstraint("size BETWEEN 2 AND 25", name="size_valid"),
        CheckConstraint("duration_minutes BETWEEN 15 AND 240", name="duration_valid"),
        # Exactly one place: a voice channel, or an external link.
        CheckConstraint("(channel_id IS NULL) <> (location IS NULL)", name="one_place"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild_settings.guild_id", ondelete="CASCADE"), index=True
    )
    host_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[WelcomeCallStatus] = mapped_column(
        StrEnumType(WelcomeCallStatus), default=WelcomeCallStatus.ACTIVE
    )
    # The UTC offsets served, in minutes (UTC-8..-5: -480..-300), both ends included.
    band_low_minutes: Mapped[int] = mapped_column(Integer)
    band_high_minutes: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 Monday .. 6 Sunday, in the host's zone
    local_minute: Mapped[int] = mapped_column(Integer)  # minutes after midnight, in the host's zone
    timezone: Mapped[str] = mapped_column(String(64))  # the host's IANA zone
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)  # a voice channel
    location: Mapped[str | None] = mapped_column(String(100))  # an external link or place
    size: Mapped[int] = mapped_column(Integer)  # invites per occurrence at most
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WelcomeCallOccurrence(Base):
    """One week's call: its times, its Discord event, and how far it got."""

    __tablename__ = "welcome_call_occurrences"
    __table_args__ = (
        CheckConstraint(enum_check("status", CallOccurrenceStatus), name="status_known"),
        UniqueConstraint("call_id", "starts_at"),
        # The ticks: events to make, calls to start and end, by status and time.
        Index("ix_welcome_call_occurrences_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("welcome_calls.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    status: Mapped[CallOccurrenceStatus] = mapped_column(
        StrEnumType(CallOccurrenceStatus), default=CallOccurrenceStatus.SCHEDULED
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_id: Mapped[int | None] = mapped_column(BigInteger)  # the Discord scheduled event, once made
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    host_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # external: "who came?"
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WelcomeCallInvite(Base):
    """One member invited to one occurrence: their answer, reminders, attendance, feedback."""

    __tablename__ = "welcome_call_invites"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "member_id"),
        CheckConstraint(enum_check("answer", CallAnswer), name="answer_known"),
        CheckConstraint(f"feedback IS NULL OR {enum_check('feedback', CallFeedback)}", name="feedback_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("welcome_call_occurrences.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    answer: Mapped[CallAnswer] = mapped_column(StrEnumType(CallAnswer), default=CallAnswer.PENDING)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: the DM is still to send
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_day_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the 24 h reminder
    reminded_hour_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the 1 h reminder
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "how was it?" sent
    feedback: Mapped[CallFeedback | None] = mapped_column(StrEnumType(CallFeedback))
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WelcomeCallPresence(Base):
    """One stay of a member in a voice call's channel (VOICE_STATE_UPDATE in, then out)."""

    __tablename__ = "welcome_call_presence"
    __table_args__ = (Index("ix_welcome_call_presence_occurrence_member", "occurrence_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("welcome_call_occurrences.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: still there
