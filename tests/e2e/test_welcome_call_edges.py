"""Welcome calls' edges end to end through the real discord.py client (issue 17): a host who
calls the next call off, and the member invited is told and invited to the one after; the member
in Berlin is never invited to a call for the Americas' time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.bot import GroundworkBot
from bot.texts import welcome_calls as texts
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.e2e.test_local import dm_with, press
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message
from tests.support.clock import TestClock
from tests.support.waiting import eventually

MOD, HOST, ALICE, KLAUS = 4000, 5200, 5201, 5202
NEW_YORK = ZoneInfo("America/New_York")
INVITE = "gw:wc:i:"


@pytest.fixture
def clock() -> TestClock:
    """Discord refuses an event that starts in the past: the bot's clock (shared with the fake)
    starts now."""
    return TestClock(datetime.now(UTC).replace(microsecond=0))


async def _answer(itx: InteractionHandle) -> Message:
    first = await itx.response()
    if first.type == 5:  # deferred: the answer is the first follow-up
        return (await itx.followups(1, timeout=10))[0]
    assert first.message is not None
    return first.message


async def _world(fake: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock) -> GroundworkBot:
    fake.clock = clock
    fake.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, auto_confirm_organizers=True, quiet_hours_start=0, quiet_hours_end=0)
    await onboard(fake, guild, HOST, "Philadelphia", experience="experienced", mentor_capacity=1)
    await onboard(fake, guild, ALICE, "New York City")
    await onboard(fake, guild, KLAUS, "Berlin, Germany")
    return bot


def _invitations(fake: FakeDiscord, user_id: int) -> list[Message]:
    return [m for m in fake.dms_to(user_id) if any(c.startswith(INVITE) for c in m.custom_ids)]


async def test_a_host_who_cancels_and_those_invited_are_told_and_invited_to_the_next(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot = await _world(fake, guild, start_bot, clock)
    weekday = (clock.now.astimezone(NEW_YORK) + timedelta(days=2)).weekday()
    options = {"band": "-8..-5", "weekday": weekday, "time": "18:00", "link": "https://meet.example.org"}
    await _answer(await fake.slash("call host", guild_id=guild.id, user_id=HOST, options=options))
    invite = await dm_with(fake, ALICE, INVITE)
    assert texts.THANKS_INTERESTED in await press(fake, invite, "interested", ALICE)
    [first] = fake.scheduled_events(guild)

    await _answer(await fake.slash("call cancel", guild_id=guild.id, user_id=HOST, options={"call": 1}))
    # Alice is told, kindly, and when the next one is.
    told: Message = await fake.wait_for(
        lambda: next((m for m in fake.dms_to(ALICE) if "is off, sorry" in m.text), None), what="Alice told"
    )
    assert "I'll invite you to the next one" in told.text
    await fake.wait_for(lambda: fake.scheduled_events(guild)[0].status == 4, what="the event cancelled")
    await fake.wait_for(lambda: len(fake.scheduled_events(guild)) == 2, what="the next call's event")
    second = fake.scheduled_events(guild)[1]
    assert second.id != first.id and second.scheduled_start_time > first.scheduled_start_time

    # ...and invited to it, with its buttons.
    cog = bot.get_cog("WelcomeCalls")
    assert cog is not None

    async def invited_again() -> bool:
        await cog.tick()  # type: ignore[attr-defined]
        return len(_invitations(fake, ALICE)) == 1  # the first one's buttons went when she answered

    await eventually(invited_again, timeout=5, what="Alice invited to the next call")
    # Klaus lives in Berlin: never invited to a call for UTC-8..-5, nor told of it.
    assert _invitations(fake, KLAUS) == [] and not any("welcome call" in m.text for m in fake.dms_to(KLAUS))
    assert fake.violations == []
