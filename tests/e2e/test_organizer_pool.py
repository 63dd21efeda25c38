"""Growing the organizer pool end to end (issue 17 item 4): a mentee's second high check-in -> the
mentor's DM -> Endorse -> the member's yes -> a moderator confirms in the review channel -> they
are an organizer with one place (/organizer capacity works for them) and /mod overview counts 1.
Clicks by the wrong person are refused at each step."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from sqlalchemy import select

from bot.bot import GroundworkBot
from bot.texts import errors as error_texts
from bot.texts import organizer_pool as texts
from db.enums import OrganizerStatus
from db.models import Organizer
from tests.e2e.conftest import StartBot
from tests.e2e.test_checkins import form_for, scores, started, until_due
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message
from tests.integration.test_checkins_support import add_guild, add_member, add_mentor
from tests.support.clock import TestClock

if TYPE_CHECKING:
    from cogs.organizer_pool import OrganizerPool

ALICE, MENTOR, MOD = 5001, 5100, 4000


def _with(fake: FakeDiscord, messages: list[Message], prefix: str) -> Message | None:
    return next((m for m in messages if any(cid.startswith(prefix) for cid in m.custom_ids)), None)


async def _dm_with(fake: FakeDiscord, user_id: int, prefix: str, what: str) -> Message:
    found: Message = await fake.wait_for(lambda: _with(fake, fake.dms_to(user_id), prefix), what=what)
    return found


def _button(message: Message, answer: str) -> str:
    return next(cid for cid in message.custom_ids if cid.endswith(f":{answer}"))


async def _text(itx: InteractionHandle) -> str:
    first = await itx.response()
    if first.type == 5:
        return (await itx.followups(1, timeout=10))[0].text
    assert first.message is not None
    return first.message.text


async def _suggested(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> tuple[GroundworkBot, int, int, Message]:
    """Alice, mentored, logs a meeting and answers two high check-ins: her mentor's DM suggesting
    her (the bot, her member id, the review channel's id and the DM)."""
    review = fake_discord.add_channel(guild, name="mentor-review")
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    fake_discord.add_member(guild, user_id=MENTOR, name="mentor")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    checkins = await started(bot)
    await add_guild(bot.sessions, guild.id, review_channel_id=review.id)
    alice = await add_member(bot.sessions, ALICE, guild_id=guild.id, scores=3, onboarded_at=clock())
    await add_mentor(bot.sessions, alice, MENTOR, guild_id=guild.id)
    logged = await fake_discord.slash(
        "log add", guild_id=guild.id, user_id=ALICE, options={"kind": "attended_meeting", "note": None}
    )
    await logged.response()

    # A first high check-in: not yet (two are needed); the second one: the mentor is asked.
    await until_due(bot, clock, alice)
    await checkins.dispatch()
    await (await form_for(fake_discord, ALICE)).answer(scores(4))
    await fake_discord.wait_for(lambda: fake_discord.dms_to(MENTOR), what="the mentor's first summary")
    assert _with(fake_discord, fake_discord.dms_to(MENTOR), "gw:op:e:") is None
    await until_due(bot, clock, alice)
    await checkins.dispatch()
    await (await form_for(fake_discord, ALICE, count=2)).answer(scores(5))
    suggestion = await _dm_with(fake_discord, MENTOR, "gw:op:e:", "the suggestion to the mentor")
    return bot, alice, review.id, suggestion


async def test_a_mentee_who_grew_is_endorsed_says_yes_and_is_confirmed_as_an_organizer(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot, alice, review, suggestion = await _suggested(fake_discord, guild, start_bot, clock)
    assert f"<@{ALICE}>" in suggestion.text and "4.5 of 5" in suggestion.text
    assert len([m for m in fake_discord.dms_to(MENTOR) if "gw:op:e:" in "".join(m.custom_ids)]) == 1

    # Only her mentor endorses her.
    wrong = await fake_discord.click(suggestion, _button(suggestion, "endorse"), user_id=ALICE)
    assert texts.NOT_YOUR_MENTEE in await _text(wrong)
    endorsed = await fake_discord.click(suggestion, _button(suggestion, "endorse"), user_id=MENTOR)
    assert (await endorsed.response()).type == 7
    assert fake_discord.state.messages[suggestion.id].components == []  # no second click

    # She is asked, and says yes (only she can).
    ask = await _dm_with(fake_discord, ALICE, "gw:op:a:", "the question to the member")
    assert "help others get started" in ask.text
    wrong = await fake_discord.click(ask, _button(ask, "yes"), user_id=MENTOR)
    assert texts.NOT_FOR_YOU in await _text(wrong)
    yes = await fake_discord.click(ask, _button(ask, "yes"), user_id=ALICE)
    await yes.response()
    await fake_discord.wait_for(
        lambda: texts.ACCEPTED in fake_discord.state.messages[ask.id].text, what="her yes acknowledged"
    )

    # A moderator confirms in the review channel; the member herself cannot.
    post: Message = await fake_discord.wait_for(
        lambda: _with(fake_discord, fake_discord.messages_in(review), "gw:op:r:"), what="the review post"
    )
    assert f"<@{ALICE}>" in post.embeds[0]["description"] and f"<@{MENTOR}>" in post.embeds[0]["description"]
    refused = await fake_discord.click(post, _button(post, "confirm"), user_id=ALICE)
    assert error_texts.NOT_ALLOWED in await _text(refused)
    confirmed = await fake_discord.click(post, _button(post, "confirm"), user_id=MOD)
    await confirmed.response()
    await fake_discord.wait_for(
        lambda: "Confirmed by" in fake_discord.state.messages[post.id].text, what="the post updated"
    )
    await fake_discord.wait_for(
        lambda: any(texts.CONFIRMED_MEMBER in m.text for m in fake_discord.dms_to(ALICE)), what="she is told"
    )
    await fake_discord.wait_for(
        lambda: any("is now an organizer" in m.text for m in fake_discord.dms_to(MENTOR)), what="he is told"
    )
    async with bot.sessions() as session:
        organizer = await session.scalar(select(Organizer).where(Organizer.member_id == alice))
        assert organizer is not None
        assert (organizer.status, organizer.capacity, organizer.confirmed_by) == (
            OrganizerStatus.ACTIVE,
            1,
            MOD,
        )

    capacity = await fake_discord.slash(
        "organizer capacity", guild_id=guild.id, user_id=ALICE, options={"capacity": 2}
    )
    assert "2" in await _text(capacity)
    async with bot.sessions() as session:
        assert await session.scalar(select(Organizer.capacity).where(Organizer.member_id == alice)) == 2
    overview = await fake_discord.slash("mod overview", guild_id=guild.id, user_id=MOD)
    assert "**Mentees who went on to mentor others:** 1" in await _text(overview)


async def test_a_member_who_cannot_be_reached_can_be_endorsed_again_once_they_can(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    _, _, _, suggestion = await _suggested(fake_discord, guild, start_bot, clock)
    fake_discord.close_dms(ALICE)
    endorsed = await fake_discord.click(suggestion, _button(suggestion, "endorse"), user_id=MENTOR)
    await endorsed.response()
    again: Message = await fake_discord.wait_for(
        lambda: (
            "couldn't reach" in (m := fake_discord.state.messages[suggestion.id]).text and m.custom_ids and m
        ),
        what="the mentor told, the buttons back",
    )
    fake_discord.open_dms(ALICE)
    endorsed = await fake_discord.click(again, _button(again, "endorse"), user_id=MENTOR)
    await endorsed.response()
    await _dm_with(fake_discord, ALICE, "gw:op:a:", "the question to the member, this time")


async def test_the_daily_sweep_suggests_a_mentee_who_logged_activity_after_their_checkins(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    fake_discord.add_member(guild, user_id=MENTOR, name="mentor")
    bot = await start_bot()
    checkins = await started(bot)
    alice = await add_member(bot.sessions, ALICE, guild_id=guild.id, scores=3, onboarded_at=clock())
    await add_mentor(bot.sessions, alice, MENTOR, guild_id=guild.id)
    for count in (1, 2):
        await until_due(bot, clock, alice)
        await checkins.dispatch()
        await (await form_for(fake_discord, ALICE, count=count)).answer(scores(5))
        await fake_discord.wait_for_dm(MENTOR, count=count)  # the mentor's summary
    # Not isinstance: each bot loads the extension's modules afresh (see tests/e2e/test_checkins.py).
    found = bot.get_cog("OrganizerPool")
    assert found is not None and type(found).__name__ == "OrganizerPool"
    sweep = cast("OrganizerPool", found).sweep
    assert await sweep(guild.id) == 0  # nothing logged yet
    logged = await fake_discord.slash(
        "log add", guild_id=guild.id, user_id=ALICE, options={"kind": "started_group", "note": None}
    )
    await logged.response()
    assert await sweep(guild.id) == 1
    await _dm_with(fake_discord, MENTOR, "gw:op:e:", "the suggestion to the mentor")
    assert await sweep(guild.id) == 0  # once
