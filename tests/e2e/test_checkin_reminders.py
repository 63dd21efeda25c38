"""The one reminder before an unanswered check-in counts as missed, end to end: the real bot and
discord.py against the fake Discord, the test clock moved by hand."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.enums import CheckInStatus
from db.models import ReadinessCheckIn
from tests.e2e.conftest import StartBot
from tests.e2e.test_checkins import cog, form_for, scores, started, until_due
from tests.fake_discord import FakeDiscord, Guild, Message
from tests.integration.test_checkins_support import add_member, scheduled_due
from tests.support.clock import TestClock

ALICE, BOB = 5201, 5202
LONDON = ZoneInfo("Europe/London")


def reminders_to(fake: FakeDiscord, user_id: int) -> list[Message]:
    return [
        m for m in fake.dms_to(user_id) if "still waiting for you" in m.text or "answers so far" in m.text
    ]


async def test_a_member_gets_one_reminder_in_her_waking_hours_and_none_after_answering(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    for user_id in (ALICE, BOB):
        fake_discord.add_member(guild, user_id=user_id)
    bot = await start_bot()
    await started(bot)
    alice = await add_member(bot.sessions, ALICE, guild_id=guild.id, onboarded_at=clock())
    bob = await add_member(bot.sessions, BOB, guild_id=guild.id, onboarded_at=clock())
    await until_due(bot, clock, alice)
    clock.now = max(clock.now, (await scheduled_due(bot.sessions, bob) or clock.now) + timedelta(minutes=1))
    assert (await cog(bot).dispatch()).sent == 2
    form = await form_for(fake_discord, ALICE)
    await (await form_for(fake_discord, BOB)).answer(scores(4))  # Bob answers at once
    async with bot.sessions() as session:
        row = await session.get(ReadinessCheckIn, form.checkin_id)
        assert row is not None and row.reminder_due_at is not None
        remind_at = row.reminder_due_at
    closes = await scheduled_due(bot.sessions, alice)
    assert closes is not None and remind_at < closes

    clock.now = remind_at - timedelta(minutes=30)
    assert (await cog(bot).dispatch()).reminded == 0
    clock.now = remind_at + timedelta(minutes=1)
    assert clock.now.astimezone(LONDON).hour == 18  # her check-in hour, not the middle of the night
    assert (await cog(bot).dispatch()).reminded == 1
    [reminder] = await fake_discord.wait_for(lambda: reminders_to(fake_discord, ALICE), what="the reminder")
    assert reminder.channel_id == form.latest.channel_id  # in the DM where the check-in is
    assert f"<t:{int(closes.timestamp())}:R>" in reminder.text and "only reminder" in reminder.text
    [button] = [c for row_ in reminder.components for c in row_["components"]]
    assert button["style"] == 5 and button["url"].endswith(f"/{form.latest.channel_id}/{form.message_id}")
    assert reminders_to(fake_discord, BOB) == []

    # Never a second one: later the same day, the next morning, after a restart of the bot.
    for hours in (3, 15):
        clock.now = remind_at + timedelta(hours=hours)
        assert (await cog(bot).dispatch()).reminded == 0
    await bot.close()
    bot = await start_bot()
    await started(bot)
    assert (await cog(bot).dispatch()).reminded == 0
    assert len(reminders_to(fake_discord, ALICE)) == 1

    # She answers after the reminder: it counts as answered, not missed.
    checkin_id = form.checkin_id
    await form.answer(scores(3))
    async with bot.sessions() as session:
        status = await session.scalar(
            select(ReadinessCheckIn.status).where(ReadinessCheckIn.id == checkin_id)
        )
    assert status == CheckInStatus.ANSWERED
