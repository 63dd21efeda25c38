"""The bot's skeleton end to end: login, /about, the welcome, errors, retries, command sync."""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from sqlalchemy import select

from bot import ports
from bot.bot import GroundworkBot
from bot.config import Settings
from cogs.meta import section_of
from db.enums import MemberStatus
from db.models import Member
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import onboard
from tests.fake_discord import FakeDiscord, Guild
from tests.support.waiting import eventually

ALICE, MOD, ORGANIZER = 5001, 4000, 6001


async def test_about_answers_in_the_interaction_callback(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    await start_bot()
    itx = await fake_discord.slash("about", guild_id=guild.id, user_id=ALICE)
    answer = await itx.response()
    assert answer.type == 4
    assert answer.ephemeral
    embed = answer.message.embeds[0]
    assert "groundwork" in embed["title"]
    listed = "".join(f["value"] for f in embed["fields"])
    assert "`/about`" in listed and "`/profile`" in listed and "`/privacy delete`" in listed
    sections = [f["name"] for f in embed["fields"]]
    assert {"Your mentor", "Check-ins", "Near you", "Your data"} <= set(sections)
    # Organizers' and moderators' commands only for those who can use them.
    assert "For moderators" not in sections and "For organizers" not in sections
    assert "`/mod overview`" not in listed and "`/organizer add`" not in listed


async def test_about_shows_organizers_and_moderators_their_own_commands(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await onboard(fake_discord, guild, ORGANIZER, "Manchester", experience="experienced", mentor_capacity=2)
    confirmed = await fake_discord.slash(
        "organizer confirm", guild_id=guild.id, user_id=MOD, options={"member": ORGANIZER}
    )
    assert "confirmed" in (await confirmed.response()).message.text

    def fields(message: Any) -> dict[str, str]:
        found: dict[str, str] = {}
        name = ""
        for field in message.embeds[0]["fields"]:
            name = name if field["name"] == "\u200b" else field["name"]  # a section's continuation
            found[name] = found.get(name, "") + field["value"]
        return found

    organizer = fields(
        (await (await fake_discord.slash("about", guild_id=guild.id, user_id=ORGANIZER)).response()).message
    )
    assert "`/organizer capacity`" in organizer["For organizers"]
    assert "`/organizer add`" not in "".join(organizer.values())  # a moderators' command
    assert "For moderators" not in organizer

    moderator = fields(
        (await (await fake_discord.slash("about", guild_id=guild.id, user_id=MOD)).response()).message
    )
    assert "`/mod overview`" in moderator["For moderators"]
    assert "`/organizer confirm`" in moderator["For moderators"]
    # Every command is in a section: none is left out of /about.
    assert all(
        section_of(c) is not None for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)
    )


async def test_commands_are_registered_once_and_not_again_when_unchanged(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, bot_runner: Any
) -> None:
    bot = await start_bot()
    puts = fake_discord.requests_to("PUT", "/applications/{application_id}/commands")
    assert len(puts) == 1
    names = {command["name"] for command in puts[0].json}
    assert {"about", "join", "onboard", "profile", "nearby", "locale"} <= names
    await bot_runner.stop(bot)
    await start_bot()
    assert len(fake_discord.requests_to("PUT", "/applications/{application_id}/commands")) == 1


async def test_a_new_member_gets_a_welcome_dm(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    await fake_discord.member_join(guild, ALICE, name="alice")
    welcome = await fake_discord.wait_for_dm(ALICE)
    assert "Welcome to **Organizers United**" in welcome.text
    assert welcome.component("gw:ob:begin:" + str(guild.id))["label"] == "Let's begin"


async def test_a_rate_limited_dm_is_retried(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    fake_discord.rate_limit_once("POST", "/channels/{channel_id}/messages", retry_after=0.05)
    await fake_discord.member_join(guild, ALICE, name="alice")
    welcome = await fake_discord.wait_for_dm(ALICE)
    assert "Welcome" in welcome.text
    attempts = fake_discord.requests_to("POST", "/channels/{channel_id}/messages")
    assert [request.status for request in attempts] == [429, 200]


class Broken(commands.Cog):
    @app_commands.command(name="broken", description="Always fails")
    async def broken(self, interaction: discord.Interaction[Any]) -> None:
        raise RuntimeError("something internal")


async def test_an_unexpected_error_gets_an_apology_with_an_error_id(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    bot: GroundworkBot = await start_bot()
    await bot.add_cog(Broken())
    await bot.tree.sync()
    with caplog.at_level(logging.ERROR, logger="cogs._interactions"):
        itx = await fake_discord.slash("broken", guild_id=guild.id, user_id=ALICE)
        answer = await itx.response()
    assert answer.ephemeral
    assert "something went wrong on our side" in answer.message.text
    error_id = answer.message.text.split("`")[1]
    assert len(error_id) == 8
    assert error_id in caplog.text
    assert "something internal" in caplog.text  # the traceback is logged
    assert "something internal" not in answer.message.text  # and never shown


async def test_a_member_leaving_is_recorded(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await fake_discord.member_join(guild, ALICE, name="alice")
    await fake_discord.wait_for_dm(ALICE)
    await fake_discord.member_leave(guild, ALICE)

    async def left() -> bool:
        async with bot.sessions() as session:
            member = (await session.execute(select(Member))).scalar_one()
            return member.status == MemberStatus.LEFT

    await eventually(left, what="the member to be marked as left")


async def test_welcomes_for_a_crowd_get_through_discords_rate_limits(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    """Many members join at once; Discord's global limit and the per-route bucket push back
    with 429s and X-RateLimit headers, and every member still gets exactly one welcome."""
    await start_bot()
    fake_discord.ratelimits.set_global(12, per=0.5)
    fake_discord.ratelimits.set_bucket("POST", "/channels/{channel_id}/messages", 3, per=0.3)
    newcomers = list(range(6001, 6011))
    for user_id in newcomers:
        await fake_discord.member_join(guild, user_id, name=f"user{user_id}")
    for user_id in newcomers:
        await fake_discord.wait_for_dm(user_id, timeout=10)
    assert all(len(fake_discord.dms_to(user_id)) == 1 for user_id in newcomers)
    assert fake_discord.ratelimits.stats.total_429 > 0
    limited = [
        r for r in fake_discord.requests if r.route == "/channels/{channel_id}/messages" and r.status == 200
    ]
    assert len(limited) == len(newcomers)


async def test_sync_commands_registers_to_one_guild(
    fake_discord: FakeDiscord, guild: Guild, settings: Settings
) -> None:
    """`groundwork sync-commands --guild ID` logs in, registers the commands there, and stops."""
    from bot.cli import _sync_commands

    assert await _sync_commands(settings, "fake-discord-test-token", guild.id) == 0
    [put] = fake_discord.requests_to("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
    assert "about" in {command["name"] for command in put.json}


async def test_the_discord_adapter_has_a_handler_for_every_durable_step(start_bot: StartBot) -> None:
    bot = await start_bot()
    assert ports.missing_steps(bot.outbox.handlers) == set()


async def test_a_welcome_that_discord_refuses_for_a_moment_is_sent_again(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    """A newcomer's only welcome is not lost to one busy moment of Discord's (a 503)."""
    await start_bot()
    fake_discord.fail("POST", "/channels/{channel_id}/messages", 503, 0, times=1)
    await fake_discord.member_join(guild, ALICE, name="alice")
    welcome = await fake_discord.wait_for_dm(ALICE, timeout=5)
    assert welcome.custom_ids  # the Begin button
    assert len(fake_discord.dms_to(ALICE)) == 1
