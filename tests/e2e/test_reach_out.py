"""Reaching out through the bot end to end (issue 17 item 1): a mentor's /reach out to their mentee
and a moderator's Reach out on a member card reach the member by DM, signed, their words escaped
and pinging nobody; a delivered one is a human contact, a refused one is not and the sender is told."""

from __future__ import annotations

from sqlalchemy import select

from db.enums import HumanContactKind
from db.models import HumanContact, Member
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message
from tests.support.clock import TestClock

MOD, ALICE, BOB, CAROL, MANCHESTER = 4000, 5001, 5002, 5003, 6001


async def _answer(itx: InteractionHandle) -> Message:
    first = await itx.response()
    if first.type == 5:  # deferred: the answer is the first follow-up
        return (await itx.followups(1, timeout=10))[0]
    assert first.message is not None
    return first.message


async def _reached_out(bot: object, user_id: int) -> int:
    async with bot.sessions() as session:  # type: ignore[attr-defined]
        found = await session.execute(
            select(HumanContact.id)
            .join(Member, HumanContact.member_id == Member.id)
            .where(Member.user_id == user_id, HumanContact.kind == HumanContactKind.REACHED_OUT)
        )
    return len(found.all())


async def test_a_mentor_and_a_moderator_reach_out(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, auto_confirm_organizers=True, auto_approve_pairings=True)
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, BOB, "Leeds")
    await _answer(await fake_discord.slash("mentor request", guild_id=guild.id, user_id=BOB))
    await onboard(fake_discord, guild, ALICE, "Lincoln")
    await onboard(fake_discord, guild, CAROL, "Hull")

    # The mentor writes to Bob: he reads it by DM, signed, his mentor's words escaped, no pings.
    before = len(fake_discord.dms_to(BOB))
    words = "How did the **meeting** go? @everyone <@123>"
    sent = await _answer(
        await fake_discord.slash(
            "reach out", guild_id=guild.id, user_id=MANCHESTER, options={"member": BOB, "message": words}
        )
    )
    assert "Sent to" in sent.text
    dm = await fake_discord.wait_for_dm(BOB, count=before + 1)
    assert "A message from your mentor" in dm.text and f"<@{MANCHESTER}>" in dm.text
    assert "\\*\\*meeting\\*\\*" in dm.text and "@everyone" not in dm.text.replace("@\u200beveryone", "")
    assert "<@123>" not in dm.text
    assert await _reached_out(bot, BOB) == 1

    # Alice is not the mentor's mentee: refused, nothing sent, nothing recorded.
    alice_before = len(fake_discord.dms_to(ALICE))
    refused = await _answer(
        await fake_discord.slash(
            "reach out", guild_id=guild.id, user_id=MANCHESTER, options={"member": ALICE, "message": "Hi"}
        )
    )
    assert "your own mentees only" in refused.text
    assert len(fake_discord.dms_to(ALICE)) == alice_before and await _reached_out(bot, ALICE) == 0

    # A moderator reaches Alice from her member card; Bob may not press the button.
    card = await _answer(
        await fake_discord.slash("mod member", guild_id=guild.id, user_id=MOD, options={"member": ALICE})
    )
    button = next(cid for cid in card.custom_ids if cid.startswith("gw:ma:") and cid.endswith(":reach_out"))
    denied = await fake_discord.click(card, button, user_id=BOB)
    assert "can't use that" in (await denied.response()).message.text
    opened = await fake_discord.click(card, button, user_id=MOD)
    await opened.response()
    assert opened.modal is not None
    done = await _answer(
        await fake_discord.submit_modal(opened, {"words": "Welcome! How are things in Lincoln?"})
    )
    assert "Sent to" in done.text
    dm = await fake_discord.wait_for_dm(ALICE, count=alice_before + 1)
    assert "one of the server's moderators" in dm.text and "How are things in Lincoln?" in dm.text
    assert await _reached_out(bot, ALICE) == 1

    # Closed DMs: the moderator is told it did not arrive, and nothing is recorded.
    fake_discord.close_dms(ALICE)
    again = await fake_discord.click(card, button, user_id=MOD)
    await again.response()
    closed = await _answer(await fake_discord.submit_modal(again, {"words": "Still there?"}))
    assert "couldn't deliver" in closed.text
    assert await _reached_out(bot, ALICE) == 1

    # A week on, Carol is on /mod unattended: the page's select reaches her, and she is off the list.
    clock.advance(days=8)
    listed = await _answer(await fake_discord.slash("mod unattended", guild_id=guild.id, user_id=MOD))
    assert f"<@{CAROL}>" in listed.text
    pick = next(cid for cid in listed.custom_ids if cid.startswith("gw:mro:"))
    opened = await fake_discord.select(listed, pick, [str(CAROL)], user_id=MOD)
    await opened.response()
    reached = await _answer(await fake_discord.submit_modal(opened, {"words": "Hello Carol!"}))
    assert "Sent to" in reached.text and await _reached_out(bot, CAROL) == 1
    after = await _answer(await fake_discord.slash("mod unattended", guild_id=guild.id, user_id=MOD))
    assert f"<@{CAROL}>" not in after.text
