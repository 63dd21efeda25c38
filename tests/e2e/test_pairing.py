"""Pairing end to end: an isolated member asks for a mentor, a moderator approves, they are
introduced in a private thread, followed up, and re-paired when it was not a good fit."""

from __future__ import annotations

from sqlalchemy import select

from bot.texts import pairing as texts
from db.enums import MentorshipEndReason, MentorshipStatus
from db.models import AuditEntry, Mentorship
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import FakeDiscord, Guild, Message
from tests.support.clock import TestClock
from tests.support.waiting import eventually

MOD, ALICE, MANCHESTER, LYON = 4000, 5001, 6001, 6002


async def _review_message(
    fake_discord: FakeDiscord, channel_id: int, count: int, *, timeout: float = 2.0
) -> Message:
    def proposals() -> list[Message]:
        return [
            m
            for m in fake_discord.messages_in(channel_id)
            if m.embeds and not m.ephemeral and m.embeds[0].get("title") != texts.ORGANIZER_REVIEW_TITLE
        ]

    messages = await fake_discord.wait_for(
        lambda: len(proposals()) >= count and proposals(),
        what=f"{count} proposal(s) in the review channel",
        timeout=timeout,
    )
    return messages[count - 1]


async def test_isolated_member_to_mentor_and_repaired_after_a_bad_fit(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    review = fake_discord.add_channel(guild, name="mentor-review")
    intros = fake_discord.add_channel(guild, name="introductions")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, review_channel_id=review.id, introductions_channel_id=intros.id)

    # Two experienced members offer to mentor; a moderator confirms them.
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=2)
    await onboard(fake_discord, guild, LYON, "Lyon", experience="experienced", mentor_capacity=1)
    for organizer in (MANCHESTER, LYON):
        confirm = await fake_discord.slash(
            "organizer confirm", guild_id=guild.id, user_id=MOD, options={"member": organizer}
        )
        assert "confirmed" in (await confirm.response()).message.text

    # Alice is alone in Leeds (Manchester is ~58 km away): she is offered a mentor and says yes.
    await onboard(fake_discord, guild, ALICE, "Leeds")
    offer = await fake_discord.wait_for(
        lambda: next(
            (m for m in fake_discord.dms_to(ALICE) if any(c.startswith("gw:mr:") for c in m.custom_ids)), None
        ),
        what="the mentor offer",
    )
    asked = await fake_discord.click(offer, offer.custom_ids[0], user_id=ALICE)
    [note] = await asked.followups(1)
    assert "found a possible mentor" in note.text

    # The proposal (Manchester, the nearest) goes to the moderators; one approves.
    proposal = await _review_message(fake_discord, review.id, 1)
    assert f"<@{MANCHESTER}>" in proposal.embeds[0]["description"]
    approve = next(cid for cid in proposal.custom_ids if cid.endswith(":approve"))
    outsider = await fake_discord.click(proposal, approve, user_id=ALICE)  # not a moderator
    assert (
        "can't use that"
        in (
            await outsider.followups(1)
            if not (await outsider.response()).message
            else [(await outsider.response()).message]
        )[0].text
    )
    approved = await fake_discord.click(proposal, approve, user_id=MOD)
    await approved.response()

    # They are introduced in a private thread with both of them in it.
    [thread] = await fake_discord.wait_for(
        lambda: fake_discord.threads(intros), what="the introduction thread"
    )
    assert thread.type == 12
    [intro] = await fake_discord.wait_for(lambda: fake_discord.messages_in(thread), what="the introduction")
    assert {ALICE, MANCHESTER} <= thread.thread_members
    assert f"<@{ALICE}>" in intro.text and f"<@{MANCHESTER}>" in intro.text
    assert "A first step" in intro.text

    async def introduced() -> bool:
        async with bot.sessions() as session:
            return (await session.execute(select(Mentorship.introduced_at))).scalar_one() is not None

    await eventually(introduced, what="the introduction to be recorded")

    # Two weeks later both are asked, separately, how it is going.
    clock.advance(days=15)
    await bot.get_cog("Pairing").followups()  # type: ignore[union-attr]
    question = await fake_discord.wait_for(
        lambda: next((m for m in fake_discord.dms_to(ALICE) if "How is it going" in m.text), None),
        what="the follow-up",
    )
    assert any("How is it going" in m.text for m in fake_discord.dms_to(MANCHESTER))

    # Not a good fit: the pairing ends and Alice is proposed someone else (Lyon, never Manchester again).
    not_a_fit = next(cid for cid in question.custom_ids if cid.endswith(":not_a_fit"))
    answered = await fake_discord.click(question, not_a_fit, user_id=ALICE)
    assert "look for someone who fits better" in (await answered.response()).message.text
    second = await _review_message(fake_discord, review.id, 2)
    assert f"<@{LYON}>" in second.embeds[0]["description"]
    assert f"<@{MANCHESTER}>" not in second.embeds[0]["description"]
    async with bot.sessions() as session:
        rows = (await session.execute(select(Mentorship).order_by(Mentorship.id))).scalars().all()
        assert [(r.status, r.end_reason) for r in rows] == [
            (MentorshipStatus.ENDED, MentorshipEndReason.NOT_A_FIT),
            (MentorshipStatus.PROPOSED, None),
        ]
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
        assert {"pairing.proposed", "pairing.approved", "pairing.ended", "organizer.confirmed"} <= set(
            actions
        )


