"""Local life: neighbour introductions, local circles, practice partners and the activity log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
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
from db.enums import (
    ActivityKind,
    Answer,
    CircleMemberStatus,
    CircleRole,
    CircleStatus,
    IntroductionStatus,
    OfferStatus,
    PracticeStatus,
)


class NeighbourOffer(Base):
    """The offer, after onboarding, to meet the members who live nearby."""

    __tablename__ = "neighbour_offers"
    __table_args__ = (CheckConstraint(enum_check("status", OfferStatus), name="status_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[OfferStatus] = mapped_column(StrEnumType(OfferStatus, 16), default=OfferStatus.OPEN)
    neighbours: Mapped[int] = mapped_column(Integer)  # how many were counted when it was made
    radius_km: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NeighbourIntroduction(Base):
    """Two neighbours: the one who asked to meet, the one asked, and each side's answer.

    A pair is asked at most once, whichever way round: a "no" is never asked again.
    """

    __tablename__ = "neighbour_introductions"
    __table_args__ = (
        UniqueConstraint("requester_id", "neighbour_id"),
        CheckConstraint("requester_id <> neighbour_id", name="not_self"),
        CheckConstraint(enum_check("status", IntroductionStatus), name="status_known"),
        CheckConstraint(enum_check("requester_answer", Answer), name="requester_answer_known"),
        CheckConstraint(enum_check("neighbour_answer", Answer), name="neighbour_answer_known"),
        Index("ix_neighbour_introductions_neighbour_status", "neighbour_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("neighbour_offers.id", ondelete="SET NULL"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    neighbour_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[IntroductionStatus] = mapped_column(
        StrEnumType(IntroductionStatus, 16), default=IntroductionStatus.ASKED
    )
    requester_answer: Mapped[Answer] = mapped_column(StrEnumType(Answer, 16), default=Answer.YES)
    neighbour_answer: Mapped[Answer] = mapped_column(StrEnumType(Answer, 16), default=Answer.PENDING)
    distance_km: Mapped[float] = mapped_column(Float)  # never shown to either side
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    introduced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)


class Circle(Base):
    """A local group: members who live within the guild's radius of its centre."""

    __tablename__ = "circles"
    __table_args__ = (
        CheckConstraint(enum_check("status", CircleStatus), name="status_known"),
        CheckConstraint("radius_km > 0", name="radius_positive"),
        Index("ix_circles_guild_status", "guild_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[CircleStatus] = mapped_column(StrEnumType(CircleStatus, 16), default=CircleStatus.PROPOSED)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    radius_km: Mapped[float] = mapped_column(Float)
    # A channel in the circles category, or a private thread in the introductions channel.
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    is_thread: Mapped[bool] = mapped_column(Boolean, default=False)
    review_message_id: Mapped[int | None] = mapped_column(BigInteger)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


ONE_CIRCLE = "status IN ('proposed', 'offered', 'joined') AND role = 'member'"


class CircleMember(Base):
    """One member's place in one circle. A member lives in one circle at a time (the nearest)."""

    __tablename__ = "circle_members"
    __table_args__ = (
        UniqueConstraint("circle_id", "member_id"),
        CheckConstraint(enum_check("status", CircleMemberStatus), name="status_known"),
        CheckConstraint(enum_check("role", CircleRole), name="role_known"),
        Index(
            "uq_circle_members_one_circle",
            "member_id",
            unique=True,
            sqlite_where=text(ONE_CIRCLE),
            postgresql_where=text(ONE_CIRCLE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    role: Mapped[CircleRole] = mapped_column(StrEnumType(CircleRole, 16), default=CircleRole.MEMBER)
    status: Mapped[CircleMemberStatus] = mapped_column(StrEnumType(CircleMemberStatus, 16))
    distance_km: Mapped[float] = mapped_column(Float)  # from the centre; never shown to members
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


ONE_WAITING = "status = 'waiting'"


class PracticeRequest(Base):
    """A member who asked for a practice call; paired requests share a `PracticePairing`."""

    __tablename__ = "practice_requests"
    __table_args__ = (
        CheckConstraint(enum_check("status", PracticeStatus), name="status_known"),
        Index("ix_practice_requests_guild_status", "guild_id", "status"),
        Index(
            "uq_practice_requests_one_waiting",
            "member_id",
            unique=True,
            sqlite_where=text(ONE_WAITING),
            postgresql_where=text(ONE_WAITING),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(32))
    status: Mapped[PracticeStatus] = mapped_column(
        StrEnumType(PracticeStatus, 16), default=PracticeStatus.WAITING
    )
    pairing_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_pairings.id", ondelete="SET NULL"), index=True
    )
    happened: Mapped[bool | None] = mapped_column(Boolean)  # the member's answer to "did it happen?"
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PracticePairing(Base):
    """Two members paired for one practice call, and when to ask whether it happened."""

    __tablename__ = "practice_pairings"
    __table_args__ = (Index("ix_practice_pairings_followup_due_at", "followup_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    suggested_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the start of the suggested call
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    followup_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActivityEntry(Base):
    """One thing a member did locally; shown to their mentor and circle only if they allow it."""

    __tablename__ = "activity_entries"
    __table_args__ = (
        CheckConstraint(enum_check("kind", ActivityKind), name="kind_known"),
        Index("ix_activity_entries_member_at", "member_id", "at"),
        Index("ix_activity_entries_guild_at", "guild_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[ActivityKind] = mapped_column(StrEnumType(ActivityKind, 32))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="member")  # "member" or "practice"
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
