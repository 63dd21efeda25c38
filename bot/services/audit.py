"""The audit trail. Services only ever append to it."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry

# Appended to by almost every unit of work: built once.
_APPEND = insert(cast(Table, AuditEntry.__table__))


async def record(
    *,
    session: AsyncSession,
    guild_id: int,
    actor_id: int | None,
    target_user_id: int | None,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry; `actor_id` None means the bot acted on its own."""
    await session.execute(
        _APPEND,
        {
            "guild_id": guild_id,
            "actor_id": actor_id,
            "target_user_id": target_user_id,
            "action": action,
            "details": details or {},
        },
    )