async def test_manual_pairing_with_threads_forbidden_falls_back_to_dms_and_can_be_ended(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    intros = fake_discord.add_channel(guild, name="introductions")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, introductions_channel_id=intros.id, auto_confirm_organizers=True)
    fake_discord.deny(guild, "CREATE_PRIVATE_THREADS", channel=intros)
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    itx = await fake_discord.slash(
        "pairing pair", guild_id=guild.id, user_id=MOD, options={"member": ALICE, "mentor": MANCHESTER}
    )
    await itx.followups(1)
    for user_id, other in ((ALICE, MANCHESTER), (MANCHESTER, ALICE)):
        intro = await fake_discord.wait_for(
            lambda user_id=user_id: next(
                (m for m in fake_discord.dms_to(user_id) if "I'd like to introduce you" in m.text), None
            ),
            what="the DM introduction",
        )
        assert f"<@{other}>" in intro.text
    assert fake_discord.threads(intros) == []

    shown = await fake_discord.slash("mentor show", guild_id=guild.id, user_id=ALICE)
    assert f"<@{MANCHESTER}>" in (await shown.response()).message.text
    mentees = await fake_discord.slash("organizer mentees", guild_id=guild.id, user_id=MANCHESTER)
    assert f"<@{ALICE}>" in (await mentees.response()).message.text

    # A second pairing for the same member, or over capacity, is refused with a reason.
    again = await fake_discord.slash(
        "pairing pair", guild_id=guild.id, user_id=MOD, options={"member": ALICE, "mentor": MANCHESTER}
    )
    [refused] = await again.followups(1)
    assert (
        "already have a mentor" in refused.text or "being checked" in refused.text or "mentor" in refused.text
    )

    # A member cannot end it; a moderator can.
    ended = await fake_discord.slash("pairing end", guild_id=guild.id, user_id=MOD, options={"member": ALICE})
    assert "Ended the mentorship" in (await ended.response()).message.text
    async with bot.sessions() as session:
        row = (await session.execute(select(Mentorship))).scalar_one()
        assert row.status == MentorshipStatus.ENDED and row.end_reason == MentorshipEndReason.MODERATOR


async def test_an_organizer_leaving_gets_their_mentee_a_new_proposal(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    review = fake_discord.add_channel(guild, name="mentor-review")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(
        bot, guild, review_channel_id=review.id, auto_confirm_organizers=True, auto_approve_pairings=True
    )
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, LYON, "Lyon", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    ask = await fake_discord.slash("mentor request", guild_id=guild.id, user_id=ALICE)
    await ask.followups(1)

    async def mentor_of_alice() -> int | None:
        async with bot.sessions() as session:
            rows = (
                (
                    await session.execute(
                        select(Mentorship).where(Mentorship.status == MentorshipStatus.ACTIVE)
                    )
                )
                .scalars()
                .all()
            )
            return rows[0].mentor_id if rows else None

    async def paired() -> bool:
        return await mentor_of_alice() is not None

    await eventually(paired, what="an auto-approved mentorship")
    first = await mentor_of_alice()
    await fake_discord.member_leave(guild, MANCHESTER)

    async def repaired() -> bool:
        current = await mentor_of_alice()
        return current is not None and current != first

    await eventually(repaired, what="a new mentor after the organizer left")
    assert any("no longer available" in m.text for m in fake_discord.dms_to(ALICE))


async def test_an_organizer_alone_in_their_area_is_not_treated_as_a_newcomer(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    await start_bot()
    organizer = await onboard(fake_discord, guild, LYON, "Lyon", experience="experienced", mentor_capacity=2)
    done = organizer.latest().text
    assert "first member within" in done and "glad you're here" in done
    assert "organizer can help you get started" not in done
    newcomer = await onboard(fake_discord, guild, ALICE, "Leeds")
    assert "organizer can help you get started" in newcomer.latest().text
    # Alice is offered a mentor; the organizer is not.
    await fake_discord.wait_for(
        lambda: any(c.startswith("gw:mr:") for m in fake_discord.dms_to(ALICE) for c in m.custom_ids),
        what="Alice's mentor offer",
    )
    assert not any(c.startswith("gw:mr:") for m in fake_discord.dms_to(LYON) for c in m.custom_ids)
    # /mod overview and /mod isolated count Alice only.
    overview = await (await fake_discord.slash("mod overview", guild_id=guild.id, user_id=MOD)).followups(1)
    assert "**Isolated:** 1" in overview[0].text
    isolated = (
        await (await fake_discord.slash("mod isolated", guild_id=guild.id, user_id=MOD)).response()
    ).message
    assert isolated is not None and f"<@{ALICE}>" in isolated.text and f"<@{LYON}>" not in isolated.text


async def test_confirming_an_organizer_from_mod_pairs_those_waiting_too(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    review = fake_discord.add_channel(guild, name="mentor-review")
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, review_channel_id=review.id)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    asked = await fake_discord.slash("mentor request", guild_id=guild.id, user_id=ALICE)
    await asked.followups(1)  # nobody to propose yet: she waits
    await onboard(fake_discord, guild, MANCHESTER, "Manchester", experience="experienced", mentor_capacity=2)
    confirmed = await fake_discord.slash(
        "mod organizer confirm", guild_id=guild.id, user_id=MOD, options={"member": MANCHESTER}
    )
    assert "confirmed" in (await confirmed.response()).message.text
    # The same as /organizer confirm: Alice is proposed to the new organizer at once (the batch's
    # solve runs in a child process, which takes a few seconds to start on a busy machine).
    proposal = await _review_message(fake_discord, review.id, 1, timeout=20)
    assert f"<@{ALICE}>" in proposal.embeds[0]["description"]
    assert f"<@{MANCHESTER}>" in proposal.embeds[0]["description"]
