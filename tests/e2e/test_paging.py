"""Paging, never cutting: long lists against the fake Discord turn page by page with Previous /
Next, every page within Discord's 2,000 characters, every entry whole and exactly once."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.config import GuildDefaults
from bot.services.audit import record
from db.enums import ActivityKind, CircleStatus, MemberStatus, MentorshipStatus, OrganizerStatus
from db.models import ActivityEntry, Circle, GuildSettings, Member, Mentorship, Organizer
from tests.e2e.conftest import StartBot
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message
from tests.support.clock import TestClock

MOD, ALICE = 4100, 5101
ENTRIES = 80
MARK = re.compile(r"entry-(\d{3})-end")


async def _message(itx: InteractionHandle) -> Message:
    answered = await itx.response()
    assert answered.message is not None
    return answered.message


def _button(message: Message, label: str) -> dict[str, object]:
    [button] = [c for row in message.components for c in row["components"] if c.get("label") == label]
    return button


async def test_a_moderator_pages_through_a_long_audit_log(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    bot = await start_bot()
    start = clock()
    async with bot.sessions() as session, session.begin():
        for n in range(ENTRIES):
            await record(
                session=session,
                now=start + timedelta(minutes=n),
                guild_id=guild.id,
                actor_id=MOD,
                target_user_id=ALICE,
                action="settings.changed",
                details={"key": "radius_km", "reason": f"entry-{n:03d}-end " + "why " * 20},
            )

    first = await _message(await fake_discord.slash("mod audit", guild_id=guild.id, user_id=MOD))
    assert first.ephemeral and first.text.startswith("**Audit log**")
    pages = int(re.search(r"Page 1 of (\d+)", first.text).group(1))  # type: ignore[union-attr]
    assert pages > 2
    assert _button(first, "Previous")["disabled"] is True

    seen: list[int] = []
    shown = first
    for number in range(1, pages + 1):
        assert len(shown.text) <= 2000
        assert shown.text.startswith("**Audit log**\n") and shown.text.endswith(f"Page {number} of {pages}")
        for line in shown.text.split("\n")[
            1:-1
        ]:  # whole entries: each line starts with its date and ends its details
            assert line.endswith(")") and len(MARK.findall(line)) == 1, line
        seen += [int(m) for m in MARK.findall(shown.text)]
        if number < pages:
            next_button = _button(shown, "Next")
            shown = await _message(
                await fake_discord.click(shown, str(next_button["custom_id"]), user_id=MOD)
            )
    assert _button(shown, "Next")["disabled"] is True
    assert seen == list(reversed(range(ENTRIES)))  # every entry once, newest first

    # Back one page; someone who is not a moderator cannot turn it.
    back = _button(shown, "Previous")
    previous = await _message(await fake_discord.click(shown, str(back["custom_id"]), user_id=MOD))
    assert previous.text.endswith(f"Page {pages - 1} of {pages}")
    back_again = str(_button(previous, "Previous")["custom_id"])
    refused = await fake_discord.click(previous, back_again, user_id=ALICE)
    assert "can't use that" in (await _message(refused)).text

    # The buttons outlive the bot: after a restart they still turn the page.
    await bot.close()
    await start_bot()
    again = await _message(await fake_discord.click(previous, back_again, user_id=MOD))
    assert again.text.endswith(f"Page {pages - 2} of {pages}")


async def test_an_organizer_pages_through_many_mentees(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    organizer_user, mentees = 310_000_000_000_009_000, 45
    fake_discord.add_member(guild, user_id=organizer_user, name="organizer")
    bot = await start_bot()
    async with bot.sessions() as session, session.begin():
        session.add(GuildSettings(guild_id=guild.id, **GuildDefaults().model_dump()))
        organizer = Member(
            guild_id=guild.id, user_id=organizer_user, status=MemberStatus.ACTIVE, languages=["en"], paths=[]
        )
        session.add(organizer)
        await session.flush()
        session.add(Organizer(member_id=organizer.id, status=OrganizerStatus.ACTIVE, capacity=mentees))
        for n in range(mentees):
            mentee = Member(
                guild_id=guild.id,
                user_id=310_000_000_000_010_000 + n,
                status=MemberStatus.ACTIVE,
                languages=["en"],
                paths=[],
            )
            session.add(mentee)
            await session.flush()
            session.add(
                Mentorship(
                    guild_id=guild.id,
                    member_id=mentee.id,
                    mentor_id=organizer.id,
                    status=MentorshipStatus.ACTIVE,
                    source="manual",
                    introduced_at=clock() + timedelta(minutes=n),
                )
            )
    shown = await _message(
        await fake_discord.slash("organizer mentees", guild_id=guild.id, user_id=organizer_user)
    )
    pages = int(re.search(r"Page 1 of (\d+)", shown.text).group(1))  # type: ignore[union-attr]
    assert pages >= 2
    listed: list[int] = []
    for number in range(1, pages + 1):
        assert len(shown.text) <= 2000 and shown.text.startswith("**Your mentees**\n")
        assert shown.text.endswith(f"Page {number} of {pages}")
        listed += [int(m) for m in re.findall(r"<@(\d+)> · since", shown.text)]
        if number < pages:
            next_id = str(_button(shown, "Next")["custom_id"])
            shown = await _message(await fake_discord.click(shown, next_id, user_id=organizer_user))
    assert listed == [310_000_000_000_010_000 + n for n in range(mentees)]  # all of them, longest first


async def test_a_member_pages_through_a_long_activity_log(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    member_user, entries = 310_000_000_000_011_000, 60
    fake_discord.add_member(guild, user_id=member_user, name="logger")
    bot = await start_bot()
    async with bot.sessions() as session, session.begin():
        session.add(GuildSettings(guild_id=guild.id, **GuildDefaults().model_dump()))
        member = Member(
            guild_id=guild.id, user_id=member_user, status=MemberStatus.ACTIVE, languages=["en"], paths=[]
        )
        session.add(member)
        await session.flush()
        for n in range(entries):
            session.add(
                ActivityEntry(
                    guild_id=guild.id,
                    member_id=member.id,
                    kind=ActivityKind.OTHER,
                    note=f"entry-{n:03d}-end " + "leaflets " * 20,
                    at=clock() - timedelta(hours=n),
                )
            )
    shown = await _message(await fake_discord.slash("log view", guild_id=guild.id, user_id=member_user))
    pages = int(re.search(r"Page 1 of (\d+)", shown.text).group(1))  # type: ignore[union-attr]
    seen: list[int] = []
    for number in range(1, pages + 1):
        assert len(shown.text) <= 2000 and shown.text.endswith(f"Page {number} of {pages}")
        seen += [int(m) for m in MARK.findall(shown.text)]
        if number < pages:
            next_id = str(_button(shown, "Next")["custom_id"])
            shown = await _message(await fake_discord.click(shown, next_id, user_id=member_user))
    assert seen == list(range(entries))  # every entry whole and once, newest first


async def test_a_moderator_pages_through_many_circles(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    count = 60
    async with bot.sessions() as session, session.begin():
        for n in range(count):
            name = f"circle-{n:03d}-end " + "Upper Wharfedale and Nidderdale " * 2
            session.add(
                Circle(
                    guild_id=guild.id,
                    name=name[:100],
                    status=CircleStatus.OPEN,
                    latitude=54.0,
                    longitude=-1.9,
                    radius_km=25.0,
                )
            )
    shown = await _message(await fake_discord.slash("mod circles", guild_id=guild.id, user_id=MOD))
    pages = int(re.search(r"Page 1 of (\d+)", shown.text).group(1))  # type: ignore[union-attr]
    seen: list[int] = []
    for number in range(1, pages + 1):
        assert len(shown.text) <= 2000 and shown.text.endswith(f"Page {number} of {pages}")
        seen += [int(n) for n in re.findall(r"circle-(\d{3})-end", shown.text)]
        if number < pages:
            next_id = str(_button(shown, "Next")["custom_id"])
            shown = await _message(await fake_discord.click(shown, next_id, user_id=MOD))
    assert seen == list(range(count))  # by name, each whole and once
