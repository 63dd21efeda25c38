"""The outbox end to end: an introduction that Discord fails is retried by the tick and arrives
once; one that keeps failing is given up, told to the moderators once and listed in /mod outbox;
one nobody got to (the process died after the approval) is done by the tick."""

from __future__ import annotations

import discord
from sqlalchemy import select

from bot.bot import GroundworkBot
from bot.services import outbox, pairing
from bot.texts import pairing as pairing_texts
from db.enums import ChatTaskKind
from db.models import ChatTask, Mentorship
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import Channel, FakeDiscord, Guild, Message
from tests.support.clock import TestClock

MOD, ALICE, MANCHESTER = 4000, 5001, 6001
THREADS = "/channels/{channel_id}/threads"


async def _world(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> tuple[GroundworkBot, Channel, Channel]:
    intros = fake_discord.add_channel(guild, name="introductions")
    alerts = fake_discord.add_channel(guild, name="mod-alerts")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(
        bot,
        guild,
        introductions_channel_id=intros.id,
        alerts_channel_id=alerts.id,
        auto_confirm_organizers=True,
    )
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    return bot, intros, alerts


async def _pair(fake_discord: FakeDiscord, guild: Guild) -> None:
    itx = await fake_discord.slash(
        "pairing pair", guild_id=guild.id, user_id=MOD, options={"member": ALICE, "mentor": MANCHESTER}
    )
    [answer] = await itx.followups(1)
    assert "Approved" in answer.text


async def _task(bot: GroundworkBot) -> ChatTask:
    async with bot.sessions() as session:
        intro = select(ChatTask).where(ChatTask.kind == ChatTaskKind.INTRODUCTION)
        return (await session.execute(intro)).scalar_one()


async def _mentorship(bot: GroundworkBot) -> Mentorship:
    async with bot.sessions() as session:
        return (await session.execute(select(Mentorship))).scalar_one()


def _intro_dms(fake_discord: FakeDiscord) -> list[Message]:
    return [m for user in (ALICE, MANCHESTER) for m in fake_discord.dms_to(user) if "introduce you" in m.text]


async def test_an_introduction_discord_fails_is_retried_by_the_tick_and_arrives_once(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot, intros, _ = await _world(fake_discord, guild, start_bot)
    # 503: a server error discord.py does not retry by itself (it retries 500s a few times).
    fake_discord.fail("POST", THREADS, 503, times=1)
    await _pair(fake_discord, guild)
    task = await _task(bot)
    assert (task.attempts, task.last_error, task.done_at) == (1, "DiscordServerError 503/0", None)
    assert fake_discord.threads(intros) == [] and _intro_dms(fake_discord) == []
    assert (await _mentorship(bot)).introduced_at is None

    # Before its backoff, the tick leaves it; after, it is introduced in a private thread.
    assert await bot.outbox.tick() == 0
    clock.advance(seconds=outbox.backoff(1).total_seconds())
    assert await bot.outbox.tick() == 1
    [thread] = fake_discord.threads(intros)
    [intro] = fake_discord.messages_in(thread)
    assert {ALICE, MANCHESTER} <= thread.thread_members
    assert f"<@{ALICE}>" in intro.text and f"<@{MANCHESTER}>" in intro.text
    mentorship = await _mentorship(bot)
    assert mentorship.thread_id == thread.id and mentorship.introduced_at == clock.now
    task = await _task(bot)
    assert task.done_at == clock.now and task.result_id == thread.id

    # Nothing more happens, ever: one thread, one introduction, no DMs.
    clock.advance(days=1)
    assert await bot.outbox.tick() == 0
    assert len(fake_discord.threads(intros)) == 1 and len(fake_discord.messages_in(thread)) == 1
    assert _intro_dms(fake_discord) == []


async def test_an_introduction_that_keeps_failing_is_shown_to_moderators(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot, intros, alerts = await _world(fake_discord, guild, start_bot)
    fake_discord.fail("POST", THREADS, 503, times=None)
    await _pair(fake_discord, guild)

    def told() -> list[Message]:
        return [m for m in fake_discord.messages_in(alerts) if "/mod outbox" in m.text]

    for attempt in range(1, outbox.MAX_ATTEMPTS):
        assert told() == []
        clock.advance(seconds=outbox.backoff(attempt).total_seconds())
        assert await bot.outbox.tick() == 1
    task = await _task(bot)
    assert task.failed_at is not None and task.attempts == outbox.MAX_ATTEMPTS
    [notice] = told()
    assert f"<@{ALICE}>" in notice.text and f"<@{MANCHESTER}>" in notice.text
    assert f"{outbox.MAX_ATTEMPTS} times" in notice.text
    clock.advance(days=1)
    assert await bot.outbox.tick() == 0
    assert len(told()) == 1  # once

    listed = await fake_discord.slash("mod outbox", guild_id=guild.id, user_id=MOD)
    shown = (await listed.response()).message
    assert shown is not None
    text = shown.text
    assert "gave up" in text and f"<@{ALICE}>" in text and "DiscordServerError 503/0" in text
    assert fake_discord.threads(intros) == [] and (await _mentorship(bot)).introduced_at is None


async def test_an_approval_nobody_introduced_is_introduced_by_the_tick(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot, intros, _ = await _world(fake_discord, guild, start_bot)
    # The approval commits; the process dies before the introduction (nothing runs it).
    async with bot.sessions() as session, session.begin():
        made = await pairing.pair_manually(
            session=session,
            guild_id=guild.id,
            member_user_id=ALICE,
            mentor_user_id=MANCHESTER,
            actor_id=MOD,
            now=clock(),
        )
    assert fake_discord.threads(intros) == []
    assert await bot.outbox.tick() == 1
    [thread] = fake_discord.threads(intros)
    assert len(fake_discord.messages_in(thread)) == 1
    mentorship = await _mentorship(bot)
    assert mentorship.id == made.mentorship_id and mentorship.thread_id == thread.id
    assert (await _task(bot)).done_at is not None


async def test_a_retry_continues_the_thread_an_earlier_attempt_opened(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot, intros, _ = await _world(fake_discord, guild, start_bot)
    # The thread is opened, then adding the first member fails: the retry uses that thread.
    fake_discord.fail("PUT", "/channels/{channel_id}/thread-members/{user_id}", 503, times=1)
    await _pair(fake_discord, guild)
    [thread] = fake_discord.threads(intros)
    assert fake_discord.messages_in(thread) == []
    task = await _task(bot)
    assert task.result_id == thread.id and task.done_at is None
    clock.advance(seconds=outbox.backoff(1).total_seconds())
    assert await bot.outbox.tick() == 1
    assert fake_discord.threads(intros) == [thread]
    assert len(fake_discord.messages_in(thread)) == 1 and {ALICE, MANCHESTER} <= thread.thread_members
    assert (await _mentorship(bot)).thread_id == thread.id


async def test_after_a_crash_the_thread_a_dead_attempt_opened_is_adopted_not_doubled(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot, intros, _ = await _world(fake_discord, guild, start_bot)
    async with bot.sessions() as session, session.begin():
        await pairing.pair_manually(
            session=session,
            guild_id=guild.id,
            member_user_id=ALICE,
            mentor_user_id=MANCHESTER,
            actor_id=MOD,
            now=clock(),
        )
    # A dead process claimed the task and opened the thread, then died before it could say so.
    async with bot.sessions() as session, session.begin():
        [claimed] = await outbox.claim_due(session=session, now=clock(), worker="dead:1", limit=5)
    channel = bot.get_channel(intros.id)
    assert isinstance(channel, discord.TextChannel)
    names = [
        member.display_name
        for user_id in (ALICE, MANCHESTER)
        if (member := channel.guild.get_member(user_id))
    ]
    orphan = await channel.create_thread(
        name=pairing_texts.THREAD_NAME.format(member=names[0], mentor=names[1]),
        type=discord.ChannelType.private_thread,
    )
    assert await bot.outbox.tick() == 0  # its lease still holds
    clock.advance(seconds=outbox.LEASE.total_seconds())
    assert await bot.outbox.tick() == 1
    [thread] = fake_discord.threads(intros)
    assert thread.id == orphan.id and len(fake_discord.messages_in(thread)) == 1
    assert {ALICE, MANCHESTER} <= thread.thread_members
    task = await _task(bot)
    assert task.id == claimed.task_id
    assert task.attempts == 2 and task.done_at is not None
    assert (await _mentorship(bot)).thread_id == orphan.id


async def test_an_introduction_discord_keeps_rate_limiting_is_retried_not_given_up(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot, intros, _ = await _world(fake_discord, guild, start_bot)
    # Five 429s in a row: discord.py waits out each and then gives up with the 429. Discord was
    # only busy, so the step waits for the tick instead of being settled as refused (DMs).
    fake_discord.rate_limit_once("POST", THREADS, retry_after=0.01, times=5)
    await _pair(fake_discord, guild)
    task = await _task(bot)
    assert (task.attempts, task.last_error, task.done_at) == (1, "HTTPException 429/0", None)
    assert fake_discord.threads(intros) == [] and _intro_dms(fake_discord) == []

    clock.advance(seconds=outbox.backoff(1).total_seconds())
    assert await bot.outbox.tick() == 1
    [thread] = fake_discord.threads(intros)
    assert {ALICE, MANCHESTER} <= thread.thread_members
    assert (await _task(bot)).done_at == clock.now
