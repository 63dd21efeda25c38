"""Fixtures every test can use: the test database and the fake Discord."""

pytest_plugins = [
    "tests.support.database",
    "tests.fake_discord.pytest_plugin",
]
