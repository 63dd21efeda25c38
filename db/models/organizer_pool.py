"""Growing the organizer pool: a mentee whose readiness has risen, suggested as a future organizer.

One row per member, from the mentor's endorsement through the member's yes to a moderator's
confirmation; every step is a status, so a click is applied once and a stale one is refused.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check
from db.enums import OrganizerSuggestionStatus


class OrganizerSuggestion(Base):
    """A mentee suggested to their mentor as a future buddy guide or organizer."""

    __tablename__ = "organizer_suggestions"
    __table_args__ = (CheckConstraint(enum_check("status", OrganizerSuggestionStatus), name="status_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild_settings.guild_id", ondelete="CASCADE"), index=True
    )
    # The mentee: suggested once (a row per member), gone with their data.
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    # Their mentor when suggested, who alone may endorse; forgotten with the mentor's data.
    mentor_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[OrganizerSuggestionStatus] = mapped_column(
        StrEnumType(OrganizerSuggestionStatus), default=OrganizerSuggestionStatus.SUGGESTED
    )
    readiness: Mapped[float] = mapped_column(Float)  # the average that made them suggested
    suggested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    endorsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the member's yes or no
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the moderator's
    decided_by: Mapped[int | None] = mapped_column(BigInteger)  # the moderator's user id
    review_message_id: Mapped[int | None] = mapped_column(BigInteger)
