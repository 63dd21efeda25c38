"""Local life end to end through the real discord.py client: three members onboard in the same
area, are offered and accept introductions, a circle is proposed, a moderator opens it with the
nearest organizer; a practice pairing; a log entry the mentor sees only with consent."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.bot import GroundworkBot
from db.enums import CircleStatus, IntroductionStatus
from db.models import Circle, NeighbourIntroduction
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import Channel, FakeDiscord, Guild, Message
from tests.fake_discord.state import GUILD_CATEGORY
from tests.support.clock import TestClock
from tests.support.waiting import eventually

MOD, LEEDS, BRADFORD, HARROGATE, MANCHESTER, LONDON = 4000, 5001, 5002, 5003, 6001, 6002
VIEW_CHANNEL = 1 << 10


async def dm_with(fake: FakeDiscord, user_id: int, prefix: str) -> Message:
    """The first unanswered DM to `user_id` with a button whose custom_id starts with `prefix`
    (answering a question removes its buttons)."""
    message: Message = await fake.wait_for(
        lambda: next(
            (m for m in fake.dms_to(user_id) if any(c.startswith(prefix) for c in m.custom_ids)), None
        ),
        what=f"a DM with {prefix} to {user_id}",
    )
    return message


async def press(fake: FakeDiscord, message: Message, answer: str, user_id: int) -> str:
    """Click the button ending in `:answer`; returns the text the message was changed to."""
    custom_id = next(c for c in message.custom_ids if c.endswith(f":{answer}"))
    await fake.click(message, custom_id, user_id=user_id)
    edited: Message = await fake.wait_for(
        lambda: None if fake.state.messages[message.id].custom_ids else fake.state.messages[message.id],
        what=f"{custom_id} to be answered",
    )
    return edited.text


async def thread_with(fake: FakeDiscord, parent: Channel, *user_ids: int, prefix: str) -> Channel:
    thread: Channel = await fake.wait_for(
        lambda: next(
            (
                t
                for t in fake.threads(parent)
                if (t.name or "").startswith(prefix) and set(user_ids) <= t.thread_members
            ),
            None,
        ),
        what=f"a {prefix} thread with {user_ids}",
    )
    return thread


async def first_message(fake: FakeDiscord, channel: Channel) -> Message:
    messages: list[Message] = await fake.wait_for(
        lambda: fake.messages_in(channel), what=f"a message in {channel.name}"
    )
    return messages[0]


async def leave_circle(fake: FakeDiscord, guild: Guild, user_id: int) -> str:
    """Leave one's circle with the button under /circle; returns what the bot answered."""
    shown = await fake.slash("circle", guild_id=guild.id, user_id=user_id)
    answer = (await shown.response()).message
    assert answer is not None
    leave = await fake.click(
        answer, next(c for c in answer.custom_ids if c.startswith("gw:cc:l:")), user_id=user_id
    )
    left = (await leave.response()).message
    assert left is not None
    return left.text


async def local_world(
    fake: FakeDiscord, guild: Guild, start_bot: StartBot, **settings: object
) -> tuple[GroundworkBot, Channel, Channel]:
    """A guild with review and introductions channels and a moderator; the bot started."""
    review = fake.add_channel(guild, name="review")
    intros = fake.add_channel(guild, name="introductions")
    fake.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(
        bot,
        guild,
        review_channel_id=review.id,
        introductions_channel_id=intros.id,
        radius_km=40.0,
        auto_confirm_organizers=True,
        **settings,
    )
    return bot, review, intros


