"""What a member waiting for a mentor was last told about their wait (issue 17: honest waiting).

One row per member who has been told: the rough wait (bucket) and place on the list they heard,
and when. The wait-update job compares it with the wait as it stands now, so a restart neither
forgets that someone was told nor tells them twice. Gone with the member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check
from db.enums import WaitBucket


class WaitNotice(Base):
    """The last word a waiting member had about their wait."""

    __tablename__ = "wait_notices"
    __table_args__ = (
        CheckConstraint(enum_check("bucket", WaitBucket), name="bucket_known"),
        CheckConstraint("position >= 1", name="position_valid"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    bucket: Mapped[WaitBucket] = mapped_column(StrEnumType(WaitBucket))
    position: Mapped[int] = mapped_column(Integer)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime)
