"""The fake Discord harness, end to end: a small sample bot (not the project's) run by the real
discord.py client against ``tests.fake_discord``."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fake_discord import BotRunner, FakeDiscord
from tests.fake_discord.pytest_plugin import contract_report

pytest_plugins = ["pytester"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class JoinModal(discord.ui.Modal, title="Join the organization"):
    city: discord.ui.TextInput[JoinModal] = discord.ui.TextInput(
        label="Your city", custom_id="city", max_length=80
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.user, discord.Member) and interaction.guild is not None
        role = discord.utils.get(interaction.guild.roles, name="member")
        assert role is not None
        await interaction.user.add_roles(role, reason="joined via modal")
        await interaction.response.send_message(f"Welcome from {self.city.value}!", ephemeral=True)
        await interaction.followup.send("Role added.", ephemeral=True)


class AboutView(discord.ui.View):
    @discord.ui.button(label="Join", custom_id="join", style=discord.ButtonStyle.primary)
    async def join(self, interaction: discord.Interaction, button: discord.ui.Button[AboutView]) -> None:
        await interaction.response.send_modal(JoinModal())


class PickView(discord.ui.View):
    @discord.ui.select(
        custom_id="topic",
        options=[discord.SelectOption(label=x.title(), value=x) for x in ("office", "mutual-aid", "reading")],
    )
    async def topic(self, interaction: discord.Interaction, select: discord.ui.Select[PickView]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert isinstance(interaction.channel, discord.TextChannel)
        thread = await interaction.channel.create_thread(name=f"topic-{select.values[0]}")
        await thread.add_user(interaction.user)
        await interaction.followup.send(f"You picked {select.values[0]}.", ephemeral=True)


class CounterView(discord.ui.View):
    count = 0

    @discord.ui.button(label="+1", custom_id="inc")
    async def inc(self, interaction: discord.Interaction, button: discord.ui.Button[CounterView]) -> None:
        self.count += 1
        await interaction.response.edit_message(content=f"Count: {self.count}")  # type 7

    @discord.ui.button(label="Later", custom_id="later")
    async def later(self, interaction: discord.Interaction, button: discord.ui.Button[CounterView]) -> None:
        await interaction.response.defer()  # type 6 on a component: no new message
        shown = await interaction.original_response()  # GET @original: the clicked message
        await interaction.edit_original_response(content=f"{shown.content} (seen)")


class SampleBot(commands.Bot):
    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.01)
        self.errors: list[Exception] = []
        self.release = asyncio.Event()
        self.delay = 0.0

    async def setup_hook(self) -> None:
        self.tree.add_command(about)
        self.tree.add_command(pick)
        self.tree.add_command(slow)
        self.tree.add_command(hold)
        self.tree.add_command(counter)
        await self.tree.sync()

    async def on_member_join(self, member: discord.Member) -> None:
        try:
            await member.send(f"Welcome, {member.name}!")
        except discord.HTTPException as exc:
            self.errors.append(exc)


def _bot(interaction: discord.Interaction) -> SampleBot:
    assert isinstance(interaction.client, SampleBot)
    return interaction.client


@app_commands.command(description="What this bot does")
async def about(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("groundwork helps members organize locally.", view=AboutView())


@app_commands.command(description="Pick a topic")
async def pick(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("Pick one:", view=PickView())


@app_commands.command(description="Slow work: defer first, or answer late when told to")
@app_commands.describe(defer="defer before the slow part")
async def slow(interaction: discord.Interaction, defer: bool = True) -> None:
    bot = _bot(interaction)
    try:
        if defer:
            await interaction.response.defer(thinking=True)
        await asyncio.sleep(bot.delay)
        if defer:
            await interaction.followup.send("Done.")
        else:
            await interaction.response.send_message("Done, late.")
    except discord.HTTPException as exc:
        bot.errors.append(exc)


@app_commands.command(description="Defer, then wait for the test before following up")
async def hold(interaction: discord.Interaction) -> None:
    bot = _bot(interaction)
    await interaction.response.defer()
    await bot.release.wait()
    try:
        await interaction.followup.send("Finally.")
    except discord.HTTPException as exc:
        bot.errors.append(exc)


@app_commands.command(description="A counter")
async def counter(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("Count: 0", view=CounterView())


@pytest.fixture
def world(fake_discord: FakeDiscord) -> dict[str, Any]:
    guild = fake_discord.add_guild("Org", guild_id=1000)
    member_role = fake_discord.add_role(guild, name="member")
    fake_discord.add_member(guild, user_id=5000, name="alice")
    return {"guild": guild, "member_role": member_role, "general": fake_discord.channel(guild, "general")}


async def start(runner: BotRunner) -> SampleBot:
    return await runner.start(SampleBot())


async def test_login_sync_and_slash_reply(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    assert bot.get_guild(1000) is not None and bot.get_guild(1000).get_member(5000) is not None  # type: ignore[union-attr]
    routes = [(r.method, r.route) for r in fake_discord.requests]
    assert routes[:3] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", "/applications/{application_id}/commands"),
    ]
    itx = await fake_discord.slash("about", guild_id=1000, user_id=5000)
    answer = await itx.response()
    assert answer.type == 4 and answer.accepted and answer.message is not None
    assert "organize locally" in answer.message.content
    assert answer.message.custom_ids == ["join"]
    assert fake_discord.messages_in(world["general"]) == [answer.message]
    guild = bot.get_guild(1000)
    assert guild is not None
    assert [m.id for m in await guild.query_members("ali")] == [5000]  # op 8 -> GUILD_MEMBERS_CHUNK


async def test_button_opens_modal_and_submit_adds_role(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    await start(bot_runner)
    about_itx = await fake_discord.slash("about", guild_id=1000, user_id=5000)
    reply = (await about_itx.response()).message
    assert reply is not None
    press = await fake_discord.click(reply, "join", user_id=5000)
    opened = await press.response()
    assert opened.type == 9 and press.modal is not None and press.modal["title"] == "Join the organization"
    submitted = await fake_discord.submit_modal(press, {"city": "Lyon"})
    answer = await submitted.response()
    assert answer.type == 4 and answer.ephemeral and answer.message is not None
    assert answer.message.content == "Welcome from Lyon!"
    [followup] = await submitted.followups(1)
    assert followup.content == "Role added." and followup.ephemeral
    assert fake_discord.role_names(1000, 5000) == ["member"]
    [change] = fake_discord.member(1000, 5000).role_changes
    assert (change.action, change.role_id, change.reason) == (
        "add",
        world["member_role"].id,
        "joined via modal",
    )
    with pytest.raises(ValueError, match="no field"):
        await fake_discord.submit_modal(press, {"city": "Lyon", "town": "Lyon"})


async def test_select_defers_then_creates_thread(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    await start(bot_runner)
    prompt = (await (await fake_discord.slash("pick", guild_id=1000, user_id=5000)).response()).message
    assert prompt is not None
    chosen = await fake_discord.select(prompt, "topic", ["reading"], user_id=5000)
    assert (await chosen.response()).type == 5
    [note] = await chosen.followups(1)
    assert note.content == "You picked reading." and note.ephemeral
    assert (await chosen.original_response()) is note  # the first follow-up fills the "thinking" message
    [thread] = fake_discord.threads(world["general"])
    assert thread.name == "topic-reading" and thread.thread_members == {fake_discord.state.bot_id, 5000}


async def test_update_message_and_deferred_update(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    await start(bot_runner)
    shown = (await (await fake_discord.slash("counter", guild_id=1000, user_id=5000)).response()).message
    assert shown is not None
    update = await fake_discord.click(shown, "inc", user_id=5000)
    answer = await update.response()
    assert answer.type == 7 and answer.message is shown and shown.content == "Count: 1"
    later = await fake_discord.click(shown, "later", user_id=5000)
    assert (await later.response()).type == 6
    await fake_discord.wait_for_request("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original")
    assert shown.content == "Count: 1 (seen)" and shown.edits == 2
    assert fake_discord.messages_in(world["general"]) == [shown]


async def test_thread_from_a_message(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    channel = bot.get_channel(world["general"].id)
    assert isinstance(channel, discord.TextChannel)
    intro = await channel.send("Introductions")
    thread = await intro.create_thread(name="intro-alice")
    await thread.send("Hello Alice")
    [made] = fake_discord.threads(channel.id)
    assert made.id == intro.id and made.type == 11  # a thread on a message has the message's id
    assert [m.content for m in fake_discord.messages_in(made)] == ["Hello Alice"]


@pytest.mark.contract_unchecked(reason="calls a route Discord does not have, on purpose")
async def test_unknown_route_is_404_and_recorded(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    with pytest.raises(discord.NotFound) as missing:
        await bot.http.request(discord.http.Route("GET", "/guilds/{guild_id}/no-such-thing", guild_id=1000))
    assert (missing.value.code, missing.value.text) == (0, "404: Not Found")
    [violation] = fake_discord.violations
    assert (
        violation.kind == "route"
        and str(violation) == "GET /guilds/1000/no-such-thing: $: no such route in Discord's API"
    )


async def test_component_in_dm(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    await start(bot_runner)
    itx = await fake_discord.slash("pick", user_id=5000, in_dm=True)
    prompt = (await itx.response()).message
    assert prompt is not None and fake_discord.dms_to(5000) == [prompt]
    assert "guild_id" not in itx.payload and itx.payload["user"]["id"] == "5000"


async def test_429_is_retried(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    fake_discord.rate_limit_once("POST", "/channels/{channel_id}/messages", retry_after=0.05)
    channel = bot.get_channel(world["general"].id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("hello")
    attempts = fake_discord.requests_to("POST", "/channels/{channel_id}/messages")
    assert [r.status for r in attempts] == [429, 200]
    assert sent.id == fake_discord.messages_in(channel.id)[-1].id
    assert fake_discord.ratelimits.stats.injected_429 == 1


async def test_global_limit_and_bucket_headers(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    channel = bot.get_channel(world["general"].id)
    assert isinstance(channel, discord.TextChannel)
    fake_discord.ratelimits.set_global(4, per=0.1, window="sliding")
    fake_discord.ratelimits.set_bucket("POST", "/channels/{channel_id}/messages", 10, 0.2)
    await asyncio.gather(*(channel.send(f"m{i}") for i in range(8)))
    assert len(fake_discord.messages_in(channel)) == 8
    assert fake_discord.ratelimits.stats.global_429 >= 1
    ok = [r for r in fake_discord.requests_to("POST", "/channels/{channel_id}/messages") if r.status == 200]
    assert len(ok) == 8


async def test_dms_closed_is_forbidden_50007(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    fake_discord.close_dms(6001)
    await fake_discord.member_join(1000, 6001, name="closed")
    await fake_discord.member_join(1000, 6002, name="open")
    dm = await fake_discord.wait_for_dm(6002)
    assert dm.content == "Welcome, open!"
    await fake_discord.wait_for(lambda: bot.errors, what="the bot to fail its DM")
    [error] = bot.errors
    assert isinstance(error, discord.Forbidden) and error.code == 50007
    assert fake_discord.dms_to(6001) == []


async def test_missing_permissions_50013(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    guild = bot.get_guild(1000)
    assert guild is not None
    member, role = guild.get_member(5000), guild.get_role(world["member_role"].id)
    assert member is not None and role is not None
    above = fake_discord.add_role(1000, name="staff", position=99)
    with pytest.raises(discord.Forbidden) as hierarchy:
        await member.add_roles(discord.Object(above.id))
    assert hierarchy.value.code == 50013
    fake_discord.deny(1000, "MANAGE_ROLES")
    with pytest.raises(discord.Forbidden) as denied:
        await member.add_roles(role)
    assert denied.value.code == 50013
    fake_discord.deny(1000, "CREATE_PUBLIC_THREADS", channel=world["general"])
    channel = guild.get_channel(world["general"].id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.Forbidden):
        await channel.create_thread(name="x", type=discord.ChannelType.public_thread)
    assert fake_discord.member(1000, 5000).roles == []


async def test_unknown_objects_404(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    guild = bot.get_guild(1000)
    channel = bot.get_channel(world["general"].id)
    assert guild is not None and isinstance(channel, discord.TextChannel)
    for call, code in (
        (guild.fetch_member(424242), 10007),
        (bot.fetch_channel(424242), 10003),
        (channel.fetch_message(424242), 10008),
    ):
        with pytest.raises(discord.NotFound) as found:
            await call
        assert found.value.code == code
    fake_discord.fail("GET", "/guilds/{guild_id}/members/{user_id}", 404, 10007)
    with pytest.raises(discord.NotFound) as injected:
        await guild.fetch_member(5000)
    assert injected.value.code == 10007 and (await guild.fetch_member(5000)).id == 5000


async def test_interaction_deadline(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    fake_discord.interaction_deadline = 0.1
    bot.delay = 0.15
    late = await fake_discord.slash("slow", guild_id=1000, user_id=5000, options={"defer": False})
    answer = await late.response()
    assert (answer.status, answer.error_code) == (404, 10062)
    await fake_discord.wait_for(lambda: bot.errors, what="the late answer to fail")
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062
    in_time = await fake_discord.slash("slow", guild_id=1000, user_id=5000)
    assert (await in_time.response()).type == 5
    assert (await in_time.original_response()).content == "Done."
    assert len(bot.errors) == 1


async def test_second_callback_is_40060(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    await start(bot_runner)
    itx = await fake_discord.slash("about", guild_id=1000, user_id=5000)
    await itx.response()
    url = f"{fake_discord.base_url}/api/v10/interactions/{itx.id}/{itx.token}/callback"
    async with aiohttp.ClientSession() as session, session.post(url, json={"type": 5}) as resp:
        assert resp.status == 400 and resp.headers["Content-Type"] == "application/json"
        assert (await resp.json())["code"] == 40060


async def test_followup_after_token_expiry(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    itx = await fake_discord.slash("hold", guild_id=1000, user_id=5000)
    assert (await itx.response()).type == 5
    itx.age(16 * 60)
    bot.release.set()
    await fake_discord.wait_for(lambda: bot.errors, what="the expired follow-up to fail")
    [error] = bot.errors
    assert isinstance(error, discord.HTTPException) and (error.status, error.code) == (401, 50027)


async def test_files_keep_their_bytes(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    user = await bot.fetch_user(5000)
    table = io.StringIO("name,city\nalice,Lyon\n")
    await user.send(
        "export",
        files=[
            discord.File(io.BytesIO(table.getvalue().encode()), "members.csv"),
            discord.File(io.BytesIO(PNG), "map.png"),
        ],
    )
    dm = await fake_discord.wait_for_dm(5000)
    rows = list(csv.DictReader(io.StringIO(dm.attachment("members.csv").text())))
    assert rows == [{"name": "alice", "city": "Lyon"}]
    assert dm.attachment("map.png").data.startswith(b"\x89PNG")
    upload = fake_discord.requests_to("POST", "/channels/{channel_id}/messages")[-1]
    assert [f.field for f in upload.files] == ["files[0]", "files[1]"]


async def test_restart_logs_in_to_the_same_world(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    first = await start(bot_runner)
    channel = first.get_channel(world["general"].id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("before restart")
    await bot_runner.stop(first)
    second = await start(bot_runner)
    again = second.get_channel(world["general"].id)
    assert isinstance(again, discord.TextChannel) and second is not first
    assert (await again.fetch_message(sent.id)).content == "before restart"
    assert fake_discord.gateway.identify_count == 2
    itx = await fake_discord.slash("about", guild_id=1000, user_id=5000)
    assert (await itx.response()).accepted


async def test_gateway_reconnect_resumes(
    fake_discord: FakeDiscord, bot_runner: BotRunner, world: dict[str, Any]
) -> None:
    bot = await start(bot_runner)
    await fake_discord.gateway.request_reconnect()
    await fake_discord.member_join(1000, 6003, name="during-reconnect")
    await fake_discord.wait_for_dm(6003, timeout=3.0)
    assert any(f.get("op") == 6 for f in fake_discord.gateway.frames_received)
    assert fake_discord.gateway.identify_count == 1 and bot.is_ready()


def test_violation_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
                     "markers =\n    contract_unchecked(reason): off\n")  # fmt: skip
    pytester.makepyfile(
        test_inner="""
        import discord, pytest
        from tests.fake_discord import FakeDiscord, BotRunner

        async def _long(fake, runner):
            fake.add_guild("G", guild_id=1)
            bot = await runner.start(discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.01))
            await bot.get_channel(fake.channel(1, "general").id).send("x" * 2001)

        async def test_too_long(fake_discord, bot_runner):
            with pytest.raises(discord.HTTPException) as err:
                await _long(fake_discord, bot_runner)
            assert err.value.code == 50035

        @pytest.mark.contract_unchecked(reason="checks the 400 itself")
        async def test_opted_out(fake_discord, bot_runner):
            with pytest.raises(discord.HTTPException):
                await _long(fake_discord, bot_runner)

        @pytest.mark.contract_unchecked
        def test_no_reason():
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "tests.fake_discord.pytest_plugin", "-q")
    result.assert_outcomes(passed=2, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*the bot broke Discord's API contract (1):*",
            "*POST /channels/{channel_id}/messages: $.content: 2001 characters, at most 2000*",
            "*contract_unchecked needs a reason*",
        ]
    )


def test_contract_report_names_each_violation() -> None:
    from tests.fake_discord.contract import default_checker

    _, found = default_checker().check(
        "POST", "/channels/1/messages", {"content": "y" * 2001, "embeds": [{"description": "d" * 4097}]}
    )
    report = contract_report(found)
    assert report is not None
    assert "POST /channels/{channel_id}/messages: $.content: 2001 characters, at most 2000" in report
    assert "$.embeds[0].description: 4097 characters, at most 4096" in report
