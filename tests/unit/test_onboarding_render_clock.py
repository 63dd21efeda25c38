"""The onboarding step's "local time there" comes from the bot's clock, not the machine's."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from bot.services.onboarding import Conversation, Step
from cogs.onboarding import CONTROLS
from cogs.onboarding._render import render

WINTER_NOON = datetime(2031, 1, 15, 12, 0, tzinfo=UTC)


def _conversation(step: Step) -> Conversation:
    return Conversation(
        session_id=1,
        guild_id=1,
        user_id=1,
        step=step,
        answers={"timezone": "Asia/Kolkata"},
        member_id=1,
        version=1,
        expires_at=WINTER_NOON,
    )


async def test_the_time_zone_choices_show_the_local_time_at_the_clocks_now() -> None:
    rendered = render(CONTROLS, _conversation(Step.TIMEZONE), now=WINTER_NOON, timezones=["America/New_York"])
    items = [getattr(child, "item", child) for child in rendered.view.children]  # DynamicItem wraps it
    [menu] = [item for item in items if isinstance(item, discord.ui.Select)]
    described = {option.value: option.description for option in menu.options}
    assert described == {
        "Asia/Kolkata": "17:30 there now",
        "America/New_York": "07:00 there now",
        "UTC": "12:00 there now",
    }
