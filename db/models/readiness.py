"""Readiness check-ins: when each falls due, and the member's answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check, utcnow
from db.enums import CheckInKind, CheckInStatus, ReadinessDimension

ONE_PENDING = "status IN ('scheduled', 'sending') AND kind = 'scheduled'"


class ReadinessCheckIn(Base):
    """One check-in of one member, from the moment it is scheduled to its answer."""

    __tablename__ = "readiness_checkins"
    __table_args__ = (
        CheckConstraint(enum_check("status", CheckInStatus), name="status_known"),
        CheckConstraint(enum_check("kind", CheckInKind), name="kind_known"),
        Index("ix_readiness_checkins_status_due_at", "status", "due_at"),
        # The reminder claim: sent check-ins whose one reminder falls due.
        Index("ix_readiness_checkins_status_reminder_due_at", "status", "reminder_due_at"),
        # Covers a member's check-ins in a time window with their status and kind (trends, response rates).
        Index("ix_readiness_checkins_member_due_at", "member_id", "due_at", "status", "kind"),
        # A member's check-ins by status (their last answered one, their open one): without it SQLite's
        # planner reaches for (status, due_at) and walks every answered check-in of the guild.
        Index("ix_readiness_checkins_member_status", "member_id", "status"),
        # At most one regular check-in waits to be sent per member: a second one would be a duplicate.
        Index(
            "uq_readiness_checkins_one_pending",
            "member_id",
            unique=True,
            sqlite_where=text(ONE_PENDING),
            postgresql_where=text(ONE_PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[CheckInKind] = mapped_column(StrEnumType(CheckInKind, 16), default=CheckInKind.SCHEDULED)
    status: Mapped[CheckInStatus] = mapped_column(
        StrEnumType(CheckInStatus, 16), default=CheckInStatus.SCHEDULED
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # How often a dispatcher claimed it; bounds retries of a delivery that keeps failing.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # A `sending` row whose send was never recorded is settled from the member's DM history.
    # When that history cannot be read, the row stays `sending`: `lookups` counts the failed
    # reads, `lookup_after` is when to read it again (bounded: then it is given up as not sent).
    lookups: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    lookup_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # One reminder before an unanswered check-in counts as missed: when it falls due (a waking
    # hour of the member's), and when it was claimed to be sent (set once: never a second one).
    reminder_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)  # "what did you do in your locale since last time?"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReadinessAnswer(Base):
    """A 1-5 self-rating on one readiness dimension."""

    __tablename__ = "readiness_answers"
    __table_args__ = (
        UniqueConstraint("checkin_id", "dimension"),
        CheckConstraint(enum_check("dimension", ReadinessDimension), name="dimension_known"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("readiness_checkins.id", ondelete="CASCADE"))
    dimension: Mapped[ReadinessDimension] = mapped_column(StrEnumType(ReadinessDimension, 32))
    score: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
