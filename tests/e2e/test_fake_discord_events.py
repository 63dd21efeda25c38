"""The fake Discord's guild scheduled events and voice states, driven by the real discord.py client
(a small sample client, not the project's bot): what Discord accepts, refuses and dispatches."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import discord
import pytest

from tests.fake_discord import BotRunner, FakeDiscord
from tests.fake_discord.contract import default_checker
from tests.fake_discord.state import GUILD_VOICE

GUILD, ALICE = 1000, 5000
EVENTS = "/guilds/{guild_id}/scheduled-events"


class Listener(discord.Client):
    """Records the voice and scheduled-event events discord.py dispatches."""

    def __init__(self, *, voice: bool = True) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.voice_states = voice
        intents.guild_scheduled_events = True
        super().__init__(intents=intents, guild_ready_timeout=0.01)
        self.seen: list[tuple[str, Any]] = []

    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        self.seen.append(
            ("voice", (member.id, before.channel and before.channel.id, after.channel and after.channel.id))
        )

    async def on_scheduled_event_create(self, event: discord.ScheduledEvent) -> None:
        self.seen.append(("create", event.id))

    async def on_scheduled_event_update(
        self, before: discord.ScheduledEvent, after: discord.ScheduledEvent
    ) -> None:
        self.seen.append(("update", after.status))

    async def on_scheduled_event_delete(self, event: discord.ScheduledEvent) -> None:
        self.seen.append(("delete", event.id))


def world(fake: FakeDiscord) -> int:
    fake.add_guild("Org", guild_id=GUILD)
    fake.add_member(GUILD, user_id=ALICE, name="alice")
    return fake.add_channel(GUILD, name="Welcome call", type=GUILD_VOICE).id


def soon(hours: float = 2) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)


async def test_voice_event_lifecycle_and_voice_states(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    fake = fake_discord
    voice_id = world(fake)
    client = await bot_runner.start(Listener())
    guild = client.get_guild(GUILD)
    assert guild is not None
    channel = guild.get_channel(voice_id)
    assert isinstance(channel, discord.VoiceChannel)
    event = await guild.create_scheduled_event(
        name="Welcome call",
        start_time=soon(),
        entity_type=discord.EntityType.voice,
        channel=channel,
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    [stored] = fake.scheduled_events(GUILD)
    assert stored.id == event.id and stored.channel_id == voice_id and stored.status == 1
    assert (await guild.fetch_scheduled_event(event.id)).channel_id == voice_id
    assert [e.id for e in await guild.fetch_scheduled_events()] == [event.id]

    # Members join and leave the channel: VOICE_STATE_UPDATE each time.
    await fake.voice_join(GUILD, ALICE, voice_id)
    await fake.wait_for(lambda: ("voice", (ALICE, None, voice_id)) in client.seen, what="the join")
    await fake.voice_leave(GUILD, ALICE)
    await fake.wait_for(lambda: ("voice", (ALICE, voice_id, None)) in client.seen, what="the leave")

    # Interested users, then SCHEDULED -> ACTIVE -> COMPLETED; a finished event cannot change.
    await fake.event_interest(GUILD, event.id, ALICE)
    assert [u.id async for u in event.users()] == [ALICE]
    started = await event.start()
    assert started.status == discord.EventStatus.active
    ended = await started.end()
    assert ended.status == discord.EventStatus.completed
    with pytest.raises(discord.HTTPException) as finished:
        await ended.edit(name="again")
    assert finished.value.code == 180000
    await fake.wait_for(lambda: ("update", discord.EventStatus.completed) in client.seen, what="the update")
    assert ("create", event.id) in client.seen
    await ended.delete()
    await fake.wait_for(lambda: ("delete", event.id) in client.seen, what="the delete")
    assert fake.scheduled_events(GUILD) == []


async def test_external_event_needs_a_location_and_an_end(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    fake = fake_discord
    world(fake)
    client = await bot_runner.start(Listener())
    guild = client.get_guild(GUILD)
    assert guild is not None
    event = await guild.create_scheduled_event(
        name="Welcome call",
        start_time=soon(),
        end_time=soon(3),
        entity_type=discord.EntityType.external,
        location="https://meet.example.org/welcome",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert event.location == "https://meet.example.org/welcome" and event.channel_id is None
    cancelled = await event.cancel()
    assert cancelled.status == discord.EventStatus.cancelled
    with pytest.raises(discord.HTTPException):
        await cancelled.edit(status=discord.EventStatus.active)  # canceled is final


async def test_start_in_the_past_channel_and_permissions_are_refused(
    fake_discord: FakeDiscord, bot_runner: BotRunner
) -> None:
    fake = fake_discord
    voice_id = world(fake)
    text_id = fake.channel(GUILD, "general").id
    client = await bot_runner.start(Listener())
    guild = client.get_guild(GUILD)
    assert guild is not None
    voice = guild.get_channel(voice_id)
    assert isinstance(voice, discord.VoiceChannel)
    with pytest.raises(discord.HTTPException) as past:
        await guild.create_scheduled_event(
            name="x", start_time=soon(-1), channel=voice, privacy_level=discord.PrivacyLevel.guild_only
        )
    assert past.value.status == 400 and past.value.code == 50035
    # The fake's clock is Discord's now: a test may move it with the bot's clock.
    fake.clock = lambda: dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    await guild.create_scheduled_event(
        name="x", start_time=soon(-1), channel=voice, privacy_level=discord.PrivacyLevel.guild_only
    )
    fake.clock = lambda: dt.datetime.now(dt.UTC)
    with pytest.raises(discord.HTTPException) as not_voice:
        await guild.create_scheduled_event(
            name="x",
            start_time=soon(),
            entity_type=discord.EntityType.voice,
            channel=discord.Object(text_id, type=discord.VoiceChannel),
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert not_voice.value.code == 50035
    fake.deny(GUILD, "CONNECT", channel=voice_id)
    with pytest.raises(discord.Forbidden):
        await guild.create_scheduled_event(
            name="x", start_time=soon(), channel=voice, privacy_level=discord.PrivacyLevel.guild_only
        )
    fake.deny(GUILD, "CREATE_EVENTS", "MANAGE_EVENTS")
    with pytest.raises(discord.Forbidden) as denied:
        await guild.create_scheduled_event(
            name="x",
            start_time=soon(),
            end_time=soon(3),
            entity_type=discord.EntityType.external,
            location="here",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert denied.value.code == 50013


async def test_voice_states_need_their_intent(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
    fake = fake_discord
    voice_id = world(fake)
    fake.state.guilds[GUILD].voice_states[ALICE] = voice_id  # already in voice when the bot logs in
    client = await bot_runner.start(Listener(voice=False))
    guild = client.get_guild(GUILD)
    assert guild is not None
    member = guild.get_member(ALICE)
    assert member is not None and member.voice is None  # no voice_states in GUILD_CREATE
    await fake.voice_leave(GUILD, ALICE)
    await asyncio.sleep(0.05)
    assert not [s for s in client.seen if s[0] == "voice"]
    other = await bot_runner.start(Listener())
    with_intent = other.get_guild(GUILD)
    assert with_intent is not None
    fake.state.guilds[GUILD].voice_states[ALICE] = voice_id
    await bot_runner.stop(other)
    again = await bot_runner.start(Listener())
    seen = again.get_guild(GUILD)
    assert seen is not None
    alice = seen.get_member(ALICE)
    assert alice is not None and alice.voice is not None and alice.voice.channel is not None
    assert alice.voice.channel.id == voice_id


def test_contract_rules_for_scheduled_events() -> None:
    checker = default_checker()
    start = soon().isoformat()

    def broken(body: dict[str, Any]) -> list[str]:
        _, violations = checker.check("POST", f"/guilds/{GUILD}/scheduled-events", body)
        return [v.path for v in violations]

    voice = {"name": "x", "scheduled_start_time": start, "privacy_level": 2, "entity_type": 2}
    assert broken({**voice, "channel_id": "1"}) == []
    assert broken(voice) == ["$.channel_id"]
    assert broken({**voice, "channel_id": "1", "entity_metadata": {"location": "here"}}) == [
        "$.entity_metadata"
    ]
    assert broken({**voice, "channel_id": "1", "privacy_level": 1}) == ["$.privacy_level"]  # GUILD_ONLY: 2
    external = {**voice, "entity_type": 3, "entity_metadata": {"location": "here"}}
    assert broken({**external, "scheduled_end_time": start}) == []
    assert broken(external) == ["$.scheduled_end_time"]
    assert broken({**external, "scheduled_end_time": start, "channel_id": "1"}) == ["$.channel_id"]
