"""The audit trail. Services only ever append to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry

# Appended to by almost every unit of work: built once.
_APPEND = insert(cast(Table, AuditEntry.__table__))


async def record(
    *,
    session: AsyncSession,
    now: datetime,
    guild_id: int,
    actor_id: int | None,
    target_user_id: int | None,
    action: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry at `now`, the caller's clock (never the database's or the machine's:
    tests and replays see the time the bot saw); `actor_id` None means the bot acted on its own."""
    await session.execute(
        _APPEND,
        {
            "guild_id": guild_id,
            "at": now,
            "actor_id": actor_id,
            "target_user_id": target_user_id,
            "action": action,
            "details": details or {},
        },
    )
