"""Members of a guild and what they told the bot about themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, StrEnumType, UTCDateTime, enum_check, utcnow
from db.enums import Experience, LocaleSharing, MemberStatus
from db.models.locale import Locale


class Member(Base):
    """One person in one guild. Personal fields are nulled when their data is deleted."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("guild_id", "user_id"),
        CheckConstraint(enum_check("status", MemberStatus), name="status_known"),
        CheckConstraint(enum_check("locale_sharing", LocaleSharing), name="sharing_known"),
        CheckConstraint(
            f"experience IS NULL OR {enum_check('experience', Experience)}", name="experience_known"
        ),
        CheckConstraint("mentor_capacity IS NULL OR mentor_capacity >= 0", name="mentor_capacity_valid"),
        CheckConstraint(
            "checkin_cadence_days IS NULL OR checkin_cadence_days IN (7, 14, 30)", name="cadence_known"
        ),
        CheckConstraint(
            "checkin_local_hour IS NULL OR checkin_local_hour BETWEEN 0 AND 23", name="checkin_hour_valid"
        ),
        CheckConstraint("missed_checkins >= 0", name="missed_checkins_valid"),
        Index("ix_members_guild_status", "guild_id", "status"),
        # From a place to the guild's active members there (nearness, circles).
        Index("ix_members_locale_guild_status", "locale_id", "guild_id", "status"),
        Index("ix_members_waiting_for_mentor", "guild_id", "mentor_requested_at"),
        # The newcomers of a window (welcome calls' fresh newcomers, /mod overview's onboarded).
        Index("ix_members_guild_onboarded", "guild_id", "onboarded_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild_settings.guild_id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[MemberStatus] = mapped_column(StrEnumType(MemberStatus, 16), default=MemberStatus.NEW)

    locale_id: Mapped[int | None] = mapped_column(ForeignKey("locales.id", ondelete="SET NULL"))
    locale_sharing: Mapped[LocaleSharing] = mapped_column(
        StrEnumType(LocaleSharing, 16), default=LocaleSharing.NOTHING
    )
    organizer_contact_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    neighbour_offers_muted: Mapped[bool] = mapped_column(Boolean, default=False)
    share_activity: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str | None] = mapped_column(String(64))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    experience: Mapped[Experience | None] = mapped_column(StrEnumType(Experience, 16))
    experience_note: Mapped[str | None] = mapped_column(Text)
    wants_to_mentor: Mapped[bool] = mapped_column(Boolean, default=False)
    mentor_capacity: Mapped[int | None] = mapped_column(Integer)
    paths: Mapped[list[str]] = mapped_column(JSON, default=list)

    is_isolated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set while the member waits for a mentor; the queue is ordered by it.
    mentor_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    checkin_cadence_days: Mapped[int | None] = mapped_column(Integer)  # None: the guild's default
    checkin_local_hour: Mapped[int | None] = mapped_column(Integer)
    checkins_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    checkins_paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    missed_checkins: Mapped[int] = mapped_column(Integer, default=0)
    dms_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    locale: Mapped[Locale | None] = relationship(lazy="raise")
