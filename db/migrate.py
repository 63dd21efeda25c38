"""Alembic, driven from code: how `groundwork db ...`, the bot's start and the tests make a schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic config pointing at our migrations, independent of the working directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url is not None:
        config.attributes["database_url"] = database_url
    return config


def upgrade_sync(database_url: str, revision: str = "head") -> None:
    """Migrate the database at `database_url`; call it where no event loop runs."""
    command.upgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _upgrade_on(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _current_on(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate from inside a running event loop, on one of `engine`'s connections."""
    async with engine.connect() as connection:
        await migrate_on(connection, lambda sync: _upgrade_on(sync, revision))


async def migrate_on(connection: AsyncConnection, migrate: Callable[[Connection], None]) -> None:
    """Run `migrate` on `connection` in one transaction, committed at the end.

    On SQLite, foreign keys are off while it runs. Alembic alters a SQLite table by copying it
    and dropping the old one, and with foreign keys on that drop is a DELETE of every row: it
    cascades to (or nulls the references of) every row pointing at the table, so a migration that
    altered `guild_settings` deleted every member, and one that altered `locales` forgot every
    member's place. The references are checked before the commit instead
    (`PRAGMA foreign_key_check`). The pragma only takes effect outside a transaction, so it is
    set before the first statement and set back after the commit or the rollback.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        await connection.run_sync(migrate)
        if sqlite:
            broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
            if broken:
                tables = sorted({str(row[0]) for row in broken})
                raise RuntimeError(f"the migration left references to missing rows in {', '.join(tables)}")
        await connection.commit()
    except BaseException:
        await connection.rollback()
        raise
    finally:
        if sqlite:
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.commit()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current_on)


def current_revision_sync(database_url: str) -> str | None:
    """The revision the database at `database_url` is at; call it where no event loop runs."""
    import asyncio

    from db.engine import create_engine

    async def _current() -> str | None:
        engine = create_engine(database_url, pool=False)
        try:
            return await current_revision(engine)
        finally:
            await engine.dispose()

    return asyncio.run(_current())
