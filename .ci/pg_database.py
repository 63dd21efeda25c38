"""Create or drop a throwaway PostgreSQL database for one CI run.

python .ci/pg_database.py create ADMIN_URL        -> prints the new database's asyncpg URL
python .ci/pg_database.py drop ADMIN_URL DB_URL
"""

from __future__ import annotations

import asyncio
import sys
import uuid

import asyncpg
from sqlalchemy.engine import make_url


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


async def create(admin_url: str) -> str:
    name = f"groundwork_ci_{uuid.uuid4().hex[:12]}"
    connection = await _admin(admin_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(admin_url).set(drivername="postgresql+asyncpg", database=name).render_as_string(False)


async def drop(admin_url: str, database_url: str) -> None:
    name = make_url(database_url).database
    assert name and name.startswith("groundwork_ci_"), name
    connection = await _admin(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def main() -> int:
    action, admin_url, *rest = sys.argv[1:]
    try:
        if action == "create":
            sys.stdout.write(asyncio.run(create(admin_url)) + "\n")
        else:
            asyncio.run(drop(admin_url, rest[0]))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        sys.stderr.write(f"PostgreSQL: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
