"""pytest fixtures for the fake Discord, and the contract check at teardown.

Load with ``pytest_plugins = ["tests.fake_discord.pytest_plugin"]`` in ``tests/conftest.py``.

* ``fake_discord``: a started :class:`FakeDiscord` (stopped after the test). At teardown, any API
  contract violation the bot caused fails the test with one line per violation, e.g.
  ``POST /channels/{channel_id}/messages: $.content: 2001 characters, at most 2000``.
  ``@pytest.mark.contract_unchecked(reason="...")`` turns that off for one test (a marker
  without a reason is an error); routes the fake does not serve yet fail the test regardless.
* ``bot_runner``: a :class:`BotRunner` on that fake; ``await bot_runner.start(bot)`` returns a
  ready bot, and every bot it started is closed before the fake stops.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .contract import Violation, format_violations
from .fake import FakeDiscord
from .runner import BotRunner

MARKER = "contract_unchecked"


def unchecked_reason(item: pytest.Item) -> str | None:
    """The reason of the test's ``contract_unchecked`` marker (None: checked); a marker
    without a reason fails the test."""
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return None
    reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else None)
    if not isinstance(reason, str) or not reason.strip():
        pytest.fail(
            f'@pytest.mark.{MARKER} needs a reason: @pytest.mark.{MARKER}(reason="...")', pytrace=False
        )
    return reason


def contract_report(violations: list[Violation], *, unchecked: bool = False) -> str | None:
    """The failure message for these violations (None when the test passes the check). With
    ``unchecked`` only routes the fake does not serve count."""
    relevant = [v for v in violations if not unchecked or v.kind == "unimplemented"]
    unique = list(dict.fromkeys(relevant))
    if not unique:
        return None
    return format_violations(unique, title=f"the bot broke Discord's API contract ({len(unique)}):")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    unchecked_reason(item)


@pytest.fixture
async def fake_discord(request: pytest.FixtureRequest) -> AsyncIterator[FakeDiscord]:
    unchecked = unchecked_reason(request.node) is not None
    fake = FakeDiscord()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    report = contract_report(fake.violations, unchecked=unchecked)
    if report:
        pytest.fail(report, pytrace=False)


@pytest.fixture
async def bot_runner(fake_discord: FakeDiscord) -> AsyncIterator[BotRunner]:
    runner = BotRunner(fake_discord)
    try:
        yield runner
    finally:
        await runner.close_all()
