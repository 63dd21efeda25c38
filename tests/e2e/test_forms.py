"""Forms (cogs/_forms.py) are answered from their submission alone, like persistent buttons.

discord.py keeps the modal object it sent only in memory, and only once Discord accepted it:
a form that was open while the bot restarted (or submitted before the bot had heard back) was
dropped without a word. Now the owner cog answers it from its custom_id and fields, once.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.texts import errors
from bot.texts import onboarding as texts
from db.models import OnboardingSession
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import start_in_dms
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle

ALICE = 5001


def _field_ids(modal: dict[str, Any]) -> list[str]:
    return [
        component["custom_id"]
        for row in modal["components"]
        for component in row.get("components", [row.get("component", {})])
        if "custom_id" in component
    ]


async def test_a_form_open_across_a_restart_is_answered_after_it(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, bot_runner: Any
) -> None:
    bot = await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    opened = await alice.click("ask_place")
    assert opened.modal is not None
    await bot_runner.stop(bot)
    await start_bot()

    submitted = await fake_discord.submit_modal(opened, {_field_ids(opened.modal)[0]: "Leeds"})
    answer = await submitted.response()
    assert answer.accepted and answer.message is not None
    assert "Leeds" in answer.message.text  # the place step went on: "Is this right?"
    assert len(submitted.callbacks) == 1


async def test_a_form_of_selects_across_a_restart_keeps_every_choice(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, bot_runner: Any
) -> None:
    bot = await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.type_into("ask_place", "Leeds")
    await alice.click("yes")
    await alice.choose("pick", "en")
    await alice.click("pick", "new")
    await alice.choose("pick", "discussion_group")
    opened = await alice.click("ask_scores")
    assert opened.modal is not None
    await bot_runner.stop(bot)
    bot = await start_bot()

    fields = _field_ids(opened.modal)
    submitted = await fake_discord.submit_modal(opened, {field: ["4"] for field in fields})
    answer = await submitted.response()
    assert answer.accepted and answer.message is not None
    async with bot.sessions() as session:
        stored = (await session.execute(select(OnboardingSession.answers))).scalar_one()
    assert stored["readiness"] == dict.fromkeys(fields, 4)


async def test_every_submission_is_answered_exactly_once(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    """The stored modal and the route both see a submission; only the route answers it."""
    await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.answer_everything("Leeds")
    submissions = [itx for itx in fake_discord.interactions if itx.type == 5]
    assert len(submissions) >= 4  # place, readiness twice, consent
    assert all(len(itx.callbacks) == 1 and itx.callbacks[0].accepted for itx in submissions)


@pytest.mark.parametrize(
    ("replacement", "reply"),
    [
        ("gw:obm:2147483648:place", errors.STALE_BUTTON),  # no session can have that id
        ("gw:obm:{session}:no_such_step", texts.STALE_STEP),  # a step this version does not know
    ],
)
async def test_a_tampered_form_is_refused_with_a_reply(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, replacement: str, reply: str
) -> None:
    await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    opened: InteractionHandle = await alice.click("ask_place")
    assert opened.modal is not None
    session = opened.modal["custom_id"].split(":")[2]
    opened.modal["custom_id"] = replacement.format(session=session)
    submitted = await fake_discord.submit_modal(opened, {_field_ids(opened.modal)[0]: "Leeds"})
    answer = await submitted.response()
    assert answer.message is not None and answer.message.text == reply
