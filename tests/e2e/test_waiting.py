"""Honest waiting end to end (issue 17 items 5 and 6): a member who asks for a mentor reads where
they stand and what they can do meanwhile, hears again when an organizer makes room, and a
moderator sees the list and what would reach everyone within the wait target."""

from __future__ import annotations

from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message
from tests.support.clock import TestClock

MOD, ALICE, BOB, MANCHESTER = 4000, 5001, 5002, 6001


async def _answer(itx: InteractionHandle) -> Message:
    first = await itx.response()
    if first.type == 5:  # deferred: the answer is the first follow-up
        return (await itx.followups(1, timeout=10))[0]
    assert first.message is not None
    return first.message


async def test_a_waiting_member_is_told_where_they_stand_and_again_when_it_changes(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    review = fake_discord.add_channel(guild, name="mentor-review")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    # No quiet hours: the update goes out whatever the test clock's hour.
    await configure(
        bot,
        guild,
        review_channel_id=review.id,
        auto_confirm_organizers=True,
        quiet_hours_start=0,
        quiet_hours_end=0,
    )
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=1)

    # Bob asks first and is proposed the one place; Alice asks next and is told where she stands.
    await onboard(fake_discord, guild, BOB, "Leeds")
    bob = await _answer(await fake_discord.slash("mentor request", guild_id=guild.id, user_id=BOB))
    assert "found a possible mentor" in bob.text
    await onboard(fake_discord, guild, ALICE, "Lincoln")
    alice = await _answer(await fake_discord.slash("mentor request", guild_id=guild.id, user_id=ALICE))
    assert "You're on the list for a mentor" in alice.text
    assert "You're next on the list. I can't say yet how long: there's no free place right now" in alice.text
    assert "I'll tell you when that changes." in alice.text
    assert "`/practice`" in alice.text and "`/log add`" in alice.text
    assert "message you when it's done" not in alice.text  # no promise without news
    shown = await _answer(await fake_discord.slash("mentor show", guild_id=guild.id, user_id=ALICE))
    assert "You're waiting for a mentor since" in shown.text and "You're next on the list" in shown.text

    # The moderator sees one waiting, no free place, and what would reach her within the target.
    attention = await _answer(await fake_discord.slash("mod attention", guild_id=guild.id, user_id=MOD))
    assert "**Waiting for a mentor:** 1 · **free places:** 0" in attention.text
    assert "**Projected wait for the last on the list:** unknown" in attention.text
    assert "1 more organizer(s) with capacity 1" in attention.text
    crafted = await fake_discord.slash("mod attention", guild_id=guild.id, user_id=ALICE, crafted=True)
    assert "can't use that" in (await crafted.response()).message.text

    # The organizer makes room for one more: a day later Alice hears her wait changed, once.
    before = len(fake_discord.dms_to(ALICE))
    room = await _answer(
        await fake_discord.slash(
            "organizer capacity", guild_id=guild.id, user_id=MANCHESTER, options={"capacity": 2}
        )
    )
    assert "up to 2" in room.text
    pairing_cog = bot.get_cog("Pairing")
    await pairing_cog.wait_updates()  # type: ignore[union-attr]
    assert len(fake_discord.dms_to(ALICE)) == before  # told today already: not twice in a day
    clock.advance(days=1, hours=1)
    await pairing_cog.wait_updates()  # type: ignore[union-attr]
    update = await fake_discord.wait_for_dm(ALICE, count=before + 1)
    assert "News about your wait for a mentor" in update.text
    assert "a mentor has room now: you'll hear from me within a day" in update.text
    await pairing_cog.wait_updates()  # type: ignore[union-attr]
    assert len(fake_discord.dms_to(ALICE)) == before + 1

    after = await _answer(await fake_discord.slash("mod attention", guild_id=guild.id, user_id=MOD))
    assert "**Waiting for a mentor:** 1 · **free places:** 1" in after.text
    assert "Everyone on the list is expected to have a mentor within the target." in after.text


async def test_a_rejected_proposal_tells_the_member_they_are_back_on_the_list(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    review = fake_discord.add_channel(guild, name="mentor-review")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, review_channel_id=review.id, auto_confirm_organizers=True)
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    asked = await _answer(await fake_discord.slash("mentor request", guild_id=guild.id, user_id=ALICE))
    assert "found a possible mentor" in asked.text
    proposal = await fake_discord.wait_for(
        lambda: next((m for m in fake_discord.messages_in(review.id) if m.embeds), None), what="the proposal"
    )
    before = len(fake_discord.dms_to(ALICE))
    reject = next(cid for cid in proposal.custom_ids if cid.endswith(":reject"))
    await (await fake_discord.click(proposal, reject, user_id=MOD)).response()
    # Among what she is sent after the rejection (the mentor offer of her onboarding, which
    # waits for its turn behind nothing urgent, can still arrive in between).
    told = await fake_discord.wait_for(
        lambda: next((m for m in fake_discord.dms_to(ALICE)[before:] if "back on the list" in m.text), None),
        what="Alice told she is back on the list",
    )
    assert "couldn't be confirmed this time, so you're back on the list" in told.text
    assert "You're next on the list, and a mentor has room now" in told.text
