"""Ids read back from custom_ids are range-checked: a tampered one gets a clear reply, no crash.

A row id goes to an Integer column (int4 on PostgreSQL: 2147483648 does not fit), a Discord id
to a BigInteger one; Python ints are unbounded, the databases are not.
"""

from __future__ import annotations

import pytest

from bot.texts import errors
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import onboard
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message

MOD, ALICE = 4000, 5001
TOO_BIG = ("2147483648", "9223372036854775808", "99999999999999999999999999")


async def _answer(itx: InteractionHandle) -> Message:
    first = await itx.response()
    if first.type == 5:
        return (await itx.followups(1, timeout=10))[0]
    assert first.message is not None
    return first.message


def _tamper(message: Message, custom_id: str, replacement: str) -> str:
    """What a hand-made request could carry in place of the bot's own custom_id."""
    component = message.component(custom_id)
    component["custom_id"] = replacement
    component["disabled"] = False
    return replacement


@pytest.mark.parametrize("digits", TOO_BIG)
async def test_a_page_button_with_an_impossible_page_is_refused(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, digits: str
) -> None:
    fake_discord.add_member(guild, user_id=MOD, name="mod", permissions=["MANAGE_GUILD"])
    await start_bot()
    for offset, town in enumerate(
        ["Oslo", "Quito", "Perth", "Lima", "Nairobi", "Hanoi", "Denver", "Cairo", "Leeds"]
    ):
        await onboard(fake_discord, guild, 7000 + offset, town)
    first = await _answer(await fake_discord.slash("mod isolated", guild_id=guild.id, user_id=MOD))
    tampered = _tamper(first, "gw:mp:1:isolated", f"gw:mp:{digits}:isolated")
    answer = await fake_discord.click(first, tampered, user_id=MOD)
    assert (await answer.response()).message.text == errors.STALE_BUTTON


@pytest.mark.parametrize("digits", TOO_BIG[1:])
async def test_a_privacy_button_naming_an_impossible_server_is_refused(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, digits: str
) -> None:
    await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    asked = (
        await (await fake_discord.slash("privacy delete", guild_id=guild.id, user_id=ALICE)).response()
    ).message
    confirm = next(cid for cid in asked.custom_ids if cid.endswith(":yes"))
    tampered = _tamper(asked, confirm, f"gw:pd:{digits}:yes")
    answer = await fake_discord.click(asked, tampered, user_id=ALICE)
    assert (await answer.response()).message.text == errors.STALE_BUTTON
    # Nothing was deleted.
    again = await _answer(await fake_discord.slash("privacy show", guild_id=guild.id, user_id=ALICE))
    assert "Leeds" in again.text or again.attachments


async def test_an_onboarding_button_naming_an_impossible_conversation_is_refused(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    await start_bot()
    started = await fake_discord.slash("join", guild_id=guild.id, user_id=ALICE)
    await started.response()
    dm = await fake_discord.wait_for(
        lambda: next(
            (m for m in fake_discord.dms_to(ALICE) if any(c.startswith("gw:ob:") for c in m.custom_ids)), None
        ),
        what="the first onboarding step",
    )
    button = next(c for c in dm.custom_ids if c.startswith("gw:ob:"))
    _, _, _, rest = button.split(":", 3)
    tampered = _tamper(dm, button, f"gw:ob:2147483648:{rest}")
    answer = await fake_discord.click(dm, tampered, user_id=ALICE)
    assert (await answer.response()).message.text == errors.STALE_BUTTON
