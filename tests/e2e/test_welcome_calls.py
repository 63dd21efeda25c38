"""Welcome calls end to end through the real discord.py client (issue 17 item 3): an organizer hosts
a weekly call, the Discord scheduled event exists, a waiting member in the band is invited by DM
(one in Berlin is not), says she'd like to come, is reminded a day and an hour before, joins the
voice channel during the call; she is counted, her human contact recorded, asked how it was, and
next week's call is scheduled. An external call is counted from the host's one-tap list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.bot import GroundworkBot
from bot.services import welcome_calls
from bot.texts import welcome_calls as texts
from db.enums import HumanContactKind
from db.models import HumanContact, Member, WelcomeCallPresence
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.e2e.test_local import dm_with, press
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message
from tests.fake_discord.state import GUILD_VOICE
from tests.support.clock import TestClock
from tests.support.waiting import eventually

MOD, HOST, ALICE, KLAUS, BOB = 4000, 5100, 5101, 5102, 5103
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def clock() -> TestClock:
    """The bot's clock starts now: Discord refuses an event that starts in the past (the fake
    is told to share this clock, as Discord and the bot share real time)."""
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


def _in_two_days(clock: TestClock) -> int:
    return (clock.now.astimezone(NEW_YORK) + timedelta(days=2)).weekday()


async def _tick(bot: GroundworkBot) -> None:
    cog = bot.get_cog("WelcomeCalls")
    assert cog is not None
    await cog.tick()  # type: ignore[attr-defined]


async def _dm_saying(fake: FakeDiscord, user_id: int, words: str) -> Message:
    found: Message = await fake.wait_for(
        lambda: next((m for m in fake.dms_to(user_id) if words in m.text), None),
        what=f"a DM saying {words!r}",
    )
    return found


async def test_a_voice_welcome_call_from_hosting_to_next_week(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot = await _world(fake, guild, start_bot, clock)
    await onboard(fake, guild, BOB, "Chicago, Illinois")
    voice = fake.add_channel(guild, name="Welcome call", type=GUILD_VOICE)
    await fake.guild_available(guild)  # the bot sees the new voice channel

    # Only organizers host.
    refused = await _answer(
        await fake.slash(
            "call host",
            guild_id=guild.id,
            user_id=ALICE,
            options={"band": "UTC-8..-5", "weekday": 0, "time": "18:00", "channel": voice.id},
        )
    )
    assert refused.text == texts.NOT_AN_ORGANIZER
    hosted = await _answer(
        await fake.slash(
            "call host",
            guild_id=guild.id,
            user_id=HOST,
            options={
                "band": "UTC-8..-5",
                "weekday": _in_two_days(clock),
                "time": "18:00",
                "channel": voice.id,
            },
        )
    )
    assert "Your welcome call is on" in hosted.text and "UTC-8..-5" in hosted.text
    assert texts.EVENT_FAILED.strip() not in hosted.text

    # The Discord event: a voice event in the channel, two days ahead at 18:00 in the host's zone.
    [event] = fake.scheduled_events(guild)
    assert event.entity_type == 2 and event.channel_id == voice.id and event.status == 1
    start = datetime.fromisoformat(event.scheduled_start_time)
    assert start.astimezone(NEW_YORK).hour == 18
    # Made again (a crash between making it and recording it): the same event, not a second one.
    async with bot.sessions() as session:
        [on] = await welcome_calls.listing(session=session, guild_id=guild.id)
    assert await bot.messenger.make_call_event(on.call) == event.id
    assert len(fake.scheduled_events(guild)) == 1

    # Alice (New York, waiting for attention) is invited; Klaus in Berlin never.
    invite = await dm_with(fake, ALICE, "gw:wc:i:")
    assert f"<@{HOST}>" in invite.text and f"<#{voice.id}>" in invite.text and "<t:" in invite.text
    assert texts.THANKS_INTERESTED in await press(fake, invite, "interested", ALICE)
    assert not [m for m in fake.dms_to(KLAUS) if any(c.startswith("gw:wc:") for c in m.custom_ids)]

    # Reminders: the day before, then the hour before; each once.
    clock.now = start - timedelta(hours=23)
    await _tick(bot)
    await _dm_saying(fake, ALICE, "is tomorrow")
    await _tick(bot)
    clock.now = start - timedelta(minutes=30)
    await _tick(bot)
    await _dm_saying(fake, ALICE, "starts in an hour")
    assert sum("welcome call" in m.text for m in fake.dms_to(ALICE)) == 3  # invite and two reminders
    # Bob never answered; he is in the channel twenty minutes early and stays.
    await dm_with(fake, BOB, "gw:wc:i:")
    assert not [m for m in fake.dms_to(BOB) if "is tomorrow" in m.text]
    clock.now = start - timedelta(minutes=20)
    await fake.voice_join(guild, BOB, voice)

    # The call starts (the event goes live); Alice is in the channel for 40 minutes.
    clock.now = start + timedelta(minutes=1)
    await _tick(bot)
    await fake.wait_for(lambda: fake.scheduled_events(guild)[0].status == 2, what="the event to start")
    await fake.voice_join(guild, ALICE, voice)

    async def stays() -> list[WelcomeCallPresence]:
        async with bot.sessions() as session:
            return list((await session.execute(select(WelcomeCallPresence))).scalars())

    async def joined() -> bool:
        return len(await stays()) == 2  # Bob's since the start, and Alice's

    await eventually(joined, what="Alice's stay recorded")
    clock.now = start + timedelta(minutes=41)
    await fake.voice_leave(guild, ALICE)

    async def left() -> bool:
        return sum(stay.left_at is not None for stay in await stays()) == 1

    await eventually(left, what="Alice's stay closed")

    # The end: the event completed, Alice counted and asked one question, the next week scheduled.
    clock.now = start + timedelta(hours=1)
    await _tick(bot)
    asked = await dm_with(fake, ALICE, "gw:wc:f:")
    assert f"<@{HOST}>" in asked.text
    await dm_with(fake, BOB, "gw:wc:f:")
    await fake.wait_for(lambda: len(fake.scheduled_events(guild)) == 2, what="next week's event")
    first, upcoming = fake.scheduled_events(guild)
    assert first.status == 3 and upcoming.status == 1
    assert datetime.fromisoformat(upcoming.scheduled_start_time) == start + timedelta(weeks=1)
    async with bot.sessions() as session:
        contacts = (
            await session.execute(
                select(Member.user_id)
                .join(HumanContact, HumanContact.member_id == Member.id)
                .where(HumanContact.kind == HumanContactKind.WELCOME_CALL)
            )
        ).scalars()
        assert sorted(contacts) == [ALICE, BOB]
    assert await press(fake, asked, "glad", ALICE) == texts.THANKS_GLAD
    # She came: not invited again to this call. Klaus still is not either.
    assert len([m for m in fake.dms_to(ALICE) if "gw:wc:i:" in "".join(m.custom_ids)]) == 0

    listed = await _answer(await fake.slash("call list", guild_id=guild.id, user_id=ALICE))
    assert "UTC-8..-5" in listed.text and f"<@{HOST}>" in listed.text
    attention = await _answer(await fake.slash("mod attention", guild_id=guild.id, user_id=MOD))
    assert "**Welcome calls:** 1 scheduled" in attention.text
    assert "One more weekly welcome call in UTC-1..+2 would reach 1 member(s)" in attention.text  # Klaus
    assert fake.violations == []


async def test_an_external_call_is_counted_from_the_hosts_list(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot = await _world(fake, guild, start_bot, clock)
    await _answer(
        await fake.slash(
            "call host",
            guild_id=guild.id,
            user_id=HOST,
            options={
                "band": "-8..-5",
                "weekday": _in_two_days(clock),
                "time": "18:00",
                "link": "https://meet.example.org/welcome",
            },
        )
    )
    [event] = fake.scheduled_events(guild)
    assert event.entity_type == 3 and event.location == "https://meet.example.org/welcome"
    assert event.channel_id is None and event.scheduled_end_time is not None
    invite = await dm_with(fake, ALICE, "gw:wc:i:")
    assert "https://meet.example.org/welcome" in invite.text
    # Alice says so on the Discord event itself instead: she is reminded all the same.
    await fake.event_interest(guild, event.id, ALICE)
    clock.now = datetime.fromisoformat(event.scheduled_start_time) - timedelta(hours=23)

    async def reminded() -> bool:
        await _tick(bot)
        return any("is tomorrow" in m.text for m in fake.dms_to(ALICE))

    await eventually(reminded, what="Alice reminded after marking the event Interested")

    # Afterwards the host picks who came; Alice is counted and asked.
    clock.now = datetime.fromisoformat(event.scheduled_end_time)
    await _tick(bot)
    listing = await dm_with(fake, HOST, "gw:wc:w:")
    [custom_id] = listing.custom_ids
    assert [o["value"] for o in listing.component(custom_id)["options"]] == [str(ALICE), "0"]
    await fake.select(listing, custom_id, [str(ALICE)], user_id=HOST)
    await _dm_saying(fake, HOST, "I've noted 1 who came")
    await dm_with(fake, ALICE, "gw:wc:f:")

    # The host calls the next one off (Alice came, so she was not invited to it); the one after
    # is scheduled.
    cancel = await _answer(
        await fake.slash("call cancel", guild_id=guild.id, user_id=ALICE, options={"call": 1})
    )
    assert cancel.text == texts.NOT_YOUR_CALL
    await fake.wait_for(lambda: len(fake.scheduled_events(guild)) == 2, what="next week's event")
    await _answer(await fake.slash("call cancel", guild_id=guild.id, user_id=HOST, options={"call": 1}))
    assert fake.scheduled_events(guild)[1].status == 4
    await fake.wait_for(lambda: len(fake.scheduled_events(guild)) == 3, what="the call after")
    assert fake.violations == []


async def test_a_host_who_leaves_the_server_calls_it_off(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    await _world(fake, guild, start_bot, clock)
    options = {
        "band": "-8..-5",
        "weekday": _in_two_days(clock),
        "time": "18:00",
        "link": "https://meet.example.org",
    }
    await _answer(await fake.slash("call host", guild_id=guild.id, user_id=HOST, options=options))
    await dm_with(fake, ALICE, "gw:wc:i:")
    await fake.member_leave(guild, HOST)
    await _dm_saying(fake, ALICE, "its host can't host it any more")
    await fake.wait_for(lambda: fake.scheduled_events(guild)[0].status == 4, what="the event cancelled")
    listed = await _answer(await fake.slash("call list", guild_id=guild.id, user_id=ALICE))
    assert listed.text == texts.LIST_NONE
    assert fake.violations == []


async def test_a_host_who_deletes_their_data_calls_it_off(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    await _world(fake, guild, start_bot, clock)
    options = {
        "band": "-8..-5",
        "weekday": _in_two_days(clock),
        "time": "18:00",
        "link": "https://meet.example.org",
    }
    await _answer(await fake.slash("call host", guild_id=guild.id, user_id=HOST, options=options))
    await dm_with(fake, ALICE, "gw:wc:i:")
    asked = await _answer(await fake.slash("privacy delete", guild_id=guild.id, user_id=HOST))
    confirm = next(cid for cid in asked.custom_ids if cid.endswith(":yes"))
    await (await fake.click(asked, confirm, user_id=HOST)).response()
    await _dm_saying(fake, ALICE, "its host can't host it any more")
    await fake.wait_for(lambda: fake.scheduled_events(guild)[0].status == 4, what="the event cancelled")
    assert fake.violations == []
