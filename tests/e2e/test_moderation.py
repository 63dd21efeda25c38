"""Moderator tools end to end: /mod, with permission refusals, attachments and actions."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from bot.bot import GroundworkBot
from db.enums import MemberStatus
from db.models import AuditEntry, HumanContact, Member
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import configure, onboard
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message
from tests.support.clock import TestClock
from tests.support.waiting import eventually
from tests.unit.test_members_map import COAST, pixels_of

MOD, ALICE, BOB, CAROL, ORGANIZER = 4000, 5001, 5002, 5003, 6001
PNG = b"\x89PNG\r\n\x1a\n"


async def _answer(itx: InteractionHandle) -> Message:
    """The bot's visible answer: the direct reply, or the first follow-up after a defer."""
    first = await itx.response()
    if first.type == 5:
        return (await itx.followups(1, timeout=10))[0]
    assert first.message is not None
    return first.message


@pytest.fixture
async def community(fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot) -> GroundworkBot:
    """A moderator and four onboarded members: town-, region- and nothing-sharers and an organizer."""
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    bot = await start_bot()
    await configure(bot, guild, auto_confirm_organizers=True)
    await onboard(fake_discord, guild, ALICE, "Leeds", sharing="town")
    await onboard(fake_discord, guild, BOB, "Lyon", sharing="region")
    await onboard(fake_discord, guild, CAROL, "Porto", sharing="nothing")
    await onboard(fake_discord, guild, ORGANIZER, "Madrid", experience="experienced", mentor_capacity=2)
    return bot


