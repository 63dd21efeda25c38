"""Peer buddies end to end through the real discord.py client (issue 17 item 2): two members alone
in their areas, with no mentor in sight, are offered each other, both say yes, a private thread
introduces them with an icebreaker and two times; a week later "did you talk?" (in the thread for
the one whose DMs closed), and "not a good fit" ends it."""

from __future__ import annotations

from bot.texts import buddies as texts
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import onboard
from tests.e2e.test_local import dm_with, first_message, local_world, press, thread_with
from tests.fake_discord import FakeDiscord, Guild
from tests.support.clock import TestClock
from tests.support.waiting import eventually

PLYMOUTH, TRURO = 8101, 8102


async def test_two_isolated_members_become_buddies_and_are_asked_a_week_later(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot, _review, intros = await local_world(fake, guild, start_bot)
    await onboard(fake, guild, PLYMOUTH, "Plymouth, England", paths=("run_for_office",))
    await onboard(fake, guild, TRURO, "Truro, England", paths=("run_for_office",))
    cog = bot.get_cog("Buddies")
    assert cog is not None

    # Nobody mentors here: each is offered a buddy, without being named to the other.
    await cog.sweep_all()  # type: ignore[attr-defined]
    offer = await dm_with(fake, PLYMOUTH, "gw:bd:o:")
    other = await dm_with(fake, TRURO, "gw:bd:o:")
    assert "Plymouth" in other.text and f"<@{PLYMOUTH}>" not in other.text
    assert "run for local office" in offer.text
    assert await press(fake, offer, "yes", PLYMOUTH) == texts.THANKS_YES
    assert await press(fake, other, "yes", TRURO) == texts.INTRODUCING

    # Both said yes: a private thread with the icebreaker and two times on everyone's own clock.
    thread = await thread_with(fake, intros, PLYMOUTH, TRURO, prefix="Buddies")
    text = (await first_message(fake, thread)).text
    assert f"<@{PLYMOUTH}>" in text and f"<@{TRURO}>" in text
    assert "you all want to run for local office" in text
    assert text.count("<t:") == 2

    # /buddy names the buddy, and the thread once the introduction is recorded (the follow-up is
    # due a week from then: the clock moves on only after).
    async def shown() -> bool:
        itx = await fake.slash("buddy", guild_id=guild.id, user_id=PLYMOUTH)
        text = (await itx.response()).message.text  # type: ignore[union-attr]
        assert f"<@{TRURO}>" in text
        return f"<#{thread.id}>" in text

    await eventually(shown, what="the introduction recorded")

    # A week later: by DM to one; in the thread to the other, whose DMs are closed now.
    fake.close_dms(TRURO)
    clock.advance(days=7)
    await cog.followups()  # type: ignore[attr-defined]
    asked = await dm_with(fake, PLYMOUTH, "gw:bd:f:")
    assert f"<@{TRURO}>" in asked.text
    assert await press(fake, asked, "talked", PLYMOUTH) == texts.THANKS_TALKED
    in_thread = await fake.wait_for_message(
        thread, where=lambda m: any(c.startswith("gw:bd:f:") for c in m.custom_ids)
    )
    assert f"<@{TRURO}>" in in_thread.text
    assert await press(fake, in_thread, "not_a_fit", TRURO) == texts.THANKS_NOT_A_FIT
    await fake.wait_for(
        lambda: next((m for m in fake.dms_to(PLYMOUTH) if m.text == texts.ENDED_FOR_YOU), None),
        what="Plymouth told the buddies ended",
    )
    # Ended: neither is offered the other again.
    await cog.sweep_all()  # type: ignore[attr-defined]
    none = await fake.slash("buddy", guild_id=guild.id, user_id=TRURO)
    assert (await none.response()).message.text == texts.MINE_NONE  # type: ignore[union-attr]
    assert fake.violations == []
