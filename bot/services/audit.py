"""The audit trail. Services only ever append to it."""

from __future__ import annotations

from collections.abc import Sequence
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
    await record_all(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=actor_id,
        action=action,
        targets=[(target_user_id, details)],
    )


async def record_all(
    *,
    session: AsyncSession,
    now: datetime,
    guild_id: int,
    actor_id: int | None,
    action: str,
    targets: Sequence[tuple[int | None, dict[str, Any] | None]],
) -> None:
    """`record` of one action for many members at once (each with its details), in one
    statement: the neighbours asked for one member, the members of a proposed circle."""
    if not targets:
        return
    rows = [
        {
            "guild_id": guild_id,
            "at": now,
            "actor_id": actor_id,
            "target_user_id": target_user_id,
            "action": action,
            "details": details or {},
        }
        for target_user_id, details in targets
    ]
    await session.execute(_APPEND, rows[0] if len(rows) == 1 else rows)
