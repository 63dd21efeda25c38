"""SQLite on the event loop (db.sqlite_driver, db.session): transactions, the write lock, the
loop kept free, and units of work that run inline.

These run on SQLite whatever database the rest of the suite uses: the driver is SQLite's.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import greenlet  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from db import sqlite_driver
from db.engine import create_engine, create_session_maker
from db.session import UnitOfWorkSession
from tests.support.database import checked_out


@pytest.fixture
async def url(tmp_path: Path) -> AsyncIterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}"
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        await connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    await engine.dispose()
    yield url


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT n FROM counter WHERE id = 1"))).scalar_one())


async def test_connections_have_foreign_keys_and_wal(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
    finally:
        await engine.dispose()


async def test_units_of_work_that_read_then_write_queue_instead_of_failing(url: str) -> None:
    engine = create_engine(url)
    sessions = create_session_maker(engine)

    async def increment() -> None:
        async with sessions() as session, session.begin():
            n = (await session.execute(text("SELECT n FROM counter WHERE id = 1"))).scalar_one()
            await asyncio.sleep(0)  # let the others start theirs
            await session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})

    try:
        await asyncio.gather(*(increment() for _ in range(25)))
        assert await _count(engine) == 25
    finally:
        await engine.dispose()


async def test_a_transaction_takes_the_write_lock_with_its_first_statement(url: str) -> None:
    first, second = create_engine(url), create_engine(url)
    try:
        async with first.connect() as connection:
            await connection.execute(text("SELECT 1"))  # a read: the lock is taken all the same
            raw = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"), timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                raw.execute("BEGIN IMMEDIATE")
            raw.close()
            await connection.rollback()
        async with second.begin() as connection:  # released by the rollback
            await connection.execute(text("UPDATE counter SET n = 5"))
        assert await _count(first) == 5
    finally:
        await first.dispose()
        await second.dispose()


async def test_waiting_for_another_writer_leaves_the_loop_free(url: str) -> None:
    holder, waiter = create_engine(url), create_engine(url)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    running = asyncio.create_task(ticker())
    try:
        async with holder.begin() as held:
            await held.execute(text("UPDATE counter SET n = 1"))
            write = asyncio.create_task(_write(waiter, 2))
            await asyncio.sleep(0.3)
            assert not write.done()  # waiting for the lock...
            ticks_while_waiting = ticks
        await asyncio.wait_for(write, 5)  # ...and done once it is released
        assert ticks_while_waiting >= 10  # the loop ran meanwhile
        assert await _count(holder) == 2
    finally:
        running.cancel()
        await holder.dispose()
        await waiter.dispose()


async def _write(engine: AsyncEngine, n: int) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE counter SET n = :n"), {"n": n})


async def test_a_lock_held_too_long_fails_with_database_is_locked(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_driver, "LOCK_WAIT_SECONDS", 0.1)
    holder, waiter = create_engine(url), create_engine(url)
    try:
        async with holder.begin() as held:
            await held.execute(text("UPDATE counter SET n = 1"))
            with pytest.raises(OperationalError, match="locked"):
                await _write(waiter, 2)
        assert await _count(holder) == 1
    finally:
        await holder.dispose()
        await waiter.dispose()


async def test_autocommit_runs_each_statement_outside_a_transaction(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("UPDATE counter SET n = 9"))
            raw = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"), timeout=0)
            raw.execute("BEGIN IMMEDIATE")  # no lock held: the update is committed already
            assert raw.execute("SELECT n FROM counter").fetchone() == (9,)
            raw.rollback()
            raw.close()
        async with engine.connect() as connection:  # handed back with transactions again
            await connection.execute(text("SELECT 1"))
            raw = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"), timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                raw.execute("BEGIN IMMEDIATE")
            raw.close()
    finally:
        await engine.dispose()


async def test_savepoints_roll_back_alone(url: str) -> None:
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    try:
        async with sessions() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = 1"))
            nested = await session.begin_nested()
            await session.execute(text("UPDATE counter SET n = 2"))
            await nested.rollback()
        assert await _count(engine) == 1
    finally:
        await engine.dispose()


async def test_a_slow_statement_is_logged(
    url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sqlite_driver, "SLOW_STATEMENT_SECONDS", 0.0)
    engine = create_engine(url)
    try:
        with caplog.at_level(logging.WARNING, logger="db.sqlite_driver"):
            await _count(engine)
        assert any(
            "slow SQLite statement" in r.getMessage() and "counter" in r.getMessage() for r in caplog.records
        )
    finally:
        await engine.dispose()


# -- units of work run inline (db.session) ------------------------------------------------


@pytest.fixture
def spawned() -> Iterator[list[str]]:
    """Every greenlet switch meanwhile (AsyncSession runs each of its steps in a greenlet)."""
    switches: list[str] = []

    def trace(event: str, _: Any) -> None:
        switches.append(event)

    previous = greenlet.settrace(trace)
    try:
        yield switches
    finally:
        greenlet.settrace(previous)


async def test_a_unit_holding_the_connection_runs_without_greenlets(url: str, spawned: list[str]) -> None:
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    try:
        await _count(engine)  # the engine's first unit opens the connection, in a greenlet
        spawned.clear()
        async with sessions() as session, session.begin():
            n = await session.scalar(text("SELECT n FROM counter WHERE id = 1"))
            assert isinstance(session, UnitOfWorkSession) and session.runs_inline()
            await session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})
        assert spawned == []
        assert checked_out(engine) == 0
        assert await _count(engine) == 1
    finally:
        await engine.dispose()


async def test_an_error_in_an_inline_unit_rolls_it_back(url: str) -> None:
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    try:
        with pytest.raises(RuntimeError):
            async with sessions() as session, session.begin():
                await session.execute(text("UPDATE counter SET n = 7 WHERE id = 1"))
                raise RuntimeError("boom")
        assert checked_out(engine) == 0
        assert await _count(engine) == 0
    finally:
        await engine.dispose()


async def test_a_unit_waiting_for_the_connection_takes_the_usual_way(url: str, spawned: list[str]) -> None:
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    holding = asyncio.Event()

    async def first() -> None:
        async with sessions() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
            holding.set()
            await asyncio.sleep(0.05)

    async def second() -> None:
        await holding.wait()
        async with sessions() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = n + 10 WHERE id = 1"))
            assert not session.runs_inline()  # it waited for the pool inside a greenlet

    try:
        await asyncio.gather(first(), second())
        assert spawned  # its statements went through AsyncSession's greenlets
        assert await _count(engine) == 11
    finally:
        await engine.dispose()


async def test_a_unit_waits_on_the_loop_while_another_process_writes(url: str) -> None:
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    other = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"), timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE counter SET n = 100")

    async def unit() -> None:
        async with sessions() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))

    try:
        task = asyncio.create_task(unit())
        await asyncio.sleep(0.2)
        assert not task.done()  # waiting, and the loop runs this test meanwhile
        other.execute("COMMIT")
        await asyncio.wait_for(task, 5)
        assert await _count(engine) == 101
    finally:
        other.close()
        await engine.dispose()


async def test_a_unit_gives_up_on_a_lock_held_too_long(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_driver, "LOCK_WAIT_SECONDS", 0.1)
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    other = sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///"), timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"):
            async with sessions() as session, session.begin():
                await session.execute(text("UPDATE counter SET n = 1 WHERE id = 1"))
        assert checked_out(engine) == 0
    finally:
        other.rollback()
        other.close()
        await engine.dispose()


async def test_a_committed_unit_closes_without_a_task_of_its_own(url: str) -> None:
    """AsyncSession closes in a shielded task; a unit whose transaction ended needs none."""
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    closed_by_close: list[bool] = []
    try:
        async with sessions() as session:
            async with session.begin():
                await session.execute(text("UPDATE counter SET n = 3 WHERE id = 1"))
            original_close = session.close

            async def watched_close() -> None:
                closed_by_close.append(True)
                await original_close()

            session.close = watched_close  # type: ignore[method-assign]
        assert closed_by_close == []  # closed inline, not through close() in a task
        assert await _count(engine) == 3
    finally:
        await engine.dispose()


async def test_units_back_to_back_leave_the_connection_to_a_unit_waiting_for_it(url: str) -> None:
    """A task running units one after the other, never yielding in between, must not take the
    connection back again and again while another unit waits for it."""
    engine = create_engine(url)
    sessions = create_session_maker(engine)
    units_done = 0
    done_when_waiter_ran: list[int] = []
    holding = asyncio.Event()

    async def busy() -> None:
        nonlocal units_done
        async with sessions() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
            holding.set()
            await asyncio.sleep(0.05)  # holds the connection: the waiter queues for it
        for _ in range(300):
            async with sessions() as session, session.begin():
                await session.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
            units_done += 1

    async def waiter() -> None:
        await holding.wait()
        async with sessions() as session, session.begin():
            await session.execute(text("UPDATE counter SET n = n + 1000 WHERE id = 1"))
        done_when_waiter_ran.append(units_done)

    try:
        await asyncio.wait_for(asyncio.gather(busy(), waiter()), 20)
        assert done_when_waiter_ran and done_when_waiter_ran[0] <= 2
        assert await _count(engine) == 1301
    finally:
        await engine.dispose()
