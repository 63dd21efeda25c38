"""Onboarding end to end: a member joins, talks to the bot in DMs, and ends up with roles and neighbours."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from db.enums import CheckInKind, MemberStatus
from db.models import Member, OnboardingSession, ReadinessCheckIn
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import Member as Clicker
from tests.e2e.onboarding_driver import configure, start_in_dms
from tests.fake_discord import FakeDiscord, Guild
from tests.support.statements import statements_run
from tests.support.waiting import eventually

ALICE, BOB = 5001, 5002


async def test_join_welcome_conversation_confirm_roles_and_neighbours(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    member_role = fake_discord.add_role(guild, name="member")
    announcements = fake_discord.add_channel(guild, name="welcome")
    bot = await start_bot()
    await configure(bot, guild, member_role_id=member_role.id, announce_channel_id=announcements.id)

    await fake_discord.member_join(guild, ALICE, name="alice")
    alice = Clicker(fake_discord, ALICE)
    await alice.begin(await fake_discord.wait_for_dm(ALICE))
    assert "Where do you live?" in alice.latest().text
    await alice.answer_everything("Leeds")
    done = alice.latest()
    assert "You're all set" in done.text
    assert "first member within 50 km" in done.text  # isolated
    assert sorted(fake_discord.role_names(guild, ALICE)) == ["United Kingdom", "member"]
    [announcement] = await fake_discord.wait_for(
        lambda: fake_discord.messages_in(announcements), what="an announcement"
    )
    assert "A new member joined from **England, United Kingdom**" in announcement.text
    assert "Leeds" not in announcement.text

    await fake_discord.member_join(guild, BOB, name="bob")
    bob = Clicker(fake_discord, BOB)
    await bob.begin(await fake_discord.wait_for_dm(BOB))
    await bob.answer_everything("Bradford")
    assert "**1** member(s) live within 50 km of you" in bob.latest().text
    assert f"<@{ALICE}>" in bob.latest().text  # alice agreed to show her town

    async with bot.sessions() as session:
        members = (await session.execute(select(Member).order_by(Member.user_id))).scalars().all()
        assert [m.status for m in members] == [MemberStatus.ACTIVE, MemberStatus.ACTIVE]
        assert not any(m.is_isolated for m in members)


async def test_an_ambiguous_place_is_picked_from_a_select(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.type_into("ask_place", "Springfield")
    message = alice.latest()
    assert "Which one is yours?" in message.text
    options = message.component(message.custom_ids[0])["options"]
    labels = [option["label"] for option in options]
    assert "Springfield, Illinois, United States" in labels
    assert options[-1]["value"] == "none"
    await alice.choose("pick", "none")
    assert "Where do you live?" in alice.latest().text
    await alice.type_into("ask_place", "Springfield")
    illinois = next(
        o["value"]
        for o in alice.latest().component(alice.latest().custom_ids[0])["options"]
        if "Illinois" in o["label"]
    )
    await alice.choose("pick", illinois)
    assert "Springfield, Illinois, United States" in alice.latest().text
    assert "Central Time (Chicago)" in alice.latest().text


async def test_a_restart_mid_conversation_resumes_at_the_same_step(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, bot_runner: object
) -> None:
    bot = await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.type_into("ask_place", "Leeds")
    await alice.click("yes")
    await alice.choose("pick", "en", "fr")
    assert "Have you organized before?" in alice.latest().text

    await bot_runner.stop(bot)  # type: ignore[attr-defined]
    await start_bot()
    # The buttons of the message sent before the restart still work.
    await alice.click("pick", "new")
    assert "What would you like to build" in alice.latest().text
    # And /join from the server resumes in a new DM message.
    itx = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    await itx.followups(1)
    resumed = fake_discord.dms_to(ALICE)[-1]
    assert "What would you like to build" in resumed.text


async def test_closed_dms_on_join_open_a_private_thread_in_the_onboarding_channel(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    lobby = fake_discord.add_channel(guild, name="onboarding")
    bot = await start_bot()
    await configure(bot, guild, onboarding_channel_id=lobby.id)
    fake_discord.close_dms(ALICE)
    await fake_discord.member_join(guild, ALICE, name="alice")
    [thread] = await fake_discord.wait_for(lambda: fake_discord.threads(lobby), what="a thread")
    assert thread.type == 12  # private
    welcome = await fake_discord.wait_for(lambda: fake_discord.messages_in(thread), what="the welcome")
    assert "couldn't send you a private message" in welcome[0].text
    assert ALICE in thread.thread_members
    # The conversation runs in the thread, visible only to her.
    alice = Clicker(fake_discord, ALICE)
    begun = await alice.begin(welcome[0])
    assert (await begun.response()).ephemeral
    await alice.answer_everything("Leeds")
    assert "You're all set" in alice.latest().text
    # One DM attempt, never a retry loop.
    dm_posts = [
        r for r in fake_discord.requests_to("POST", "/channels/{channel_id}/messages") if r.status == 403
    ]
    assert len(dm_posts) == 1
    async with bot.sessions() as session:
        member = (await session.execute(select(Member))).scalar_one()
        assert member.dms_closed_at is not None


async def test_closed_dms_and_join_continue_in_ephemeral_replies(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    fake_discord.close_dms(ALICE)
    await start_bot()
    itx = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    note, step = await itx.followups(2)
    assert note.ephemeral and step.ephemeral
    assert "couldn't send you a private message" in note.text
    assert "Where do you live?" in step.text
    alice = Clicker(fake_discord, ALICE, message=step)
    await alice.type_into("ask_place", "Leeds")
    assert "Is this right?" in alice.latest().text


async def test_a_stale_button_from_an_older_message_gets_a_friendly_reply(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.type_into("ask_place", "Leeds")
    old_message = alice.latest()
    # /join again: the conversation is resumed in a new DM message; the old one stays behind.
    itx = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    await itx.followups(1)
    alice.message = fake_discord.dms_to(ALICE)[-1]
    await alice.click("yes")
    assert "Which languages" in alice.latest().text
    old_yes = next(cid for cid in old_message.custom_ids if cid.endswith(":yes"))
    stale = await fake_discord.click(old_message, old_yes, user_id=ALICE)
    answer = await stale.response()
    assert answer.ephemeral
    assert "earlier question" in answer.message.text
    assert "Which languages" in alice.latest().text  # nothing changed


async def test_a_double_click_on_confirm_completes_once(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    itx = await alice.answer_everything("Leeds", stop_at_summary=True)
    assert itx is None
    summary = alice.latest()
    confirm = next(cid for cid in summary.custom_ids if cid.endswith(":confirm"))
    first = await fake_discord.click(summary, confirm, user_id=ALICE)
    second = await fake_discord.click(summary, confirm, user_id=ALICE)
    await first.response()
    await second.response()
    # Whichever click lost the race is told; the other completes.
    [note] = await fake_discord.wait_for(
        lambda: first.followup_messages + second.followup_messages, what="a note to the losing click"
    )
    assert note.ephemeral
    assert "already finished" in note.text
    async with bot.sessions() as session:
        baselines = (
            (
                await session.execute(
                    select(ReadinessCheckIn).where(ReadinessCheckIn.kind == CheckInKind.BASELINE)
                )
            )
            .scalars()
            .all()
        )
        assert len(baselines) == 1  # one baseline, not two


async def test_member_text_is_never_echoed_with_live_mentions(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.type_into("ask_place", "@everyone <@&123> **Nowhere**ville")
    warned = alice.latest().text
    assert "@everyone" not in warned.replace("@\u200beveryone", "")
    assert "<@&123>" not in warned
    assert "Where do you live?" in warned
    await alice.type_into("ask_place", "Leeds")
    await alice.click("yes")
    await alice.choose("pick", "en")
    opened = await alice.click("ask_note", "experienced")
    assert opened.modal is not None
    field = opened.modal["components"][0]
    field_id = (field.get("components") or [field.get("component")])[0]["custom_id"]
    await alice._answered(
        await fake_discord.submit_modal(opened, {field_id: "Led a strike @everyone <@&42>"})
    )
    await alice.choose("pick", "2")
    await alice.choose("pick", "coalitions")
    await alice.rate_readiness(4)
    await alice.fill_modal("ask_consent", "region", "no")
    embed_text = str(alice.latest().embeds)
    assert "Led a strike" in embed_text
    assert "@everyone" not in embed_text.replace("@\\u200beveryone", "").replace("@\u200beveryone", "")
    assert "<@&42>" not in embed_text
    for request in fake_discord.requests:
        mentions = (request.json or {}).get("allowed_mentions") if isinstance(request.json, dict) else None
        if mentions is not None:
            assert mentions.get("parse", []) == [], request


async def test_a_member_who_left_mid_conversation_is_told_so(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await fake_discord.member_leave(guild, ALICE)

    async def left() -> bool:
        async with bot.sessions() as session:
            return (await session.execute(select(Member.status))).scalar_one() == MemberStatus.LEFT

    await eventually(left, what="the member to be marked as left")
    opened = await alice.click("ask_place")
    answer = await opened.response()
    assert answer.ephemeral
    assert "no longer in the server" in answer.message.text


async def test_two_joins_at_once_share_one_conversation(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    bot = await start_bot()
    first = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    second = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    await first.followups(1)
    await second.followups(1)
    async with bot.sessions() as session:
        sessions = (await session.execute(select(OnboardingSession))).scalars().all()
        assert len(sessions) == 1


async def test_emoji_only_place_asks_again(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.type_into("ask_place", "\N{GRINNING FACE}\N{GRINNING FACE}")
    assert "not emoji" in alice.latest().text


async def test_a_form_opens_from_the_conversation_as_shown_without_reading_it(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, bot_runner: object
) -> None:
    bot = await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)

    async def remembered() -> bool:  # where the conversation's message is, stored after it was sent
        async with bot.sessions() as session:
            return (await session.execute(select(OnboardingSession.message_id))).scalar_one() is not None

    await eventually(remembered, what="the conversation's message to be remembered")
    with statements_run(bot.engine) as statements:
        opened = await alice.click("ask_place")
        assert opened.modal is not None
    assert statements == []
    # After a restart nothing is kept: the form is opened from the stored conversation.
    await bot_runner.stop(bot)  # type: ignore[attr-defined]
    await start_bot()
    opened = await alice.click("ask_place")
    assert opened.modal is not None


async def test_onboard_restart_asks_first_and_join_resumes_the_restart(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.answer_everything("Leeds")
    dms_before = len(fake_discord.dms_to(ALICE))

    # Finished: /onboard restart asks before anything is replaced; "keep" changes nothing.
    asked = (
        await (await fake_discord.slash("onboard restart", guild_id=guild.id, user_id=ALICE)).response()
    ).message
    assert asked is not None and asked.ephemeral
    assert "will be replaced" in asked.text
    keep = next(cid for cid in asked.custom_ids if cid.endswith(":keep"))
    kept = await (await fake_discord.click(asked, keep, user_id=ALICE)).response()
    assert kept.message is not None and "stay as they are" in kept.message.text
    assert not any("Where do you live?" in m.text for m in fake_discord.dms_to(ALICE)[dms_before:])

    # "Start over": the first question arrives in DMs.
    asked = (
        await (await fake_discord.slash("onboard restart", guild_id=guild.id, user_id=ALICE)).response()
    ).message
    assert asked is not None
    start_over = next(cid for cid in asked.custom_ids if cid.endswith(":start_over"))
    pressed = await fake_discord.click(asked, start_over, user_id=ALICE)
    await pressed.followups(1)
    # (the mentor offer of her first onboarding may arrive in between: look for the question)
    restarted = await fake_discord.wait_for(
        lambda: next(
            (m for m in reversed(fake_discord.dms_to(ALICE)) if "Where do you live?" in m.text), None
        ),
        what="the first question again",
    )

    # /join while that restart is open picks it up instead of saying she is done.
    again = Clicker(fake_discord, ALICE, message=restarted)
    await again.type_into("ask_place", "York")
    joined = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    await joined.followups(1)
    # A new DM at the step she reached, beside the restarted conversation's own message.
    await fake_discord.wait_for(
        lambda: sum("Is this right?" in m.text for m in fake_discord.dms_to(ALICE)) >= 2,
        what="the restart picked up again",
    )


async def test_closed_dms_and_no_onboarding_channel_reach_the_moderators_and_the_member(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    alerts = fake_discord.add_channel(guild, name="mod-alerts")
    bot = await start_bot()
    await configure(bot, guild, alerts_channel_id=alerts.id)
    fake_discord.close_dms(ALICE)
    await fake_discord.member_join(guild, ALICE, name="alice")
    [warning] = await fake_discord.wait_for(lambda: fake_discord.messages_in(alerts), what="a warning")
    assert f"<@{ALICE}>" in warning.text and "no onboarding channel" in warning.text

    # The next command she uses shows her the way in, only to her; it opens the conversation here.
    about = await fake_discord.slash("about", guild_id=guild.id, user_id=ALICE)
    assert (await about.response()).ephemeral
    [path] = await about.followups(1)
    assert path.ephemeral and "here's the way in" in path.text
    alice = Clicker(fake_discord, ALICE)
    begun = await alice.begin(path)
    assert (await begun.response()).ephemeral
    assert "Where do you live?" in alice.latest().text
    # Once she has a conversation open, commands no longer repeat it.
    again = await fake_discord.slash("about", guild_id=guild.id, user_id=ALICE)
    await again.response()
    await asyncio.sleep(0.5)  # the listener runs after the command; it would have followed up by now
    assert again.followup_messages == []


async def test_with_no_channel_for_moderators_the_owner_hears_it_by_dm(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    fake_discord.close_dms(ALICE)
    await fake_discord.member_join(guild, ALICE, name="alice")
    warning = await fake_discord.wait_for_dm(guild.owner_id)
    assert f"<@{ALICE}>" in warning.text and "DMs are closed" in warning.text
