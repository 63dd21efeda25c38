"""Creating a row unless it exists, safely when two units of work try at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base


async def insert_unless_exists(
    session: AsyncSession, model: type[Base], values: dict[str, Any], *, unique: list[str]
) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: of two concurrent creators, one inserts and the
    other does nothing (instead of failing); both then read the same row."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    await session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=unique))