async def test_overview_counts_and_chart(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    answer = await _answer(await fake_discord.slash("mod overview", guild_id=guild.id, user_id=MOD))
    assert "**Isolated:** 3" in answer.text  # the organizer in Madrid is alone there, but no newcomer
    assert "active 4" in answer.text
    chart = answer.attachment("overview.png")
    assert chart.data.startswith(PNG)
    # Its alt text says the numbers moderators act on (issue 18 item 6).
    assert chart.description is not None and "isolated 3" in chart.description
    assert "nobody has met them yet" in chart.description


@pytest.mark.parametrize(
    "command",
    ["mod overview", "mod isolated", "mod unattended", "mod export", "mod settings show", "mod map"],
)
async def test_non_moderators_are_refused_even_when_they_craft_the_interaction(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot, command: str
) -> None:
    with pytest.raises(ValueError, match="cannot see"):
        await fake_discord.slash(command, guild_id=guild.id, user_id=ALICE)  # hidden from her
    crafted = await fake_discord.slash(command, guild_id=guild.id, user_id=ALICE, crafted=True)
    answer = await crafted.response()
    assert answer.ephemeral and "can't use that" in answer.message.text
    assert not answer.message.attachments


async def test_the_configured_moderator_role_is_enough(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    role = fake_discord.add_role(guild, name="moderators")
    helper = fake_discord.add_member(guild, user_id=4001, name="helper", roles=[role.id])
    await fake_discord.guild_available(guild)  # as Discord would send GUILD_ROLE_CREATE
    await configure(community, guild, moderator_role_id=role.id)
    # The server's admins gave the role access to /mod in the integration settings (crafted here).
    itx = await fake_discord.slash("mod isolated", guild_id=guild.id, user_id=helper.user_id, crafted=True)
    assert "Isolated members" in (await _answer(itx)).text


async def test_isolated_list_pages_and_shows_only_consented_precision(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    for offset, town in enumerate(["Oslo", "Quito", "Perth", "Lima", "Nairobi", "Hanoi", "Denver", "Cairo"]):
        await onboard(fake_discord, guild, 7000 + offset, town)
    first = await _answer(await fake_discord.slash("mod isolated", guild_id=guild.id, user_id=MOD))
    assert "Page 1 of 2" in first.text
    assert f"<@{ALICE}> · Leeds, England, United Kingdom (town)" in first.text
    assert f"<@{BOB}> · Auvergne-Rhône-Alpes, France (region)" in first.text
    assert f"<@{CAROL}> · Portugal (country)" in first.text
    assert "Lyon" not in first.text and "Porto" not in first.text
    following = await fake_discord.click(first, "gw:mp:1:isolated", user_id=MOD)
    second = (await following.response()).message
    assert "Page 2 of 2" in second.text
    outsider = await fake_discord.click(first, "gw:mp:0:isolated", user_id=ALICE)
    assert "can't use that" in (await outsider.response()).message.text


async def test_unattended_lists_who_nobody_met_and_the_overview_shows_the_wait_for_a_first_contact(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot, clock: TestClock
) -> None:
    """Bob is introduced to the organizer 2 days 4 h after they onboarded; 8 days on, the others
    (and nine more who joined with them) are listed as waiting, ten a page, oldest first."""
    for offset in range(9):
        await onboard(fake_discord, guild, 7100 + offset, "Leeds", sharing="nothing")
    clock.advance(days=2, hours=4)
    pair = await fake_discord.slash(
        "mod pair", guild_id=guild.id, user_id=MOD, options={"member": BOB, "mentor": ORGANIZER}
    )
    await pair.followups(1)

    async def introduced() -> bool:
        async with community.sessions() as session:
            return len((await session.scalars(select(HumanContact.id))).all()) == 2

    await eventually(introduced, timeout=10, what="the introduction recorded as two contacts")
    clock.advance(days=6)

    first = await _answer(await fake_discord.slash("mod unattended", guild_id=guild.id, user_id=MOD))
    assert first.ephemeral and "Waiting for a first human contact" in first.text
    assert "Page 1 of 2 · 11 in all" in first.text
    assert f"<@{ALICE}> · Leeds, England, United Kingdom (town)" in first.text
    assert "waiting 8 days" in first.text
    assert f"<@{BOB}>" not in first.text and f"<@{ORGANIZER}>" not in first.text
    following = await fake_discord.click(first, "gw:mp:1:unattended", user_id=MOD)
    second = (await following.response()).message
    assert "Page 2 of 2" in second.text and second.text.count("waiting 8 days") == 1
    outsider = await fake_discord.click(first, "gw:mp:0:unattended", user_id=ALICE)
    assert "can't use that" in (await outsider.response()).message.text

    answer = await _answer(await fake_discord.slash("mod overview", guild_id=guild.id, user_id=MOD))
    for days in (30, 90):
        assert (
            f"**First human contact, onboarded in the last {days} days:** median 2 days 4 h, "
            "90% within 2 days 4 h · 11 still waiting for a first contact"
        ) in answer.text
    card = await _answer(
        await fake_discord.slash("mod member", guild_id=guild.id, user_id=MOD, options={"member": BOB})
    )
    assert f"first: introduced to a mentor (<@{ORGANIZER}>)" in str(card.embeds[0])

    changed = await fake_discord.slash(
        "mod settings set", guild_id=guild.id, user_id=MOD, options={"key": "unattended_days", "value": "9"}
    )
    assert "changed from `7` to `9`" in (await _answer(changed)).text
    after = await _answer(await fake_discord.slash("mod unattended", guild_id=guild.id, user_id=MOD))
    assert "Nobody right now." in after.text


async def test_member_card_escapes_member_text_and_its_actions_work(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    await onboard(
        fake_discord, guild, 5009, "Lagos", experience="some", mentor_capacity=0, paths=("coalitions",)
    )
    async with community.sessions() as session, session.begin():
        member = (await session.execute(select(Member).where(Member.user_id == 5009))).scalar_one()
        member.experience_note = "@everyone **look** <@&1> __here__"
    card = await _answer(
        await fake_discord.slash("mod member", guild_id=guild.id, user_id=MOD, options={"member": 5009})
    )
    shown = str(card.embeds[0])
    assert "@everyone" not in shown.replace("@\\u200beveryone", "").replace("@\u200beveryone", "")
    assert "<@&1>" not in shown and "**look**" not in shown
    pause = next(cid for cid in card.custom_ids if cid.startswith("gw:ma:") and cid.endswith(":pause"))
    paused = await _answer(await fake_discord.click(card, pause, user_id=MOD))
    assert "paused" in paused.text
    reset = next(cid for cid in card.custom_ids if cid.startswith("gw:ma:") and cid.endswith(":reset"))
    denied = await fake_discord.click(card, reset, user_id=ALICE)
    assert "can't use that" in (await denied.response()).message.text
    done = await _answer(await fake_discord.click(card, reset, user_id=MOD))
    assert "onboarding was reset" in done.text
    async with community.sessions() as session:
        member = (await session.execute(select(Member).where(Member.user_id == 5009))).scalar_one()
        assert member.status == MemberStatus.NEW and member.checkins_paused
        actions = (
            (await session.execute(select(AuditEntry.action).where(AuditEntry.actor_id == MOD)))
            .scalars()
            .all()
        )
        assert {"mod.checkins_paused", "onboarding.reset"} <= set(actions)


async def test_exports_hold_only_consented_fields(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    pair = await fake_discord.slash(
        "mod pair", guild_id=guild.id, user_id=MOD, options={"member": BOB, "mentor": ORGANIZER}
    )
    await pair.followups(1)
    answer = await _answer(await fake_discord.slash("mod export", guild_id=guild.id, user_id=MOD))
    members = list(csv.DictReader(io.StringIO(answer.attachment("members.csv").text())))
    by_user = {int(row["user_id"]): row for row in members}
    assert by_user[ALICE]["area"] == "Leeds, England, United Kingdom"
    assert (
        by_user[BOB]["area"] == "Auvergne-Rhône-Alpes, France" and by_user[BOB]["area_precision"] == "region"
    )
    assert by_user[CAROL]["area"] == "Portugal" and by_user[CAROL]["timezone"] == ""
    assert "experience_note" not in members[0]
    mentorships = list(csv.DictReader(io.StringIO(answer.attachment("mentorships.csv").text())))
    assert [(int(r["member_user_id"]), int(r["mentor_user_id"]), r["status"]) for r in mentorships] == [
        (BOB, ORGANIZER, "active")
    ]


async def test_map_is_a_png_of_regions(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    answer = await _answer(await fake_discord.slash("mod map", guild_id=guild.id, user_id=MOD))
    drawn = answer.attachment("members-map.png")
    assert drawn.data.startswith(PNG)
    assert "fewer than 5 members are unlabelled" in answer.text
    # Coastlines are drawn (their colour is in the picture), and no area of under 5 members is named.
    assert pixels_of(drawn.data, COAST) > 500
    assert drawn.description is not None and "Named: none." in drawn.description


async def test_audit_filters_by_member_and_moderator(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    changed = await fake_discord.slash(
        "mod settings set", guild_id=guild.id, user_id=MOD, options={"key": "radius_km", "value": "30"}
    )
    await _answer(changed)
    about_alice = await _answer(
        await fake_discord.slash("mod audit", guild_id=guild.id, user_id=MOD, options={"member": ALICE})
    )
    assert "finished onboarding" in about_alice.text and "changed a setting" not in about_alice.text
    by_mod = await _answer(
        await fake_discord.slash("mod audit", guild_id=guild.id, user_id=MOD, options={"moderator": MOD})
    )
    assert "changed a setting" in by_mod.text and "finished onboarding" not in by_mod.text


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("radius_km", "30", "changed from `50.0` to `30.0`"),
        ("radius_km", "-5", "**radius_km**: must be from 1 to 1000"),
        ("checkin_cadence_days", "10", "**checkin_cadence_days**: must be one of 7, 14, 30"),
        ("auto_approve_pairings", "maybe", "**auto_approve_pairings**: must be yes or no"),
        ("review_channel_id", "123456", "**review_channel_id**: that's not a text channel of this server"),
        ("moderator_role_id", "<@&999>", "**moderator_role_id**: that's not a role of this server"),
        ("quiet_hours_start", "24", "**quiet_hours_start**: must be from 0 to 23"),
        ("unattended_days", "0", "**unattended_days**: must be from 1 to 90"),
        ("unattended_days", "14", "changed from `7` to `14`"),
    ],
)
async def test_settings_are_validated_key_by_key(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot, key: str, value: str, expected: str
) -> None:
    itx = await fake_discord.slash(
        "mod settings set", guild_id=guild.id, user_id=MOD, options={"key": key, "value": value}
    )
    assert expected in (await _answer(itx)).text


async def test_settings_accept_a_real_channel_and_show_it(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    review = fake_discord.add_channel(guild, name="review")
    await fake_discord.guild_available(guild)  # the bot learns about the new channel
    itx = await fake_discord.slash(
        "mod settings set",
        guild_id=guild.id,
        user_id=MOD,
        options={"key": "review_channel_id", "value": f"<#{review.id}>"},
    )
    assert "changed" in (await _answer(itx)).text
    shown = await _answer(await fake_discord.slash("mod settings show", guild_id=guild.id, user_id=MOD))
    assert f"`review_channel_id` = <#{review.id}>" in shown.text


async def test_a_moderator_of_another_server_sees_nothing_of_this_one(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    other = fake_discord.add_guild("Another org")
    fake_discord.add_member(other, user_id=MOD + 1, name="othermod", permissions=["MANAGE_GUILD"])
    fake_discord.add_member(other, user_id=ALICE, name="alice")
    await fake_discord.guild_available(other)
    card = await _answer(
        await fake_discord.slash("mod member", guild_id=other.id, user_id=MOD + 1, options={"member": ALICE})
    )
    assert "I don't have anything about that member" in card.text


async def test_a_member_is_paired_from_their_card(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    card = await _answer(
        await fake_discord.slash("mod member", guild_id=guild.id, user_id=MOD, options={"member": ALICE})
    )
    select = next(cid for cid in card.custom_ids if cid.startswith("gw:mpair:"))
    outsider = await fake_discord.select(card, select, [ORGANIZER], user_id=BOB)
    assert "can't use that" in (await outsider.response()).message.text
    chosen = await fake_discord.select(card, select, [ORGANIZER], user_id=MOD)
    [done] = await chosen.followups(1)
    assert "Approved" in done.text
    again = await _answer(
        await fake_discord.slash("mod member", guild_id=guild.id, user_id=MOD, options={"member": ALICE})
    )
    assert f"mentor: <@{ORGANIZER}>" in str(again.embeds[0])


async def test_unpaired_list_unpair_and_organizer_remove_and_confirm(
    fake_discord: FakeDiscord, guild: Guild, community: GroundworkBot
) -> None:
    asked = await fake_discord.slash("mentor request", guild_id=guild.id, user_id=CAROL)
    await asked.followups(1)  # Madrid's organizer is proposed (the guild reviews proposals)
    waiting = await _answer(await fake_discord.slash("mod unpaired", guild_id=guild.id, user_id=MOD))
    assert "Nobody right now" in waiting.text  # a proposal is waiting for review, not the member
    paired = await fake_discord.slash(
        "mod pair", guild_id=guild.id, user_id=MOD, options={"member": ALICE, "mentor": ORGANIZER}
    )
    await paired.followups(1)
    removed = await _answer(
        await fake_discord.slash(
            "mod organizer remove", guild_id=guild.id, user_id=MOD, options={"member": ORGANIZER}
        )
    )
    assert "is no longer an organizer; 2 mentee(s) go back on the list" in removed.text
    listed = await _answer(await fake_discord.slash("mod unpaired", guild_id=guild.id, user_id=MOD))
    assert f"<@{ALICE}>" in listed.text and f"<@{CAROL}>" in listed.text
    assert "Portugal (country)" in listed.text  # Carol shares nothing: her country only
    confirm_again = await _answer(
        await fake_discord.slash(
            "mod organizer confirm", guild_id=guild.id, user_id=MOD, options={"member": ORGANIZER}
        )
    )
    assert "isn't an organizer" in confirm_again.text
    unpair = await _answer(
        await fake_discord.slash("mod unpair", guild_id=guild.id, user_id=MOD, options={"member": ALICE})
    )
    assert "already ended" in unpair.text
