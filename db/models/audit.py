"""The audit log: who did what to whom, and when. The bot only ever appends to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime


class AuditEntry(Base):
    """One recorded action. `actor_id` None means the bot acted on its own."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_guild_at", "guild_id", "at"),
        Index("ix_audit_log_guild_target", "guild_id", "target_user_id"),
        Index("ix_audit_log_guild_actor", "guild_id", "actor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # the caller's clock: see bot.services.audit
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    target_user_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
