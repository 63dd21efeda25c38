"""Where a person can still be found in the database: every column of every table, read from the
models' metadata (so a new table is searched as soon as it exists), JSON searched inside.

A person is found by
- their Discord id: a number equal to it in any column or inside JSON, or a run of digits equal
  to it in any text (whole values only: "5001" is not found inside "15001", and timestamps are
  not text, so the clock can never match by chance);
- their member (and organizer) row ids, in the columns that point at those tables (and the
  rows' own keys): elsewhere a small number is not them, just a number;
- every string they typed, as a case-insensitive substring of any text, JSON included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.ext.asyncio import AsyncEngine

import db.models  # noqa: F401  (every table registered on the metadata)
from db.base import Base


@dataclass(frozen=True)
class Person:
    """What identifies one person in the database."""

    user_id: int
    member_ids: frozenset[int] = frozenset()
    organizer_ids: frozenset[int] = frozenset()
    typed: tuple[str, ...] = ()


@dataclass
class Scan:
    """Where the person was found (`table.column: what`), and how much was searched."""

    tables: int = 0
    columns: int = 0
    rows: int = 0
    found: list[str] = field(default_factory=list)

    def places(self) -> set[str]:
        """The `table.column` names they were found in."""
        return {hit.split(": ", 1)[0] for hit in self.found}


def _points_at(column: Column[Any], table: str) -> bool:
    return any(fk.column.table.name == table for fk in column.foreign_keys)


def _row_ids(person: Person, table: Table, column: Column[Any]) -> frozenset[int]:
    """Their row ids that mean them in this column (a foreign key to, or the key of, their rows)."""
    ids: frozenset[int] = frozenset()
    for name, own in (("members", person.member_ids), ("organizers", person.organizer_ids)):
        if _points_at(column, name) or (table.name == name and column.primary_key):
            ids |= own
    return ids


def _leaves(value: Any) -> Iterator[Any]:
    """Every scalar inside a JSON value, dictionary keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _matches(value: Any, person: Person, id_pattern: re.Pattern[str], row_ids: frozenset[int]) -> str | None:
    """What of the person this one value holds, if anything."""
    if value is None or isinstance(value, bool | datetime | date):
        return None
    if isinstance(value, int | float):
        if value == person.user_id:
            return "discord id"
        if isinstance(value, int) and value in row_ids:
            return "row id"
        return None
    if isinstance(value, str):
        if id_pattern.search(value):
            return "discord id in text"
        folded = value.casefold()
        for typed in person.typed:
            if typed.casefold() in folded:
                return f"typed {typed!r}"
        return None
    if isinstance(value, dict | list | tuple):
        for leaf in _leaves(value):
            hit = _matches(leaf, person, id_pattern, frozenset())
            if hit is not None:
                return f"{hit} (in JSON)"
        return None
    return _matches(str(value), person, id_pattern, row_ids)


async def scan(engine: AsyncEngine, person: Person, tables: Iterable[Table] | None = None) -> Scan:
    """Search every column of every table (or of `tables`) for `person`."""
    id_pattern = re.compile(rf"(?<![0-9]){person.user_id}(?![0-9])")
    result = Scan()
    async with engine.connect() as connection:
        for table in tables if tables is not None else Base.metadata.sorted_tables:
            result.tables += 1
            result.columns += len(table.columns)
            rows = (await connection.execute(table.select())).mappings().all()
            result.rows += len(rows)
            for row in rows:
                for column in table.columns:
                    hit = _matches(row[column.name], person, id_pattern, _row_ids(person, table, column))
                    if hit is not None:
                        result.found.append(f"{table.name}.{column.name}: {hit}")
    return result
