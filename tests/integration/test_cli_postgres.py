"""`groundwork db upgrade` on a brand-new PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from db.migrate import head_revision
from tests.support.database import configured_url

ROOT = Path(__file__).resolve().parents[2]


async def _admin_execute(sql: str) -> None:
    url = make_url(configured_url() or "")
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    name = f"groundwork_cli_{uuid.uuid4().hex[:10]}"
    await _admin_execute(f'CREATE DATABASE "{name}"')
    yield make_url(configured_url() or "").set(database=name).render_as_string(hide_password=False)
    await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _upgrade(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDWORK_")}
    env.update(PYTHONPATH=str(ROOT), GROUNDWORK_DATABASE__URL=url)
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.postgres_only
def test_db_upgrade_on_postgresql_twice(fresh_database: str, tmp_path: Path) -> None:
    first = _upgrade(fresh_database, tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"database is at {head_revision()}" in first.stdout
    second = _upgrade(fresh_database, tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert not (tmp_path / "data").exists()  # nothing written locally for a PostgreSQL URL
