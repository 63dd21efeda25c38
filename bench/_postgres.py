"""A throwaway PostgreSQL database for one benchmark run, created and dropped around it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


async def _admin(admin_url: str) -> asyncpg.Connection:
    url = make_url(admin_url)
    return await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
        timeout=5,
    )


@asynccontextmanager
async def throwaway_database(admin_url: str = DEFAULT_ADMIN_URL) -> AsyncIterator[str]:
    """The asyncpg URL of a new, empty database on the server of `admin_url`; dropped afterwards."""
    name = f"groundwork_bench_{uuid.uuid4().hex[:8]}"
    admin = await _admin(admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield make_url(admin_url).set(drivername="postgresql+asyncpg", database=name).render_as_string(False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
