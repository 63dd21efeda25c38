"""The onboarding conversation's durable state: every answer is kept as it is given."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check, utcnow
from db.enums import OnboardingStatus


class OnboardingSession(Base):
    """One onboarding conversation; at most one is open per member."""

    __tablename__ = "onboarding_sessions"
    __table_args__ = (
        CheckConstraint(enum_check("status", OnboardingStatus), name="status_known"),
        Index(
            "uq_onboarding_sessions_one_open",
            "member_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_onboarding_sessions_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[OnboardingStatus] = mapped_column(
        StrEnumType(OnboardingStatus, 16), default=OnboardingStatus.OPEN
    )
    step: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Bumped on every answer, so a stale or doubled click cannot overwrite a newer one.
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Where the conversation runs: a DM channel, or a private thread when DMs are closed.
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    reminder_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
