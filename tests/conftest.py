"""Fixtures every test can use: the test database and the fake Discord."""

import pytest

from bot.services.gazetteer import get_gazetteer

pytest_plugins = [
    "tests.support.database",
    "tests.fake_discord.pytest_plugin",
]


@pytest.fixture(scope="session", autouse=True)
def _place_index() -> None:
    """Load (on a new machine: build, about a minute) the place index before the first test, so
    no test's own time limit (a bot logging in within 5 s) pays for it."""
    get_gazetteer()
