"""The integer ids the services use for people and places on platforms whose ids are strings.

Services take `user_id: int`, `guild_id: int`, `channel_id: int`. On Discord those are snowflakes,
used as they are. On Matrix a user is `@alice:example.org` and a room `!abc:example.org`: each gets
one row here and its `local_id` is the integer the services use. Local ids are negative, so they
never meet a Discord snowflake (always positive) in a column both platforms share, and one local
id names one thing only, whatever its kind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, StrEnumType, UTCDateTime, enum_check, utcnow
from db.enums import IdentityKind, Platform

# Matrix allows 255 bytes for user ids and room ids alike.
EXTERNAL_ID_LENGTH = 255


class PlatformIdentity(Base):
    """(platform, kind, external id) <-> the local id the services use."""

    __tablename__ = "platform_identities"
    __table_args__ = (
        UniqueConstraint("platform", "kind", "external_id"),
        UniqueConstraint("local_id"),
        CheckConstraint(enum_check("platform", Platform), name="platform_known"),
        CheckConstraint(enum_check("kind", IdentityKind), name="kind_known"),
        CheckConstraint("local_id < 0", name="local_id_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[Platform] = mapped_column(StrEnumType(Platform, 16))
    kind: Mapped[IdentityKind] = mapped_column(StrEnumType(IdentityKind, 16))
    external_id: Mapped[str] = mapped_column(String(EXTERNAL_ID_LENGTH))
    local_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
