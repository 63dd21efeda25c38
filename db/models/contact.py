"""Human contact as a tracked fact: each time the bot put a member in touch with a person.

One row per member and event (an introduction, a circle joined, ...), written in the same unit
of work as the fact itself; (member, kind, subject) is unique, so a step retried records nothing
twice. A member's first and last contact are the earliest and latest of their rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check
from db.enums import HumanContactKind


class HumanContact(Base):
    """A member met someone: how (`kind`), when, about which row (`subject_id`), and whom."""

    __tablename__ = "human_contacts"
    __table_args__ = (
        CheckConstraint(enum_check("kind", HumanContactKind), name="kind_known"),
        # One contact per member and event: a retried introduction is still one contact.
        UniqueConstraint("member_id", "kind", "subject_id"),
        # A member's first (and last) contact, and whether they have one at all.
        Index("ix_human_contacts_member_at", "member_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("guild_settings.guild_id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[HumanContactKind] = mapped_column(StrEnumType(HumanContactKind, 32))
    subject_id: Mapped[int] = mapped_column(Integer)  # the mentorship, introduction, circle, ...
    # The person met, when it was one person (not a circle); gone with their data.
    counterpart_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
