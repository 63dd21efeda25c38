"""Creating a row unless it exists, safely when two units of work try at once."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Table, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base


@cache
def _statement(
    table: Table, unique: tuple[str, ...], where: str | None, dialect: str, returning: bool = True
) -> Insert:
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    key = table.primary_key.columns[0]
    index_where = text(where) if where is not None else None
    statement = insert(table).on_conflict_do_nothing(index_elements=list(unique), index_where=index_where)
    return statement.returning(key) if returning else statement


async def insert_unless_exists(
    session: AsyncSession,
    model: type[Base],
    values: dict[str, Any],
    *,
    unique: list[str],
    where: str | None = None,
) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING: of two concurrent creators, one inserts and the
    other does nothing (instead of failing); both then read the same row. Returns the new
    row's primary key, None when it existed. `where` names a partial unique index by its
    condition (as written in the index). The statement is built once per table and dialect;
    `values` are its parameters."""
    table = cast(Table, model.__table__)
    statement = _statement(table, tuple(unique), where, session.get_bind().dialect.name)
    return (await session.execute(statement, values)).scalar_one_or_none()


async def insert_all_unless_exist(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    unique: list[str],
    where: str | None = None,
) -> None:
    """`insert_unless_exists` for many rows in one statement (their keys are not returned):
    those that exist already stay as they were."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    statement = _statement(table, tuple(unique), where, session.get_bind().dialect.name, returning=False)
    await session.execute(statement, list(rows))
