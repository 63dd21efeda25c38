"""The audit trail. Services only ever append to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry


async def record(
    *,
    session: AsyncSession,
    guild_id: int,
    actor_id: int | None,
    target_user_id: int | None,
    action: str,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; `actor_id` None means the bot acted on its own."""
    entry = AuditEntry(
        guild_id=guild_id,
        actor_id=actor_id,
        target_user_id=target_user_id,
        action=action,
        details=details or {},
    )
    session.add(entry)
    return entry
