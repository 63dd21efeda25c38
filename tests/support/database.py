"""The test database: SQLite in a temporary file by default, PostgreSQL when asked.

Set `GROUNDWORK_TEST_DATABASE_URL` (e.g. `postgresql+asyncpg://postgres@127.0.0.1:5432/test`)
to run every database test against PostgreSQL; `.ci/run` does both.
Either way the schema is made by the real migrations, once per test session: SQLite
tests copy a migrated template file, PostgreSQL tests empty every table before they run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

import db.models  # noqa: F401
from db.base import Base
from db.engine import SessionMaker, create_engine, create_session_maker
from db.migrate import upgrade_sync

TEST_DATABASE_ENV = "GROUNDWORK_TEST_DATABASE_URL"
REQUIRE_POSTGRES_ENV = "GROUNDWORK_TEST_REQUIRE_POSTGRES"


def configured_url() -> str | None:
    """The PostgreSQL URL tests should use, if one is configured."""
    return os.environ.get(TEST_DATABASE_ENV) or None


def on_postgres() -> bool:
    url = configured_url()
    return url is not None and make_url(url).get_backend_name() == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if on_postgres():
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL: set {TEST_DATABASE_ENV}")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    url = configured_url()
    if url is None:
        return "database: SQLite (temporary files)"
    return f"database: {make_url(url).render_as_string(hide_password=True)}"


@pytest.fixture(scope="session")
def _migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = configured_url()
    if url is None:
        template = tmp_path_factory.mktemp("db") / "template.db"
        upgrade_sync(f"sqlite+aiosqlite:///{template}")
        yield str(template)
        return
    upgrade_sync(url)
    yield url


@pytest.fixture
def database_url(_migrated_database: str, tmp_path: Path) -> str:
    """A migrated, empty database for this test alone."""
    if configured_url() is None:
        copy = tmp_path / "groundwork.db"
        shutil.copyfile(_migrated_database, copy)
        return f"sqlite+aiosqlite:///{copy}"
    return _migrated_database


# Children before parents, so plain DELETEs need no CASCADE.
_TABLES_CHILDREN_FIRST = [table.name for table in reversed(Base.metadata.sorted_tables)]


async def _empty_all_tables(engine: AsyncEngine) -> None:
    """Every table emptied and every id sequence restarted, for a test of its own.

    A connection an earlier test left open (a bot's task still inside its unit of work when that
    test's event loop closed) is ended first: its open transaction would otherwise hold its locks
    for ever, and this test wait on them for ever. DELETE, not TRUNCATE: on nearly empty tables
    it is several times faster (TRUNCATE makes and syncs new files for every table)."""
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        await connection.commit()
    async with engine.begin() as connection:
        await connection.execute(text("SET LOCAL lock_timeout = '10s'"))  # a clear failure, never a hang
        await connection.execute(text("SET LOCAL synchronous_commit = off"))
        for name in _TABLES_CHILDREN_FIRST:
            await connection.execute(text(f'DELETE FROM "{name}"'))
        sequences = await connection.execute(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        )
        for (sequence,) in sequences.all():
            await connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on this test's database."""
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        await _empty_all_tables(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


def checked_out(engine: AsyncEngine) -> int:
    """How many of the engine's connections are in use (0 once every unit of work gave its back)."""
    return int(engine.sync_engine.pool.checkedout())  # type: ignore[attr-defined]


@pytest.fixture
def sessions(engine: AsyncEngine) -> SessionMaker:
    """The session factory, as the bot has it: one session per unit of work."""
    return create_session_maker(engine)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With GROUNDWORK_TEST_REQUIRE_POSTGRES set, a skipped test fails the run: in CI every
    test must really run on PostgreSQL."""
    if not os.environ.get(REQUIRE_POSTGRES_ENV):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if not on_postgres() or skipped:
        if reporter is not None:
            reporter.write_line(
                f"{REQUIRE_POSTGRES_ENV} is set but {len(skipped)} test(s) were skipped "
                f"or the database is not PostgreSQL",
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


async def _admin(sql: str) -> None:
    """A statement on the configured PostgreSQL server, outside any transaction (CREATE DATABASE)."""
    import asyncpg

    url = make_url(configured_url() or "")
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[str]:
    """A database with no schema yet, of the kind the tests run on (for migrating step by step)."""
    if configured_url() is None:
        yield f"sqlite+aiosqlite:///{tmp_path / 'before.db'}"
        return
    name = f"groundwork_empty_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    yield make_url(configured_url() or "").set(database=name).render_as_string(hide_password=False)
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
