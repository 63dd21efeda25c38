"""Per-guild settings that moderators change with /mod settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Float, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class GuildSettings(Base):
    """One row per Discord server the bot serves."""

    __tablename__ = "guild_settings"
    __table_args__ = (
        CheckConstraint("radius_km > 0", name="radius_positive"),
        CheckConstraint("checkin_cadence_days IN (7, 14, 30)", name="cadence_known"),
        CheckConstraint("checkin_local_hour BETWEEN 0 AND 23", name="checkin_hour_valid"),
        CheckConstraint("quiet_hours_start BETWEEN 0 AND 23", name="quiet_start_valid"),
        CheckConstraint("quiet_hours_end BETWEEN 0 AND 23", name="quiet_end_valid"),
        CheckConstraint("followup_days > 0", name="followup_positive"),
        CheckConstraint("circle_min_size >= 2", name="circle_min_size_valid"),
        CheckConstraint("unattended_days BETWEEN 1 AND 90", name="unattended_days_valid"),
        CheckConstraint("wait_target_days BETWEEN 1 AND 90", name="wait_target_days_valid"),
        CheckConstraint("organizer_readiness BETWEEN 1 AND 5", name="organizer_readiness_valid"),
        CheckConstraint("welcome_call_size BETWEEN 2 AND 25", name="welcome_call_size_valid"),
    )

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    radius_km: Mapped[float] = mapped_column(Float, default=50.0)
    member_role_id: Mapped[int | None] = mapped_column(BigInteger)
    moderator_role_id: Mapped[int | None] = mapped_column(BigInteger)
    # How region roles are given: "country", "region" or "off".
    region_roles: Mapped[str] = mapped_column(String(16), default="country")
    onboarding_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    announce_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    review_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    introductions_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    alerts_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    circles_category_id: Mapped[int | None] = mapped_column(BigInteger)
    checkin_cadence_days: Mapped[int] = mapped_column(Integer, default=14)
    checkin_local_hour: Mapped[int] = mapped_column(Integer, default=18)
    quiet_hours_start: Mapped[int] = mapped_column(Integer, default=22)
    quiet_hours_end: Mapped[int] = mapped_column(Integer, default=8)
    auto_approve_pairings: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_confirm_organizers: Mapped[bool] = mapped_column(Boolean, default=False)
    followup_days: Mapped[int] = mapped_column(Integer, default=14)
    circle_min_size: Mapped[int] = mapped_column(Integer, default=3)
    # Days after onboarding a member without any human contact is listed by /mod unattended.
    unattended_days: Mapped[int] = mapped_column(Integer, default=7, server_default=text("7"))
    # Days a member should wait for a mentor at most; past that, other attention is offered.
    wait_target_days: Mapped[int] = mapped_column(Integer, default=7, server_default=text("7"))
    # The average readiness, over a mentee's last two answered check-ins, that suggests them as
    # a future organizer to their mentor.
    organizer_readiness: Mapped[float] = mapped_column(Float, default=4.0, server_default=text("4.0"))
    # How many members a welcome call invites at most, unless its host says fewer.
    welcome_call_size: Mapped[int] = mapped_column(Integer, default=8, server_default=text("8"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
