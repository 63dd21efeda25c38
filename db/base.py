"""Declarative base, naming convention and the column types every model shares."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Connection, DateTime, Dialect, MetaData, String, event
from sqlalchemy.engine.interfaces import ExecutionContext
from sqlalchemy.ext.asyncio import AsyncAttrs, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(AsyncAttrs, DeclarativeBase):
    """Base of every model: typed columns, named constraints, no implicit lazy loads."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Time as the bot sees it (bot.clock; tests move it by hand) reaches the rows it writes:
# a session factory configured with ``info={CLOCK: clock}`` lends its clock to each
# connection it begins on, and column defaults read it from there.
CLOCK: Final = "groundwork.clock"


def utcnow(context: ExecutionContext) -> datetime:
    """A column default: now, timezone-aware, in UTC, by the writing unit of work's clock when it
    has one (SQLAlchemy passes a one-argument default the statement's context), else the system's."""
    clock: Callable[[], datetime] | None = context.root_connection.info.get(CLOCK)
    return clock() if clock is not None else datetime.now(UTC)


def clock_now(session: Session | AsyncSession) -> datetime:
    """Now, by the clock of the session's factory (for a value written by a Core statement)."""
    clock: Callable[[], datetime] | None = session.info.get(CLOCK)
    return clock() if clock is not None else datetime.now(UTC)


@event.listens_for(Session, "after_begin")
def _lend_the_clock(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    clock = session.info.get(CLOCK)
    if clock is None:
        connection.info.pop(CLOCK, None)
    else:
        connection.info[CLOCK] = clock


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so values are normalised to UTC on the way in and tagged
    with UTC on the way out; PostgreSQL stores `timestamptz` natively.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC times")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumType(TypeDecorator[Any]):
    """A `StrEnum` stored as its plain string value in a VARCHAR column."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_cls: type[enum.StrEnum], length: int = 32) -> None:
        super().__init__(length)
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(self.enum_cls(value).value)

    def process_result_value(self, value: Any, dialect: Dialect) -> enum.StrEnum | None:
        if value is None:
            return None
        return self.enum_cls(value)


def enum_check(column: str, enum_cls: type[enum.StrEnum]) -> str:
    """SQL for a CHECK constraint keeping `column` within the values of `enum_cls`."""
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return f"{column} IN ({values})"
