"""groundwork when Discord says no: missing permissions, unknown objects, deadlines, expired tokens."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.bot import GroundworkBot
from db.enums import MemberStatus, OnboardingStatus
from db.models import Member, OnboardingSession
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import Member as Clicker
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import FakeDiscord, Guild

ALICE = 5001
DM_CHANNEL_ROUTE = "/users/@me/channels"


async def _member_status(bot: GroundworkBot) -> MemberStatus:
    async with bot.sessions() as session:
        return (await session.execute(select(Member.status))).scalar_one()


async def test_missing_manage_roles_still_completes_onboarding(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    role = fake_discord.add_role(guild, name="member")
    bot = await start_bot()
    await configure(bot, guild, member_role_id=role.id)
    fake_discord.deny(guild, "MANAGE_ROLES")
    with caplog.at_level(logging.WARNING):
        alice = await onboard(fake_discord, guild, ALICE)
    assert "couldn't give you your server roles" in alice.latest().text
    assert fake_discord.role_names(guild, ALICE) == []
    refused = [r for r in fake_discord.requests if r.error_code == 50013]
    assert refused, "the bot never tried"
    assert await _member_status(bot) == MemberStatus.ACTIVE
    assert "could not give roles" in caplog.text


async def test_an_unknown_member_when_giving_roles_is_handled(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    role = fake_discord.add_role(guild, name="member")
    bot = await start_bot()
    await configure(bot, guild, member_role_id=role.id)
    fake_discord.fail("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", 404, 10007, times=None)
    alice = await onboard(fake_discord, guild, ALICE)
    assert "couldn't give you your server roles" in alice.latest().text
    assert any(r.error_code == 10007 for r in fake_discord.requests)
    assert await _member_status(bot) == MemberStatus.ACTIVE


async def test_an_announcement_channel_that_is_gone_or_forbidden_does_not_break_onboarding(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    announcements = fake_discord.add_channel(guild, name="welcome")
    bot = await start_bot()
    await configure(bot, guild, announce_channel_id=announcements.id)
    fake_discord.fail(
        "POST", "/channels/{channel_id}/messages", 404, 10003, where=lambda r: str(announcements.id) in r.path
    )
    with caplog.at_level(logging.WARNING):
        await onboard(fake_discord, guild, ALICE)
        await fake_discord.wait_for(lambda: "could not announce" in caplog.text, what="the warning")
    assert any(r.error_code == 10003 for r in fake_discord.requests)
    fake_discord.deny(guild, "SEND_MESSAGES", channel=announcements)
    await onboard(fake_discord, guild, 5002)
    await fake_discord.wait_for(
        lambda: any(r.error_code == 50013 for r in fake_discord.requests), what="the 403"
    )
    assert await _member_status_of(bot, 5002) == MemberStatus.ACTIVE


async def _member_status_of(bot: GroundworkBot, user_id: int) -> MemberStatus:
    async with bot.sessions() as session:
        return (await session.execute(select(Member.status).where(Member.user_id == user_id))).scalar_one()


async def test_a_private_thread_that_cannot_be_created_is_logged_not_fatal(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    lobby = fake_discord.add_channel(guild, name="onboarding")
    bot = await start_bot()
    await configure(bot, guild, onboarding_channel_id=lobby.id)
    fake_discord.deny(guild, "CREATE_PRIVATE_THREADS", channel=lobby)
    fake_discord.close_dms(ALICE)
    with caplog.at_level(logging.WARNING):
        await fake_discord.member_join(guild, ALICE, name="alice")
        await fake_discord.wait_for(
            lambda: any(r.error_code == 50013 for r in fake_discord.requests), what="the 403"
        )
        await fake_discord.wait_for(
            lambda: "could not open an onboarding thread" in caplog.text, what="the log line"
        )
    assert fake_discord.threads(lobby) == []
    # /join still works, in ephemeral messages.
    itx = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    _, step = await itx.followups(2)
    assert "Where do you live?" in step.text


async def test_a_lost_edit_of_the_summary_is_reported_and_the_answers_are_kept(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await fake_discord.member_join(guild, ALICE, name="alice")
    alice = Clicker(fake_discord, ALICE)
    await alice.begin(await fake_discord.wait_for_dm(ALICE))
    await alice.answer_everything("Leeds", stop_at_summary=True)
    fake_discord.fail("PATCH", None, 404, 10008, where=lambda r: r.path.endswith("/messages/@original"))
    itx = await alice.click("confirm")
    [note] = await itx.followups(1)
    assert "something went wrong" in note.text
    assert await _member_status(bot) == MemberStatus.ACTIVE


async def test_join_defers_so_a_slow_discord_does_not_lose_the_interaction(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    await start_bot()
    fake_discord.interaction_deadline = 1.0  # generous: a busy CI machine must not make the defer itself late
    fake_discord.slow("POST", DM_CHANNEL_ROUTE, 1.5)
    itx = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    first = await itx.response()
    assert first.type == 5 and first.accepted  # deferred at once
    [note] = await itx.followups(1, timeout=5)
    assert "private message" in note.text
    assert "Where do you live?" in fake_discord.dms_to(ALICE)[-1].text


async def test_an_answer_after_the_deadline_is_refused_by_discord_and_the_bot_carries_on(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    await start_bot()
    fake_discord.interaction_deadline = 0.2
    fake_discord.slow("POST", "/interactions/{interaction_id}/{interaction_token}/callback", 0.4)
    with caplog.at_level(logging.WARNING):
        late = await fake_discord.slash("about", guild_id=guild.id, user_id=ALICE)
        answer = await late.response(timeout=3)
        assert answer.error_code == 10062
        await fake_discord.wait_for(
            lambda: "could not tell user" in caplog.text, what="the warning", timeout=3
        )
    # The bot is fine: the next command is answered.
    fake_discord.interaction_deadline = 3.0
    again = await fake_discord.slash("about", guild_id=guild.id, user_id=ALICE)
    assert (await again.response()).accepted


async def test_a_follow_up_after_the_token_expired_is_logged_and_the_conversation_kept(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    bot = await start_bot()
    fake_discord.slow("POST", DM_CHANNEL_ROUTE, 0.3)
    with caplog.at_level(logging.WARNING):
        itx = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
        await itx.response()
        itx.age(16 * 60)  # the member went away; the 15-minute token is gone
        await fake_discord.wait_for(
            lambda: any(r.error_code == 50027 for r in fake_discord.requests), what="the 401", timeout=3
        )
        await fake_discord.wait_for(
            lambda: "could not tell user" in caplog.text, what="the warning", timeout=3
        )
    async with bot.sessions() as session:
        row = (await session.execute(select(OnboardingSession))).scalar_one()
        assert row.status == OnboardingStatus.OPEN
    assert "Where do you live?" in fake_discord.dms_to(ALICE)[-1].text
