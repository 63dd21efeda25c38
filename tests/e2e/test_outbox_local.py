"""Local life's chat steps end to end: Discord answering 503 to two neighbours' thread, practice
partners' introduction, a circle's welcome for a newcomer, the word that someone left, or a
closed circle's last word is retried once by the tick after its backoff, and the effect happens
exactly once (after a neighbours' introduction the circle sweep still runs)."""

from __future__ import annotations

from typing import Any

from bot.bot import GroundworkBot
from bot.services import outbox
from db.enums import ChatTaskKind
from db.models import ChatTask
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import onboard
from tests.e2e.test_local import dm_with, leave_circle, local_world, press, thread_with
from tests.e2e.test_outbox_steps import attempted
from tests.fake_discord import Channel, FakeDiscord, Guild, Message
from tests.support.clock import TestClock

MOD, LEEDS, BRADFORD, HARROGATE, LYON = 4000, 5001, 5002, 5003, 5004
THREADS = "/channels/{channel_id}/threads"
MESSAGES = "/channels/{channel_id}/messages"
SERVER_ERROR = "DiscordServerError 503/0"


def _saying(words: str) -> Any:
    def where(request: Any) -> bool:
        return words in str((request.json or {}).get("content", ""))

    return where


async def _retried(bot: GroundworkBot, clock: TestClock, kind: ChatTaskKind) -> ChatTask:
    """The tick retries the task once its backoff ran out (not before), and it is done."""
    assert await bot.outbox.tick() == 0
    clock.advance(seconds=outbox.backoff(1).total_seconds())
    assert await bot.outbox.tick() == 1
    task = await attempted(bot, kind, 2)
    assert task.done_at == clock.now
    return task


def _threads(fake: FakeDiscord, intros: Channel, prefix: str) -> list[Channel]:
    return [t for t in fake.threads(intros) if (t.name or "").startswith(prefix)]


def _proposals(fake: FakeDiscord, review: Channel) -> list[Message]:
    return [m for m in fake.messages_in(review) if m.embeds]


async def _neighbours_say_yes(fake: FakeDiscord, guild: Guild) -> None:
    await onboard(fake, guild, LEEDS, "Leeds")
    await onboard(fake, guild, BRADFORD, "Bradford")
    await press(fake, await dm_with(fake, BRADFORD, "gw:nb:o:"), "yes", BRADFORD)
    assert "private conversation" in await press(fake, await dm_with(fake, LEEDS, "gw:nb:i:"), "yes", LEEDS)