async def test_three_neighbours_meet_and_grow_into_a_circle_with_the_nearest_organizer(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake = fake_discord
    bot, review, intros = await local_world(fake, guild, start_bot)
    for organizer, place in ((LONDON, "London"), (MANCHESTER, "Manchester")):
        await onboard(fake, guild, organizer, place, experience="experienced", mentor_capacity=2)

    # Leeds is first: nobody within 40 km yet, so no neighbour offer.
    await onboard(fake, guild, LEEDS, "Leeds")
    # Bradford shares only their region: offered one neighbour, says yes.
    await onboard(fake, guild, BRADFORD, "Bradford", sharing="region")
    offer = await dm_with(fake, BRADFORD, "gw:nb:o:")
    assert "**1** member(s) live within 40 km" in offer.text
    assert "asked 1 neighbour" in await press(fake, offer, "yes", BRADFORD)
    ask = await dm_with(fake, LEEDS, "gw:nb:i:")
    assert "England, United Kingdom" in ask.text
    assert "Bradford" not in ask.text and f"<@{BRADFORD}>" not in ask.text  # not named before a yes
    assert "private conversation" in await press(fake, ask, "yes", LEEDS)
    first = await thread_with(fake, intros, LEEDS, BRADFORD, prefix="Neighbours")
    assert first.type == 12  # private
    intro = (await first_message(fake, first)).text
    assert f"<@{LEEDS}>" in intro and f"<@{BRADFORD}>" in intro and "A first step" in intro
    assert "Leeds, United Kingdom" in intro and "Bradford" not in intro
    assert len(re.findall(r"<t:\d+:F>", intro)) == 2  # two suggested times, on each reader's clock

    # Harrogate: two neighbours, both say yes.
    await onboard(fake, guild, HARROGATE, "Harrogate")
    offer = await dm_with(fake, HARROGATE, "gw:nb:o:")
    assert "**2** member(s)" in offer.text
    await press(fake, offer, "yes", HARROGATE)
    for neighbour in (LEEDS, BRADFORD):
        await press(fake, await dm_with(fake, neighbour, "gw:nb:i:"), "yes", neighbour)
    await thread_with(fake, intros, HARROGATE, BRADFORD, prefix="Neighbours")
    await thread_with(fake, intros, HARROGATE, LEEDS, prefix="Neighbours")
    assert not fake.dms_to(MANCHESTER) or not any(
        c.startswith("gw:nb:") for m in fake.dms_to(MANCHESTER) for c in m.custom_ids
    )

    # The three are proposed to the moderators as a circle, with Manchester as nearest organizer.
    proposal: Message = await fake.wait_for(
        lambda: next((m for m in fake.messages_in(review) if m.embeds), None), what="the circle proposal"
    )
    for user_id in (LEEDS, BRADFORD, HARROGATE, MANCHESTER):
        assert f"<@{user_id}>" in proposal.text
    assert f"<@{LONDON}>" not in proposal.text
    assert "Leeds circle" in proposal.text
    approve = next(c for c in proposal.custom_ids if c.endswith(":approve"))
    refused = await fake.click(proposal, approve, user_id=LEEDS)  # not a moderator
    assert "can't use that" in (await refused.response()).message.text  # type: ignore[union-attr]
    assert "opened this circle" in await press(fake, proposal, "approve", MOD)

    circle = await thread_with(fake, intros, LEEDS, BRADFORD, HARROGATE, MANCHESTER, prefix="Leeds circle")
    assert circle.type == 12 and LONDON not in circle.thread_members
    starter = (await first_message(fake, circle)).text
    assert "Welcome to **Leeds circle**" in starter and f"<@{MANCHESTER}>" in starter

    async def opened() -> bool:
        async with bot.sessions() as session:
            row = (await session.execute(select(Circle))).scalar_one()
            return row.status == CircleStatus.OPEN and row.channel_id == circle.id

    await eventually(opened, what="the circle to be recorded")
    shown = await fake.slash("circle", guild_id=guild.id, user_id=HARROGATE)
    text = (await shown.response()).message.text  # type: ignore[union-attr]
    assert "**Leeds circle** · 3 member(s)" in text and f"<#{circle.id}>" in text
    listed = await fake.slash("mod circles", guild_id=guild.id, user_id=MOD)
    line = (await listed.response()).message.text  # type: ignore[union-attr]
    assert "**Leeds circle** · open · 3 member(s) · 0 log entries in 30 days · organizer" in line
    async with bot.sessions() as session:
        statuses = set((await session.execute(select(NeighbourIntroduction.status))).scalars())
    assert statuses == {IntroductionStatus.INTRODUCED}
    assert fake.violations == []


async def test_a_practice_pairing_and_a_log_entry_the_mentor_sees_only_with_consent(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot, _review, intros = await local_world(fake, guild, start_bot)
    await onboard(fake, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=2)
    await onboard(fake, guild, LEEDS, "Leeds", paths=("run_for_office",))
    await onboard(fake, guild, LONDON, "London", sharing="nothing")

    # Practice: Leeds waits, London asks and they are paired in a private thread.
    waiting = await fake.slash("practice", guild_id=guild.id, user_id=LEEDS)
    [note] = await waiting.followups(1)
    assert "on the list for a practice partner" in note.text
    paired = await fake.slash(
        "practice", guild_id=guild.id, user_id=LONDON, options={"path": "discussion_group"}
    )
    assert "found you a practice partner" in (await paired.followups(1))[0].text
    practice = await thread_with(fake, intros, LEEDS, LONDON, prefix="Practice")
    text = (await first_message(fake, practice)).text
    assert "Suggested time" in text and len(re.findall(r"<t:\d+:F>", text)) == 2
    assert "2-minute case for your candidacy at a door" in text
    assert "British Time (London)" in text.split(f"<@{LEEDS}>: ")[1]  # Leeds shares their town
    assert text.count("British Time (London)") == 1  # London shares nothing: their zone is not shown

    # Two days later both are asked whether it happened; a yes is logged as activity.
    clock.advance(days=3)
    await bot.get_cog("Practice").followups()  # type: ignore[union-attr]
    question = await dm_with(fake, LEEDS, "gw:pp:f:")
    assert f"<@{LONDON}>" in question.text
    await dm_with(fake, LONDON, "gw:pp:f:")
    assert "Well done" in await press(fake, question, "yes", LEEDS)

    # Manchester mentors Leeds; Leeds logs privately: the mentor sees nothing.
    paired_up = await fake.slash(
        "pairing pair", guild_id=guild.id, user_id=MOD, options={"member": LEEDS, "mentor": MANCHESTER}
    )
    await paired_up.followups(1)
    mentorship = await thread_with(fake, intros, LEEDS, MANCHESTER, prefix="Welcome")
    logged = await fake.slash(
        "log add",
        guild_id=guild.id,
        user_id=LEEDS,
        options={"kind": "attended_meeting", "note": "Town hall @everyone"},
    )
    assert "Only you" in (await logged.response()).message.text  # type: ignore[union-attr]
    peek = await fake.slash("log view", guild_id=guild.id, user_id=MANCHESTER, options={"member": LEEDS})
    assert "keeps their activity log private" in (await peek.response()).message.text  # type: ignore[union-attr]
    assert not any("Town hall" in m.text for m in fake.messages_in(mentorship))

    # With consent, new entries reach the mentorship thread and the mentor can read the log.
    shared = await fake.slash("log share", guild_id=guild.id, user_id=LEEDS, options={"share": True})
    assert "can now see" in (await shared.response()).message.text  # type: ignore[union-attr]
    await fake.slash(
        "log add",
        guild_id=guild.id,
        user_id=LEEDS,
        options={"kind": "talked_to_neighbours", "note": "Two doors"},
    )
    post = await fake.wait_for_message(mentorship, where=lambda m: "Two doors" in m.text)
    assert "Talked to neighbours" in post.text
    looked = await fake.slash("log view", guild_id=guild.id, user_id=MANCHESTER, options={"member": LEEDS})
    log_text = (await looked.response()).message.text  # type: ignore[union-attr]
    assert "Town hall" in log_text and "Two doors" in log_text and "Practice call" in log_text
    # Member-written text never pings anyone.
    assert "@everyone" not in log_text.replace("@\u200beveryone", "")
    assert fake.violations == []


def allowed(channel: Channel) -> set[int]:
    """Who the channel's member overwrites let in."""
    return {o.id for o in channel.overwrites if o.type == 1 and o.allow & VIEW_CHANNEL}


async def test_a_circle_channel_in_the_category_grows_with_a_later_neighbour_and_closes_when_all_leave(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake = fake_discord
    category = fake.add_channel(guild, name="Local circles", type=GUILD_CATEGORY)
    bot, review, _intros = await local_world(fake, guild, start_bot)
    await configure(bot, guild, circles_category_id=category.id, circle_min_size=2)
    await onboard(fake, guild, LEEDS, "Leeds")
    await onboard(fake, guild, BRADFORD, "Bradford", sharing="region")
    await press(fake, await dm_with(fake, BRADFORD, "gw:nb:o:"), "yes", BRADFORD)
    await press(fake, await dm_with(fake, LEEDS, "gw:nb:i:"), "yes", LEEDS)
    proposal: Message = await fake.wait_for(
        lambda: next((m for m in fake.messages_in(review) if m.embeds), None), what="the circle proposal"
    )
    assert "Leeds circle" in proposal.text  # Leeds shares their town; Bradford's is never used
    await press(fake, proposal, "approve", MOD)

    # A private channel in the category: hidden from everyone, open to the two.
    circle: Channel = await fake.wait_for(
        lambda: next((c for c in fake.state.channels.values() if c.parent_id == category.id), None),
        what="the circle channel",
    )
    assert circle.name == "leeds-circle"
    everyone = next(o for o in circle.overwrites if o.id == guild.id)
    assert everyone.deny & VIEW_CHANNEL
    assert {LEEDS, BRADFORD} <= allowed(circle)

    # Harrogate arrives later: offered the circle (not single introductions), joins, is let in.
    await onboard(fake, guild, HARROGATE, "Harrogate")
    invite = await dm_with(fake, HARROGATE, "gw:cc:o:")
    assert "**Leeds circle**, with 2 member(s)" in invite.text
    assert f"<#{circle.id}>" in await press(fake, invite, "join", HARROGATE)
    await fake.wait_for(lambda: HARROGATE in allowed(circle), what="Harrogate let into the channel")
    welcome = await fake.wait_for_message(circle, where=lambda m: "Please welcome" in m.text)
    assert f"<@{HARROGATE}>" in welcome.text

    # Everyone leaves: by the button on /circle, or by leaving the server. The circle closes.
    assert "You've left **Leeds circle**" in await leave_circle(fake, guild, LEEDS)
    await fake.wait_for(lambda: LEEDS not in allowed(circle), what="Leeds let out of the channel")
    for user_id in (BRADFORD, HARROGATE):
        await fake.member_leave(guild, user_id)
    closed = await fake.wait_for_message(review, where=lambda m: "closed" in m.text)
    assert "Leeds circle" in closed.text

    async def is_closed() -> bool:
        async with bot.sessions() as session:
            return (await session.execute(select(Circle.status))).scalar_one() == CircleStatus.CLOSED

    await eventually(is_closed, what="the circle to close")
    assert fake.violations == []
