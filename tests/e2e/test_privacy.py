"""Members' control of their data end to end: see it, export it, delete it; deletion after leaving."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from bot.bot import GroundworkBot
from db.models import AuditEntry, Member
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import FakeDiscord, Guild
from tests.support.clock import TestClock
from tests.support.traces import Person, scan
from tests.support.waiting import eventually

# Real-looking snowflakes, so no other value (a timestamp, a worker id, a token) holds one by chance.
MOD, ALICE, ORGANIZER = 310_000_000_000_004_000, 310_000_000_000_005_001, 310_000_000_000_006_001


async def _traces(bot: GroundworkBot, user_id: int, member_id: int) -> list[str]:
    """Every place in the database where the member can still be found: their id as a whole value
    (a number, a JSON number, a run of digits in text; never inside a timestamp), their member row
    in the columns that point at members (tests/support/traces.py)."""
    return (await scan(bot.engine, Person(user_id, member_ids=frozenset({member_id})))).found


async def _member_id(bot: GroundworkBot, user_id: int) -> int:
    async with bot.sessions() as session:
        return (await session.execute(select(Member.id).where(Member.user_id == user_id))).scalar_one()


async def test_show_export_and_delete_leave_nothing_personal(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, auto_confirm_organizers=True)
    await onboard(fake_discord, guild, ORGANIZER, "Manchester", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    paired = await fake_discord.slash(
        "mod pair", guild_id=guild.id, user_id=MOD, options={"member": ALICE, "mentor": ORGANIZER}
    )
    await paired.followups(1)

    shown = (
        await (await fake_discord.slash("privacy show", guild_id=guild.id, user_id=ALICE)).response()
    ).message
    assert (
        shown.ephemeral and "Leeds, England, United Kingdom" in shown.text and "1 mentorship(s)" in shown.text
    )

    exported = (
        await (await fake_discord.slash("privacy export", guild_id=guild.id, user_id=ALICE)).response()
    ).message
    # A file a person reads: labelled sections, the place as she sees it, her mentor by name,
    # no bookkeeping; and in the message, what it holds.
    assert exported.text.startswith(
        "Here is everything groundwork keeps about you: your profile, where you live"
    )
    assert "1 check-in" in exported.text and "1 mentorship" in exported.text
    data = json.loads(exported.attachment("groundwork-my-data.json").text())
    assert data["Your profile"]["Your Discord account id"] == ALICE
    assert data["Where you live"]["Place, as shown to you"] == "Leeds, England, United Kingdom"
    [mentorship] = data["Mentoring"]
    assert mentorship["You were"] == "the mentee" and mentorship["Mentor"] == f"user{ORGANIZER}"
    baseline, upcoming = data["Check-ins"]
    assert upcoming["What happened"] == "not sent yet"
    assert len(baseline["Your answers (1 = not at all, 5 = very)"]) == 6
    raw = json.dumps(data)
    assert all(
        word not in raw for word in ('"version"', '"claimed_at"', '"member_id"', '"locale_id"', '"id"')
    )

    member_id = await _member_id(bot, ALICE)
    assert await _traces(bot, ALICE, member_id)  # the check finds her before deletion
    asked = (
        await (await fake_discord.slash("privacy delete", guild_id=guild.id, user_id=ALICE)).response()
    ).message
    confirm = next(cid for cid in asked.custom_ids if cid.endswith(":yes"))
    done = await fake_discord.click(asked, confirm, user_id=ALICE)
    assert "has been deleted" in (await done.response()).message.text

    assert await _traces(bot, ALICE, member_id) == []
    async with bot.sessions() as session:
        last = (await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()))).scalars().first()
        assert last is not None and last.action == "member.data_deleted" and last.target_user_id is None
    notice = await fake_discord.wait_for(
        lambda: next(
            (m for m in fake_discord.dms_to(ORGANIZER) if "asked for their data to be deleted" in m.text),
            None,
        ),
        what="the organizer's notice",
    )
    assert notice is not None

    # Old buttons about her now find nothing, and say so.
    card_button = f"gw:ma:{ALICE}:reset"
    stale = await fake_discord.slash("privacy show", guild_id=guild.id, user_id=ALICE)
    assert "don't have anything stored" in (await stale.response()).message.text
    del card_button


async def test_cancel_keeps_everything(fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    asked = (
        await (await fake_discord.slash("privacy delete", guild_id=guild.id, user_id=ALICE)).response()
    ).message
    keep = next(cid for cid in asked.custom_ids if cid.endswith(":no"))
    kept = await fake_discord.click(asked, keep, user_id=ALICE)
    assert "Nothing was deleted" in (await kept.response()).message.text
    assert await _member_id(bot, ALICE)


async def test_a_moderator_button_about_a_deleted_member_is_refused_clearly(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    card = (
        await (
            await fake_discord.slash("mod member", guild_id=guild.id, user_id=MOD, options={"member": ALICE})
        ).response()
    ).message
    asked = (
        await (await fake_discord.slash("privacy delete", guild_id=guild.id, user_id=ALICE)).response()
    ).message
    await (
        await fake_discord.click(
            asked, next(c for c in asked.custom_ids if c.endswith(":yes")), user_id=ALICE
        )
    ).response()
    reset = next(cid for cid in card.custom_ids if cid.startswith("gw:ma:") and cid.endswith(":reset"))
    late = await fake_discord.click(card, reset, user_id=MOD)
    assert "don't have anything about that member" in (await late.response()).message.text
    assert await _traces(bot, ALICE, -1) == []


async def test_members_who_left_are_deleted_after_the_retention_period(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    member_id = await _member_id(bot, ALICE)
    await fake_discord.member_leave(guild, ALICE)
    privacy_cog = bot.get_cog("Privacy")
    assert privacy_cog is not None

    async def left() -> bool:
        async with bot.sessions() as session:
            return (await session.execute(text("select status from members"))).scalar_one() == "left"

    await eventually(left, what="her leaving to be recorded")
    clock.advance(days=29)
    await privacy_cog.delete_departed()  # type: ignore[attr-defined]
    assert await _member_id(bot, ALICE) == member_id  # still within the retention period
    clock.advance(days=2)
    await privacy_cog.delete_departed()  # type: ignore[attr-defined]
    assert await _traces(bot, ALICE, member_id) == []


@pytest.mark.parametrize(
    ("member_update", "leave"),
    [(False, True), (True, True), (True, False)],
    ids=["removed-from-the-server", "renamed-then-removed", "renamed-and-still-listed"],
)
async def test_a_members_deleted_discord_account_takes_their_data_with_it(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, member_update: bool, leave: bool
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, auto_confirm_organizers=True)
    await onboard(fake_discord, guild, ORGANIZER, "Manchester", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    paired = await fake_discord.slash(
        "mod pair", guild_id=guild.id, user_id=MOD, options={"member": ALICE, "mentor": ORGANIZER}
    )
    await paired.followups(1)
    member_id = await _member_id(bot, ALICE)
    assert await _traces(bot, ALICE, member_id)

    await fake_discord.account_deleted(ALICE, member_update=member_update, leave=leave)

    async def gone() -> bool:
        return await _traces(bot, ALICE, member_id) == []

    await eventually(gone, timeout=10, what="the deleted account's data to be deleted")
    async with bot.sessions() as session:
        deleted = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "member.data_deleted"))
        ).scalar_one()
    assert (deleted.actor_id, deleted.target_user_id, deleted.details) == (
        None,
        None,
        {"reason": "account_deleted"},
    )
    assert await _member_id_or_none(bot, ORGANIZER) is not None  # the organizer keeps everything of theirs
    if not member_update:  # the removal carried her cached (old) name: the bot asked Discord
        assert fake_discord.requests_to("GET", "/users/{user_id}")
    if not leave:  # nobody else ended the mentorship: the deletion did, and says why
        notice = await fake_discord.wait_for(
            lambda: next(
                (m for m in fake_discord.dms_to(ORGANIZER) if "deleted their Discord account" in m.text), None
            ),
            what="the organizer's notice",
        )
        assert notice is not None


async def test_an_ordinary_rename_or_departure_deletes_nothing(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    member_id = await _member_id(bot, ALICE)
    user = fake_discord.state.user(ALICE)
    user.username = "deleted_user_fan"  # a name, not Discord's mark of a deleted account
    await fake_discord.member_leave(guild, ALICE)

    async def left() -> bool:
        async with bot.sessions() as session:
            return await session.scalar(select(Member.status).where(Member.id == member_id)) == "left"

    await eventually(left, what="her leaving to be recorded")
    # Looked up (the lookup runs beside the departure's own unit of work), found alive:
    await fake_discord.wait_for(
        lambda: fake_discord.requests_to("GET", "/users/{user_id}"), what="the look-up of the user"
    )
    assert await _member_id(bot, ALICE) == member_id
    async with bot.sessions() as session:
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert "member.data_deleted" not in actions


async def _member_id_or_none(bot: GroundworkBot, user_id: int) -> int | None:
    async with bot.sessions() as session:
        return (
            await session.execute(select(Member.id).where(Member.user_id == user_id))
        ).scalar_one_or_none()


async def test_an_organizer_deleting_their_data_puts_their_mentee_back_on_the_list(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    """Privacy hands the ended mentorships to the Pairing cog (the groundwork_data_deleted event):
    the mentee hears it and is waiting for a new mentor."""
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, auto_confirm_organizers=True)
    await onboard(fake_discord, guild, ORGANIZER, "Manchester", experience="experienced", mentor_capacity=1)
    await onboard(fake_discord, guild, ALICE, "Leeds")
    paired = await fake_discord.slash(
        "mod pair", guild_id=guild.id, user_id=MOD, options={"member": ALICE, "mentor": ORGANIZER}
    )
    await paired.followups(1)

    asked = (
        await (await fake_discord.slash("privacy delete", guild_id=guild.id, user_id=ORGANIZER)).response()
    ).message
    confirm = next(cid for cid in asked.custom_ids if cid.endswith(":yes"))
    done = await fake_discord.click(asked, confirm, user_id=ORGANIZER)
    assert "has been deleted" in (await done.response()).message.text

    told = await fake_discord.wait_for(
        lambda: next((m for m in fake_discord.dms_to(ALICE) if "no longer available" in m.text), None),
        what="the mentee's notice",
    )
    assert told is not None
    shown = await fake_discord.slash("mentor show", guild_id=guild.id, user_id=ALICE)
    assert "waiting for a mentor" in (await shown.response()).message.text