async def test_a_neighbours_thread_discord_fails_is_opened_by_the_tick_once_and_a_circle_follows(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot, review, intros = await local_world(fake, guild, start_bot, circle_min_size=2)
    fake.fail("POST", THREADS, 503, times=1)
    await _neighbours_say_yes(fake, guild)
    task = await attempted(bot, ChatTaskKind.NEIGHBOUR_INTRODUCTION)
    assert (task.last_error, task.done_at, task.result_id) == (SERVER_ERROR, None, None)
    assert _threads(fake, intros, "Neighbours") == [] and _proposals(fake, review) == []

    task = await _retried(bot, clock, ChatTaskKind.NEIGHBOUR_INTRODUCTION)
    [thread] = _threads(fake, intros, "Neighbours")
    assert {LEEDS, BRADFORD} <= thread.thread_members and task.result_id == thread.id
    [introduction] = fake.messages_in(thread)
    assert f"<@{LEEDS}>" in introduction.text and f"<@{BRADFORD}>" in introduction.text
    # Introduced: the circle sweep runs, and the two are proposed as a circle.
    proposal = await fake.wait_for(lambda: next(iter(_proposals(fake, review)), None), what="a proposal")
    assert "Leeds circle" in proposal.text

    clock.advance(days=1)
    assert await bot.outbox.tick() == 0
    assert len(_threads(fake, intros, "Neighbours")) == 1 and len(fake.messages_in(thread)) == 1
    assert fake.violations == []


async def test_a_practice_introduction_discord_fails_is_posted_in_the_same_thread_by_the_tick(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot, _review, intros = await local_world(fake, guild, start_bot, circle_min_size=2)
    await onboard(fake, guild, LEEDS, "Leeds")
    await onboard(fake, guild, LYON, "Lyon")
    await (await fake.slash("practice", guild_id=guild.id, user_id=LEEDS)).followups(1)
    fake.fail("POST", MESSAGES, 503, times=1, where=_saying("Suggested time"))
    paired = await fake.slash("practice", guild_id=guild.id, user_id=LYON)
    assert "found you a practice partner" in (await paired.followups(1))[0].text
    task = await attempted(bot, ChatTaskKind.PRACTICE_INTRODUCTION)
    [thread] = _threads(fake, intros, "Practice")  # made, and recorded at once
    assert (task.last_error, task.done_at, task.result_id) == (SERVER_ERROR, None, thread.id)
    assert fake.messages_in(thread) == []

    await _retried(bot, clock, ChatTaskKind.PRACTICE_INTRODUCTION)
    assert _threads(fake, intros, "Practice") == [thread]  # continued, not a second one
    [introduction] = fake.messages_in(thread)
    assert "Suggested time" in introduction.text and {LEEDS, LYON} <= thread.thread_members
    clock.advance(days=1)
    assert await bot.outbox.tick() == 0
    assert len(fake.messages_in(thread)) == 1
    assert fake.violations == []


def _saying_in(fake: FakeDiscord, channel: Channel, words: str) -> list[Message]:
    return [m for m in fake.messages_in(channel) if words in m.text]


async def test_a_circles_welcome_leave_notice_and_last_word_discord_fails_are_each_retried_once(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot, review, intros = await local_world(fake, guild, start_bot, circle_min_size=2)
    await _neighbours_say_yes(fake, guild)
    proposal = await fake.wait_for(lambda: next(iter(_proposals(fake, review)), None), what="a proposal")
    await press(fake, proposal, "approve", MOD)
    circle = await thread_with(fake, intros, LEEDS, BRADFORD, prefix="Leeds circle")
    await fake.wait_for(lambda: _saying_in(fake, circle, "Welcome to"), what="the circle's welcome")

    # Harrogate joins: let in at once; the welcome Discord fails is posted by the tick, once.
    fake.fail("POST", MESSAGES, 503, times=1, where=_saying("Please welcome"))
    await onboard(fake, guild, HARROGATE, "Harrogate")
    assert "You're in **Leeds circle**" in await press(
        fake, await dm_with(fake, HARROGATE, "gw:cc:o:"), "join", HARROGATE
    )
    task = await attempted(bot, ChatTaskKind.CIRCLE_JOIN)
    assert (task.last_error, task.done_at) == (SERVER_ERROR, None)
    assert HARROGATE in circle.thread_members and _saying_in(fake, circle, "Please welcome") == []
    await _retried(bot, clock, ChatTaskKind.CIRCLE_JOIN)
    [welcome] = _saying_in(fake, circle, "Please welcome")
    assert f"<@{HARROGATE}>" in welcome.text

    # Leeds leaves: let out at once; the word to the others is posted by the tick, once.
    fake.fail("POST", MESSAGES, 503, times=1, where=_saying("A member has left"))
    assert "You've left" in await leave_circle(fake, guild, LEEDS)
    task = await attempted(bot, ChatTaskKind.CIRCLE_LEAVE)
    assert (task.last_error, task.done_at) == (SERVER_ERROR, None)
    assert LEEDS not in circle.thread_members and _saying_in(fake, circle, "A member has left") == []
    task = await _retried(bot, clock, ChatTaskKind.CIRCLE_LEAVE)
    [notice] = _saying_in(fake, circle, "A member has left")
    assert task.result_id == notice.id

    # The last two leave: the circle closes; its last word Discord fails comes with the tick,
    # then the thread is archived and locked and the moderators are told, each once.
    fake.fail("POST", MESSAGES, 503, times=1, where=_saying("Everyone has left"))
    assert "You've left" in await leave_circle(fake, guild, BRADFORD)
    await fake.member_leave(guild, HARROGATE)
    task = await attempted(bot, ChatTaskKind.CIRCLE_CLOSE)
    assert (task.last_error, task.done_at) == (SERVER_ERROR, None)
    assert not circle.archived and not [m for m in fake.messages_in(review) if "closed" in m.text]
    assert len(_saying_in(fake, circle, "A member has left")) == 2  # Bradford's; none for the last one
    await _retried(bot, clock, ChatTaskKind.CIRCLE_CLOSE)
    assert len(_saying_in(fake, circle, "Everyone has left")) == 1
    assert circle.archived and circle.locked
    [told] = [m for m in fake.messages_in(review) if "closed" in m.text]
    assert "Leeds circle" in told.text

    clock.advance(days=1)
    assert await bot.outbox.tick() == 0
    assert len(_saying_in(fake, circle, "Please welcome")) == 1
    assert len(_saying_in(fake, circle, "A member has left")) == 2
    assert len([m for m in fake.messages_in(review) if "closed" in m.text]) == 1
    assert fake.violations == []
