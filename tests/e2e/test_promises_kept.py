"""Promises kept and organizers seen, end to end against the fake Discord (issue 18 items 5 and 3):
a mentor introduction suggests two times as Discord timestamps; a mentee's "We haven't met yet"
nudges the mentor by DM with two times (the mentor's own answer nudges nobody); a member who
offers to mentor shows up in the review channel with a Confirm button that only a moderator can
use, and confirming there makes them an organizer whom members waiting are proposed to."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.texts import errors as error_texts
from bot.texts import pairing as texts
from db.enums import OrganizerStatus
from db.models import AuditEntry, Member, Mentorship, Organizer
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message
from tests.support.clock import TestClock
from tests.support.waiting import eventually

MOD, ALICE, MANCHESTER = 4000, 5001, 6001
TIMESTAMP = re.compile(r"<t:\d+:F>")


async def _text(itx: InteractionHandle) -> str:
    first = await itx.response()
    if first.message is None:
        return (await itx.followups(1, timeout=10))[0].text
    return first.message.text


def _button(message: Message, prefix: str) -> str:
    return next(cid for cid in message.custom_ids if cid.startswith(prefix))


async def test_an_introduction_suggests_two_times_and_we_havent_met_nudges_the_mentor(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    review = fake_discord.add_channel(guild, name="mentor-review")
    intros = fake_discord.add_channel(guild, name="introductions")
    bot = await start_bot()
    await configure(
        bot,
        guild,
        review_channel_id=review.id,
        introductions_channel_id=intros.id,
        auto_confirm_organizers=True,
        auto_approve_pairings=True,
    )
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=2)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    offer = await fake_discord.wait_for(
        lambda: next(
            (m for m in fake_discord.dms_to(ALICE) if any(c.startswith("gw:mr:") for c in m.custom_ids)), None
        ),
        what="the mentor offer",
    )
    await (await fake_discord.click(offer, offer.custom_ids[0], user_id=ALICE)).followups(1)

    # The introduction names two times, each a Discord timestamp on the reader's own clock.
    [thread] = await fake_discord.wait_for(
        lambda: fake_discord.threads(intros), what="the introduction thread"
    )
    [intro] = await fake_discord.wait_for(lambda: fake_discord.messages_in(thread), what="the introduction")
    assert len(TIMESTAMP.findall(intro.text)) == 2
    assert "Two times that could suit you both" in intro.text

    async def introduced() -> bool:
        async with bot.sessions() as session:
            return (await session.scalar(select(Mentorship.introduced_at))) is not None

    await eventually(introduced, what="the introduction to be recorded")

    # Two weeks later: the mentor says they haven't met: nobody is nudged.
    clock.advance(days=15)
    await bot.get_cog("Pairing").followups()  # type: ignore[union-attr]

    def question_to(user_id: int) -> Message | None:
        return next((m for m in fake_discord.dms_to(user_id) if "How is it going" in m.text), None)

    mentors = await fake_discord.wait_for(lambda: question_to(MANCHESTER), what="the mentor's follow-up")
    said = await fake_discord.click(
        mentors, next(c for c in mentors.custom_ids if c.endswith(":not_met")), user_id=MANCHESTER
    )
    assert await _text(said) == texts.FOLLOWUP_NOT_MET_TIP

    # Alice says it: she reads that her mentor hears it too, and the mentor gets a DM with two times.
    question = await fake_discord.wait_for(lambda: question_to(ALICE), what="Alice's follow-up")
    answered = await fake_discord.click(
        question, next(c for c in question.custom_ids if c.endswith(":not_met")), user_id=ALICE
    )
    assert await _text(answered) == texts.FOLLOWUP_NOT_MET_NUDGED
    nudge = await fake_discord.wait_for(
        lambda: next((m for m in fake_discord.dms_to(MANCHESTER) if "haven't met yet" in m.text), None),
        what="the mentor's nudge",
    )
    assert f"<@{ALICE}>" in nudge.text and len(TIMESTAMP.findall(nudge.text)) == 2
    assert not any(
        "haven't met yet" in m.text and "says you two" in m.text for m in fake_discord.dms_to(ALICE)
    )
    assert sum("says you two haven't met yet" in m.text for m in fake_discord.dms_to(MANCHESTER)) == 1


async def test_an_organizer_waiting_for_confirmation_is_confirmed_from_the_review_channel(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    review = fake_discord.add_channel(guild, name="mentor-review")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, review_channel_id=review.id, auto_confirm_organizers=False)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    asked = await fake_discord.slash("mentor request", guild_id=guild.id, user_id=ALICE)
    await asked.followups(1)  # nobody to propose yet: she waits

    # Manchester offers to mentor: the moderators see them in the review channel.
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=2)
    post = await fake_discord.wait_for(
        lambda: next(
            (
                m
                for m in fake_discord.messages_in(review.id)
                if any(c.startswith("gw:or:") for c in m.custom_ids)
            ),
            None,
        ),
        what="the organizer's review post",
    )
    assert f"<@{MANCHESTER}>" in post.text
    assert post.embeds[0]["title"] == texts.ORGANIZER_REVIEW_TITLE
    assert "up to 2 member(s)" in post.embeds[0]["description"]
    assert "Experienced organizer" in post.embeds[0]["description"]
    confirm = _button(post, "gw:or:")

    # Only a moderator may confirm.
    refused = await fake_discord.click(post, confirm, user_id=ALICE)
    assert error_texts.NOT_ALLOWED in await _text(refused)
    async with bot.sessions() as session:
        organizer = await session.scalar(select(Organizer).join(Member).where(Member.user_id == MANCHESTER))
        assert organizer is not None and organizer.status == OrganizerStatus.PENDING

    confirmed = await fake_discord.click(post, confirm, user_id=MOD)
    await confirmed.response()
    await fake_discord.wait_for(
        lambda: "was confirmed as an organizer by" in fake_discord.state.messages[post.id].text,
        what="the review post updated",
        timeout=10,
    )
    assert not fake_discord.state.messages[post.id].custom_ids  # the button is gone
    async with bot.sessions() as session:
        organizer = await session.scalar(select(Organizer).join(Member).where(Member.user_id == MANCHESTER))
        assert organizer is not None
        assert (organizer.status, organizer.confirmed_by) == (OrganizerStatus.ACTIVE, MOD)
        actions = (await session.scalars(select(AuditEntry.action))).all()
        assert "organizer.confirmed" in actions

    # The same as /mod organizer confirm: Alice, waiting, is proposed to the new organizer.
    proposal = await fake_discord.wait_for(
        lambda: next(
            (
                m
                for m in fake_discord.messages_in(review.id)
                if any(c.startswith("gw:pr:") for c in m.custom_ids)
            ),
            None,
        ),
        what="Alice's proposal",
        timeout=20,
    )
    assert f"<@{ALICE}>" in proposal.embeds[0]["description"]
