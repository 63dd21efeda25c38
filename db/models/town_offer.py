"""Offers, sent once by DM, to members who gave only their region to give their town now that
small towns can be found (issue 14)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow

# due: waiting to be sent; sending: claimed by a tick; sent: delivered, never again;
# failed: the member's DMs are closed (or it kept failing), not retried; cancelled: the
# member left, deleted their data, or no longer has a region-only place.
TOWN_OFFER_STATUSES = ("due", "sending", "sent", "failed", "cancelled")


class TownOffer(Base):
    """One member's offer; at most one per member, ever."""

    __tablename__ = "town_offers"
    __table_args__ = (
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{s}'" for s in TOWN_OFFER_STATUSES)), name="status_known"
        ),
        Index("ix_town_offers_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="due")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
