"""Alembic environment: the URL comes from groundwork's settings, never from alembic.ini.

Three ways in:
- `groundwork db upgrade` / `db.migrate.upgrade_sync`: a URL in `config.attributes["database_url"]`;
- `db.migrate.upgrade(engine)` inside a running event loop: a sync connection in
  `config.attributes["connection"]` (Alembic's run_sync recipe);
- plain `alembic upgrade head` from the repository: the settings in config.toml / the environment.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

import db.models  # noqa: F401  (registers every table)
from db.base import Base
from db.engine import create_engine

config = context.config
target_metadata = Base.metadata


def _render_item(kind: str, obj: Any, _context: AutogenContext) -> str | bool:
    """Render our column types as the plain SQLAlchemy types they store, so a
    migration never imports application code that may change after it is written."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copy-and-move
        compare_type=True,
        render_item=_render_item,
        **kwargs,
    )


def _database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return str(url)
    from bot.config import load_settings

    return load_settings().database_url


def run_migrations_offline() -> None:
    _configure(url=_database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    from db.migrate import migrate_on  # foreign keys off on SQLite while tables are copied

    engine = create_engine(_database_url(), pool=False)
    try:
        async with engine.connect() as connection:
            await migrate_on(connection, do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
