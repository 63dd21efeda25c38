"""Peer buddies' edges end to end through the real discord.py client (issue 17): a buddy who
leaves the server, or deletes their data, and the other is told kindly and offered someone new
(never the same buddy); two buddies whose DMs are both closed are introduced in their private
thread only, and asked "did you talk?" there."""

from __future__ import annotations

from bot.bot import GroundworkBot
from bot.texts import buddies as texts
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import onboard
from tests.e2e.test_local import dm_with, first_message, local_world, press, thread_with
from tests.fake_discord import Channel, FakeDiscord, Guild, Message
from tests.support.clock import TestClock
from tests.support.waiting import eventually

PLYMOUTH, TRURO, NORWICH = 8201, 8202, 8203


async def _buddies(fake: FakeDiscord, guild: Guild, start_bot: StartBot) -> tuple[GroundworkBot, Channel]:
    """Plymouth and Truro, alone in their areas with no mentor in sight, offered each other: both
    say yes and are introduced in a private thread."""
    bot, _review, intros = await local_world(fake, guild, start_bot)
    await onboard(fake, guild, PLYMOUTH, "Plymouth, England", paths=("run_for_office",))
    await onboard(fake, guild, TRURO, "Truro, England", paths=("run_for_office",))
    await _sweep(bot)
    assert await press(fake, await dm_with(fake, PLYMOUTH, "gw:bd:o:"), "yes", PLYMOUTH) == texts.THANKS_YES
    assert await press(fake, await dm_with(fake, TRURO, "gw:bd:o:"), "yes", TRURO) == texts.INTRODUCING
    return bot, await thread_with(fake, intros, PLYMOUTH, TRURO, prefix="Buddies")


async def _sweep(bot: GroundworkBot) -> None:
    cog = bot.get_cog("Buddies")
    assert cog is not None
    await cog.sweep_all()  # type: ignore[attr-defined]


async def _told(fake: FakeDiscord, user_id: int, text: str) -> None:
    await fake.wait_for(
        lambda: next((m for m in fake.dms_to(user_id) if m.text == text), None),
        what=f"{user_id} told {text!r}",
    )


