"""The outbox's other steps end to end: Discord answering 503 to a circle's channel, its welcome,
an onboarded member's roles or their announcement is retried by the tick after its backoff,
and the effect happens once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.bot import GroundworkBot
from bot.services import outbox
from db.enums import ChatTaskKind
from db.models import ChatTask, Circle
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.e2e.test_local import allowed, dm_with, press
from tests.fake_discord import Channel, FakeDiscord, Guild, Message
from tests.fake_discord.state import GUILD_CATEGORY
from tests.support.clock import TestClock
from tests.support.waiting import eventually

MOD, LEEDS, BRADFORD = 4000, 5001, 5002
GUILD_CHANNELS = "/guilds/{guild_id}/channels"
MESSAGES = "/channels/{channel_id}/messages"
MEMBER_ROLE = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"


async def latest_task(bot: GroundworkBot, kind: ChatTaskKind) -> ChatTask | None:
    """The task of `kind` enqueued last, if any."""
    async with bot.sessions() as session:
        return await session.scalar(
            select(ChatTask).where(ChatTask.kind == kind).order_by(ChatTask.id.desc()).limit(1)
        )


async def attempted(bot: GroundworkBot, kind: ChatTaskKind, attempts: int = 1) -> ChatTask:
    """The latest task of `kind` once its attempt number `attempts` is over."""

    async def settled() -> bool:
        task = await latest_task(bot, kind)
        return task is not None and task.attempts == attempts and task.claimed_by is None

    await eventually(settled, what=f"attempt {attempts} of the {kind} task")
    task = await latest_task(bot, kind)
    assert task is not None
    return task


async def _circle_proposed(
    fake: FakeDiscord, guild: Guild, start_bot: StartBot
) -> tuple[GroundworkBot, Channel, Message]:
    category = fake.add_channel(guild, name="Local circles", type=GUILD_CATEGORY)
    review = fake.add_channel(guild, name="review")
    fake.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(
        bot,
        guild,
        review_channel_id=review.id,
        radius_km=40.0,
        circles_category_id=category.id,
        circle_min_size=2,
    )
    await onboard(fake, guild, LEEDS, "Leeds")
    await onboard(fake, guild, BRADFORD, "Bradford")
    await press(fake, await dm_with(fake, BRADFORD, "gw:nb:o:"), "yes", BRADFORD)
    await press(fake, await dm_with(fake, LEEDS, "gw:nb:i:"), "yes", LEEDS)
    proposal: Message = await fake.wait_for(
        lambda: next((m for m in fake.messages_in(review) if m.embeds), None), what="the circle proposal"
    )
    return bot, category, proposal


def _circle_channels(fake: FakeDiscord, category: Channel) -> list[Channel]:
    return [c for c in fake.state.channels.values() if c.parent_id == category.id]


def _welcomes(fake: FakeDiscord, channel: Channel) -> list[Message]:
    return [m for m in fake.messages_in(channel) if "Welcome to **Leeds circle**" in m.text]


async def _circle(bot: GroundworkBot) -> Circle:
    async with bot.sessions() as session:
        return (await session.execute(select(Circle))).scalar_one()


async def test_a_circle_channel_discord_fails_is_made_by_the_tick_once(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot, category, proposal = await _circle_proposed(fake, guild, start_bot)
    fake.fail("POST", GUILD_CHANNELS, 503, times=1)
    assert "opened this circle" in await press(fake, proposal, "approve", MOD)
    task = await attempted(bot, ChatTaskKind.CIRCLE_SPACE)
    assert (task.last_error, task.done_at) == ("DiscordServerError 503/0", None)
    assert _circle_channels(fake, category) == [] and (await _circle(bot)).channel_id is None

    assert await bot.outbox.tick() == 0  # before its backoff
    clock.advance(seconds=outbox.backoff(1).total_seconds())
    assert await bot.outbox.tick() == 1
    [channel] = _circle_channels(fake, category)
    assert channel.name == "leeds-circle" and {LEEDS, BRADFORD} <= allowed(channel)
    [welcome] = _welcomes(fake, channel)
    assert f"<@{LEEDS}>" in welcome.text and f"<@{BRADFORD}>" in welcome.text
    assert (await _circle(bot)).channel_id == channel.id
    task = await attempted(bot, ChatTaskKind.CIRCLE_SPACE, 2)
    assert task.done_at == clock.now and task.result_id == channel.id

    clock.advance(days=1)
    assert await bot.outbox.tick() == 0
    assert len(_circle_channels(fake, category)) == 1 and len(_welcomes(fake, channel)) == 1


async def test_a_circle_welcome_discord_fails_is_posted_in_the_same_channel_by_the_tick(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot, category, proposal = await _circle_proposed(fake, guild, start_bot)

    def welcome(request: Any) -> bool:
        return "Welcome to" in str((request.json or {}).get("content", ""))

    fake.fail("POST", MESSAGES, 503, times=1, where=welcome)
    await press(fake, proposal, "approve", MOD)
    task = await attempted(bot, ChatTaskKind.CIRCLE_SPACE)
    [channel] = _circle_channels(fake, category)  # made and recorded at once
    assert _welcomes(fake, channel) == [] and task.result_id == channel.id and task.done_at is None
    assert (await _circle(bot)).channel_id == channel.id

    clock.advance(seconds=outbox.backoff(1).total_seconds())
    assert await bot.outbox.tick() == 1
    assert _circle_channels(fake, category) == [channel]  # continued, not a second one
    assert len(_welcomes(fake, channel)) == 1
    assert (await attempted(bot, ChatTaskKind.CIRCLE_SPACE, 2)).done_at == clock.now


async def _member_task(bot: GroundworkBot, kind: ChatTaskKind) -> ChatTask:
    async def settled() -> bool:
        task = await latest_task(bot, kind)
        return task is not None and task.claimed_by is None and task.attempts >= 1

    await eventually(settled, what=f"the {kind} task to be tried")
    task = await latest_task(bot, kind)
    assert task is not None
    return task


async def test_roles_discord_fails_after_onboarding_are_given_by_the_tick_once(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    member_role = fake.add_role(guild, name="member")
    bot = await start_bot()
    await configure(bot, guild, member_role_id=member_role.id)
    fake.fail("PUT", MEMBER_ROLE, 503, times=None)
    clicker = await onboard(fake, guild, LEEDS, "Leeds")
    assert "couldn't give you your server roles" in clicker.latest().text  # as before: told at once
    task = await _member_task(bot, ChatTaskKind.MEMBER_ROLES)
    assert (task.attempts, task.last_error, task.done_at) == (1, "DiscordServerError 503/0", None)
    assert fake.role_names(guild, LEEDS) == []
    [region] = [role for role in fake.state.guilds[guild.id].roles.values() if role.name == "United Kingdom"]
    assert task.result_id == region.id  # made, and recorded at once

    fake.faults.clear()
    clock.advance(seconds=outbox.backoff(1).total_seconds())
    assert await bot.outbox.tick() == 1
    assert sorted(fake.role_names(guild, LEEDS)) == ["United Kingdom", "member"]
    region_roles = [
        role for role in fake.state.guilds[guild.id].roles.values() if role.name == "United Kingdom"
    ]
    assert region_roles == [region]  # not created twice
    assert (await latest_task(bot, ChatTaskKind.MEMBER_ROLES)).done_at == clock.now  # type: ignore[union-attr]
    added = [r for r in fake.requests_to("PUT", MEMBER_ROLE) if r.status == 204]
    assert len(added) == 2  # each role once
    clock.advance(days=1)
    assert await bot.outbox.tick() == 0


async def test_an_announcement_discord_fails_is_posted_by_the_tick_once(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    announcements = fake.add_channel(guild, name="welcome")
    bot = await start_bot()
    await configure(bot, guild, announce_channel_id=announcements.id)
    fake.fail(
        "POST", MESSAGES, 503, times=1, where=lambda r: r.params.get("channel_id") == str(announcements.id)
    )
    clicker = await onboard(fake, guild, LEEDS, "Leeds")
    assert "You're all set" in clicker.latest().text
    task = await _member_task(bot, ChatTaskKind.ANNOUNCEMENT)
    assert (task.last_error, task.done_at) == ("DiscordServerError 503/0", None)
    assert fake.messages_in(announcements) == []

    clock.advance(seconds=outbox.backoff(1).total_seconds())
    assert await bot.outbox.tick() == 1
    [announcement] = fake.messages_in(announcements)
    assert "A new member joined from **England, United Kingdom**" in announcement.text
    task = await _member_task(bot, ChatTaskKind.ANNOUNCEMENT)
    assert task.done_at == clock.now and task.result_id == announcement.id
    clock.advance(days=1)
    assert await bot.outbox.tick() == 0
    assert len(fake.messages_in(announcements)) == 1
