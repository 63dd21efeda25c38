"""Reading the audit trail (/mod audit). Nothing here changes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry

MAX_ENTRIES = 250  # the latest, paged by /mod audit (bot.services.paging)


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    actor_id: int | None
    target_user_id: int | None
    action: str
    details: dict[str, Any]


async def audit_lines(
    *,
    session: AsyncSession,
    guild_id: int,
    member_id: int | None = None,
    moderator_id: int | None = None,
    limit: int = MAX_ENTRIES,
) -> list[AuditLine]:
    """The latest entries, newest first, optionally about one member or by one moderator."""
    query = select(AuditEntry).where(AuditEntry.guild_id == guild_id)
    if member_id is not None:
        query = query.where(AuditEntry.target_user_id == member_id)
    if moderator_id is not None:
        query = query.where(AuditEntry.actor_id == moderator_id)
    rows = await session.execute(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(min(limit, MAX_ENTRIES))
    )
    return [AuditLine(e.at, e.actor_id, e.target_user_id, e.action, dict(e.details)) for e in rows.scalars()]