async def test_a_buddy_who_leaves_and_the_other_is_told_and_offered_someone_new(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake = fake_discord
    bot, _thread = await _buddies(fake, guild, start_bot)
    await fake.member_leave(guild, TRURO)
    await _told(fake, PLYMOUTH, texts.LEFT_FOR_YOU)
    shown = await fake.slash("buddy", guild_id=guild.id, user_id=PLYMOUTH)
    assert (await shown.response()).message.text == texts.MINE_NONE  # type: ignore[union-attr]
    # Someone new in the same position: Plymouth is offered them.
    await onboard(fake, guild, NORWICH, "Norwich, England", paths=("run_for_office",))
    await _sweep(bot)
    offer = await dm_with(fake, PLYMOUTH, "gw:bd:o:")
    assert "Norwich" in offer.text
    await dm_with(fake, NORWICH, "gw:bd:o:")
    assert fake.violations == []


async def test_a_buddy_who_deletes_their_data_and_the_other_is_told_kindly(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake = fake_discord
    await _buddies(fake, guild, start_bot)
    asked = await fake.slash("privacy delete", guild_id=guild.id, user_id=TRURO)
    message = (await asked.response()).message
    assert message is not None
    confirm = next(cid for cid in message.custom_ids if cid.endswith(":yes"))
    await (await fake.click(message, confirm, user_id=TRURO)).response()
    # Truro is still in the server: Plymouth hears their buddy stepped away, not that they left.
    await _told(fake, PLYMOUTH, texts.GONE_FOR_YOU)
    assert not any(m.text == texts.LEFT_FOR_YOU for m in fake.dms_to(PLYMOUTH))
    assert fake.violations == []


async def test_buddies_with_closed_dms_are_introduced_and_asked_in_their_thread_only(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake = fake_discord
    bot, _review, intros = await local_world(fake, guild, start_bot)
    await onboard(fake, guild, PLYMOUTH, "Plymouth, England", paths=("run_for_office",))
    await onboard(fake, guild, TRURO, "Truro, England", paths=("run_for_office",))
    await _sweep(bot)
    offer = await dm_with(fake, PLYMOUTH, "gw:bd:o:")
    other = await dm_with(fake, TRURO, "gw:bd:o:")
    # Both close their DMs once the offer has come; they answer it all the same.
    fake.close_dms(PLYMOUTH)
    fake.close_dms(TRURO)
    sent_before = len(fake.dms_to(PLYMOUTH)), len(fake.dms_to(TRURO))
    assert await press(fake, offer, "yes", PLYMOUTH) == texts.THANKS_YES
    assert await press(fake, other, "yes", TRURO) == texts.INTRODUCING
    thread = await thread_with(fake, intros, PLYMOUTH, TRURO, prefix="Buddies")
    text = (await first_message(fake, thread)).text
    assert f"<@{PLYMOUTH}>" in text and f"<@{TRURO}>" in text
    # The thread did it: no DM was even tried for the introduction, none refused, nothing lost.
    assert not [r for r in fake.requests if r.error_code == 50007]
    assert (len(fake.dms_to(PLYMOUTH)), len(fake.dms_to(TRURO))) == sent_before

    # /buddy shows the thread once the introduction is recorded (a week from now: the follow-up).
    async def recorded() -> bool:
        shown = await fake.slash("buddy", guild_id=guild.id, user_id=PLYMOUTH)
        answer = (await shown.response()).message
        return answer is not None and f"<#{thread.id}>" in answer.text

    await eventually(recorded, what="the introduction recorded")
    # A week later both are asked in the thread, each pinged by name.
    clock.advance(days=7)
    cog = bot.get_cog("Buddies")
    assert cog is not None
    await cog.followups()  # type: ignore[attr-defined]

    def asked_in_thread() -> dict[int, Message] | None:
        asked = [m for m in fake.messages_in(thread) if any(c.startswith("gw:bd:f:") for c in m.custom_ids)]
        by_user = {u: m for m in asked for u in (PLYMOUTH, TRURO) if f"<@{u}>" in m.text}
        return by_user if len(asked) == 2 and len(by_user) == 2 else None

    asked: dict[int, Message] = await fake.wait_for(asked_in_thread, what="both asked in the thread")
    assert await press(fake, asked[TRURO], "talked", TRURO) == texts.THANKS_TALKED
    assert await press(fake, asked[PLYMOUTH], "not_yet", PLYMOUTH) == texts.THANKS_NOT_YET
    assert fake.violations == []


async def test_buddies_with_closed_dms_and_no_thread_possible_are_not_lost(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake = fake_discord
    bot, review, intros = await local_world(fake, guild, start_bot)
    fake.deny(guild, "CREATE_PRIVATE_THREADS", channel=intros)
    await onboard(fake, guild, PLYMOUTH, "Plymouth, England", paths=("run_for_office",))
    await onboard(fake, guild, TRURO, "Truro, England", paths=("run_for_office",))
    await _sweep(bot)
    offer = await dm_with(fake, PLYMOUTH, "gw:bd:o:")
    other = await dm_with(fake, TRURO, "gw:bd:o:")
    fake.close_dms(PLYMOUTH)
    fake.close_dms(TRURO)
    assert await press(fake, offer, "yes", PLYMOUTH) == texts.THANKS_YES
    assert await press(fake, other, "yes", TRURO) == texts.INTRODUCING
    # Neither a thread nor a DM could carry it: the moderators hear, naming both (pinging nobody).
    alert: Message = await fake.wait_for(
        lambda: next(
            (m for m in fake.messages_in(review) if "couldn't introduce the buddies" in m.text), None
        ),
        what="the moderators told",
    )
    assert f"<@{PLYMOUTH}>" in alert.text and f"<@{TRURO}>" in alert.text
    assert fake.threads(intros) == []
    assert fake.violations == []


async def test_a_buddy_whose_dms_are_closed_hears_in_their_thread_that_the_other_left(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake = fake_discord
    _bot, thread = await _buddies(fake, guild, start_bot)

    async def recorded() -> bool:  # the introduction's thread is on record
        shown = await fake.slash("buddy", guild_id=guild.id, user_id=PLYMOUTH)
        answer = (await shown.response()).message
        return answer is not None and f"<#{thread.id}>" in answer.text

    await eventually(recorded, what="the introduction recorded")
    fake.close_dms(PLYMOUTH)
    await fake.member_leave(guild, TRURO)
    told: Message = await fake.wait_for(
        lambda: next((m for m in fake.messages_in(thread) if texts.LEFT_FOR_YOU in m.text), None),
        what="Plymouth told in the thread",
    )
    assert told.text == texts.IN_THREAD.format(who=f"<@{PLYMOUTH}>", text=texts.LEFT_FOR_YOU)
    assert fake.violations == []


async def test_an_offer_to_a_buddy_whose_dms_are_closed_lets_the_other_be_offered_someone_new(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake = fake_discord
    bot, _review, _intros = await local_world(fake, guild, start_bot)
    await onboard(fake, guild, PLYMOUTH, "Plymouth, England", paths=("run_for_office",))
    await onboard(fake, guild, TRURO, "Truro, England", paths=("run_for_office",))
    fake.close_dms(TRURO)
    await _sweep(bot)
    first = await dm_with(fake, PLYMOUTH, "gw:bd:o:")
    # Truro never got theirs: the offer is called off at once, not after three days of silence.
    clicked = await fake.click(
        first, next(c for c in first.custom_ids if c.endswith(":yes")), user_id=PLYMOUTH
    )
    [told] = await clicked.followups(1)
    assert told.text == texts.CALLED_OFF
    await onboard(fake, guild, NORWICH, "Norwich, England", paths=("run_for_office",))
    await _sweep(bot)  # the same day

    def offered_norwich() -> Message | None:
        return next(
            (
                m
                for m in fake.dms_to(PLYMOUTH)
                if "Norwich" in m.text and any(c.startswith("gw:bd:o:") for c in m.custom_ids)
            ),
            None,
        )

    await fake.wait_for(offered_norwich, what="Plymouth offered Norwich")
    await dm_with(fake, NORWICH, "gw:bd:o:")
    assert fake.violations == []
