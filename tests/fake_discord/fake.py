"""``FakeDiscord``: the class tests use (server core + scenario building + user driving)."""

from __future__ import annotations

from .interactions import Driver


class FakeDiscord(Driver):
    """An in-process fake Discord for the real discord.py client; see the package docstring.

    ``FakeDiscord(bot_id=..., bot_name=..., checker=...)``; ``await fake.start()`` /
    ``await fake.stop()`` (or ``async with FakeDiscord() as fake``).
    """
