"""A member's own view: /profile (and changing an answer), /locale set, /nearby; reminders."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.bot import GroundworkBot
from db.enums import OnboardingStatus
from db.models import Locale, Member, OnboardingSession
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import Member as Clicker
from tests.e2e.onboarding_driver import onboard
from tests.fake_discord import FakeDiscord, Guild
from tests.support.clock import TestClock

ALICE, BOB = 5001, 5002


async def test_profile_shows_the_answers_and_changes_one(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    itx = await fake_discord.slash("profile", guild_id=guild.id, user_id=ALICE)
    shown = (await itx.response()).message
    assert shown.ephemeral
    fields = {field["name"]: field["value"] for field in shown.embeds[0]["fields"]}
    assert fields["Where you live"] == "Leeds, England, United Kingdom"
    assert "discussion or reading group" in fields["What you'd like to build"]
    assert shown.custom_ids[0].startswith("gw:pf:")  # the select survives a restart
    # Change the paths: the conversation opens at that question and comes back to the summary.
    change = await fake_discord.select(shown, shown.custom_ids[0], ["paths"], user_id=ALICE)
    alice = Clicker(fake_discord, ALICE, message=(await change.response()).message)
    assert "What would you like to build" in alice.latest().text
    assert "Changing your profile" in alice.latest().text and "Getting to know you" not in alice.latest().text
    await alice.choose("pick", "run_for_office", "remote")
    assert "Here's what you told me" in alice.latest().text
    await alice.confirm()
    async with bot.sessions() as session:
        member = (await session.execute(select(Member))).scalar_one()
        assert member.paths == ["run_for_office", "remote"]
        statuses = (await session.execute(select(OnboardingSession.status))).scalars().all()
        assert sorted(statuses) == [OnboardingStatus.COMPLETED, OnboardingStatus.COMPLETED]


async def test_nearby_counts_bands_and_names_only_those_who_agreed(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds", sharing="town")
    await onboard(fake_discord, guild, BOB, "Bradford", sharing="region")
    carol = 5003
    await onboard(fake_discord, guild, carol, "Manchester", sharing="nothing")
    itx = await fake_discord.slash("nearby", guild_id=guild.id, user_id=ALICE)
    text = (await itx.response()).message.text
    assert "within 10 km: **0**" in text
    assert "within 25 km: **1**" in text  # Bradford
    assert "within 100 km: **2**" in text  # and Manchester
    assert "in your country: **2**" in text
    assert f"<@{BOB}>" not in text and f"<@{carol}>" not in text  # neither agreed to show their town
    bob_view = await fake_discord.slash("nearby", guild_id=guild.id, user_id=BOB)
    bob_text = (await bob_view.response()).message.text
    assert f"<@{ALICE}>" in bob_text  # Alice did agree
    assert "Leeds" not in bob_text  # and only her name and distance are shown, not her town


async def test_locale_set_moves_a_member_and_recomputes_isolation(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    await onboard(fake_discord, guild, BOB, "Bradford")
    itx = await fake_discord.slash("locale set", guild_id=guild.id, user_id=ALICE, options={"place": "Lyon"})
    confirm = (await itx.response()).message
    assert "Is this right?" in confirm.text
    yes = await fake_discord.click(confirm, confirm.custom_ids[0], user_id=ALICE)
    reply = (await yes.response()).message.text
    assert "Lyon, Auvergne-Rhône-Alpes, France" in reply
    assert "only member within 50 km" in reply
    async with bot.sessions() as session:
        rows = (await session.execute(select(Member.user_id, Member.is_isolated, Member.timezone))).all()
        assert {(user, isolated) for user, isolated, _ in rows} == {(ALICE, True), (BOB, True)}
        assert {tz for _, _, tz in rows} == {"Europe/Paris", "Europe/London"}


async def test_locale_set_with_an_ambiguous_place_offers_a_choice(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    itx = await fake_discord.slash(
        "locale set", guild_id=guild.id, user_id=ALICE, options={"place": "Springfield"}
    )
    choice = (await itx.response()).message
    options = choice.component(choice.custom_ids[0])["options"]
    illinois = next(o["value"] for o in options if "Illinois" in o["label"])
    picked = await fake_discord.select(choice, choice.custom_ids[0], [illinois], user_id=ALICE)
    confirm = (await picked.response()).message
    assert "Springfield, Illinois" in confirm.text
    yes = await fake_discord.click(confirm, confirm.custom_ids[0], user_id=ALICE)
    assert "Springfield, Illinois" in (await yes.response()).message.text
    async with bot.sessions() as session:
        locale = (
            await session.execute(select(Locale).join(Member, Member.locale_id == Locale.id))
        ).scalar_one()
        assert locale.region_name == "Illinois"


async def test_locale_set_refuses_nonsense_and_members_who_have_not_joined(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    fake_discord.add_member(guild, user_id=BOB, name="bob")
    early = await fake_discord.slash("locale set", guild_id=guild.id, user_id=BOB, options={"place": "Leeds"})
    assert "Use `/join`" in (await early.response()).message.text
    await onboard(fake_discord, guild, ALICE, "Leeds")
    nowhere = await fake_discord.slash(
        "locale set", guild_id=guild.id, user_id=ALICE, options={"place": "Qwxzrtvillebrg"}
    )
    assert "couldn't find" in (await nowhere.response()).message.text


async def test_an_unfinished_conversation_is_reminded_once_then_expires(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot: GroundworkBot = await start_bot()
    await fake_discord.member_join(guild, ALICE, name="alice")
    alice = Clicker(fake_discord, ALICE)
    await alice.begin(await fake_discord.wait_for_dm(ALICE))
    await alice.type_into("ask_place", "Leeds")
    onboarding_cog = bot.get_cog("Onboarding")
    assert onboarding_cog is not None
    sent_before = len(fake_discord.dms_to(ALICE))
    clock.advance(hours=49)
    await onboarding_cog.tick()  # type: ignore[attr-defined]
    reminder = await fake_discord.wait_for_dm(ALICE, count=sent_before + 1)
    assert "didn't finish" in reminder.text
    await onboarding_cog.tick()  # type: ignore[attr-defined]
    assert len(fake_discord.dms_to(ALICE)) == sent_before + 1  # only one reminder
    # The reminder's button resumes where she stopped.
    resumed = Clicker(fake_discord, ALICE)
    await resumed.begin(reminder)
    assert "Is this right?" in resumed.latest().text
    clock.advance(hours=24 * 8)
    # The bot notes the resumed conversation's message just after answering the click; a tick
    # meeting that write (on PostgreSQL, a row lock) leaves the conversation to the next tick.
    for _ in range(20):
        await onboarding_cog.tick()  # type: ignore[attr-defined]
        if len(fake_discord.dms_to(ALICE)) >= sent_before + 3:
            break
        await asyncio.sleep(0.1)
    expired = await fake_discord.wait_for_dm(ALICE, count=sent_before + 3)
    assert "timed out" in expired.text
    await onboarding_cog.tick()  # type: ignore[attr-defined]
    assert len(fake_discord.dms_to(ALICE)) == sent_before + 3  # told once
