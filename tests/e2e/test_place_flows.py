"""Where a member lives, end to end: answers that are not found, not places at all, or only
resemble a place, in onboarding and in /locale set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.bot import GroundworkBot
from bot.services.gazetteer import Gazetteer, Resolution
from db.models import Locale, Member, OnboardingSession, TownOffer
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import onboard, start_in_dms
from tests.fake_discord import FakeDiscord, Guild

ALICE, BOB = 5001, 5002


class Contracted:
    """The real gazetteer, with a few answers given as the resolver's contract describes them
    (the area understood, near names), whatever the shipped data makes of them today."""

    def __init__(self, real: Gazetteer, answers: dict[str, Resolution]) -> None:
        self.real = real
        self.answers = answers

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def resolve(self, text: str, **kwargs: Any) -> Resolution:
        return self.answers.get(text) or self.real.resolve(text, **kwargs)


def _contract(bot: GroundworkBot, answers: dict[str, Resolution]) -> None:
    bot.gazetteer = Contracted(bot.gazetteer, answers)  # type: ignore[assignment]


def _actions(custom_ids: list[str]) -> list[str]:
    return [cid.split(":")[4] for cid in custom_ids]


async def test_not_found_leads_with_the_county_or_region_button_and_names_what_it_understood(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    texas = bot.gazetteer.resolve("Texas").best
    assert texas is not None and texas.precision == "region"
    _contract(bot, {"Marfx, Texas": Resolution("not_found", (), "marfx texas", understood=texas)})
    alice = await start_in_dms(fake_discord, guild, ALICE)
    assert _actions(alice.latest().custom_ids)[:2] == ["ask_place", "ask_area"]

    await alice.type_into("ask_place", "Qwxzrtvillebrg")
    shown = alice.latest()
    assert "couldn't find a town called **Qwxzrtvillebrg**" in shown.text
    assert "postal code" in shown.text and "nearest bigger town" in shown.text
    assert _actions(shown.custom_ids)[:2] == ["ask_area", "ask_place"]
    assert "county" in shown.components[0]["components"][0]["label"]

    await alice.type_into("ask_place", "Marfx, Texas")
    shown = alice.latest()
    assert "I found **Texas**, but no town called **Marfx** there" in shown.text
    assert _actions(shown.custom_ids) == ["ask_area", "ask_place", "use_understood"]
    await alice.click("use_understood")
    assert "Texas, United States" in alice.latest().text
    assert "remember your region only" in alice.latest().text


async def test_the_county_or_region_button_takes_a_region(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.type_into("ask_place", "Qwxzrtvillebrg")
    await alice.type_into("ask_area", "Bavaria")
    assert "Bavaria, Germany" in alice.latest().text
    assert "Is this right?" in alice.latest().text


async def test_an_invalid_answer_gets_a_clear_reply_and_nothing_is_stored(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    alice = await start_in_dms(fake_discord, guild, ALICE)
    replies = {
        "<@123>": "without mentions",
        "@everyone": "without mentions",
        "?!?!": "doesn't look like a place name",
        "0000000": "don't know that postal code",
        "https://example.com/leeds": "without a link",
    }
    for typed, expected in replies.items():
        await alice.type_into("ask_place", typed)
        text = alice.latest().text
        assert expected in text, (typed, text)
        assert typed not in text
        assert "Where do you live?" in text
    async with bot.sessions() as session:
        answers = (await session.execute(select(OnboardingSession.answers))).scalar_one()
    assert set(answers) <= {"suggested_languages"}
    assert not any(typed in repr(answers) for typed in replies)


async def test_a_near_name_is_offered_as_did_you_mean_with_none_of_these(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    bodo = bot.gazetteer.resolve("Bodø").best
    assert bodo is not None
    _contract(bot, {"Bude": Resolution("match", (bodo,), "bude", near_names=True)})
    alice = await start_in_dms(fake_discord, guild, ALICE)
    await alice.type_into("ask_place", "Bude")
    shown = alice.latest()
    assert "Did you mean one of these?" in shown.text
    options = shown.component(shown.custom_ids[0])["options"]
    assert [o["value"] for o in options] == [bodo.key, "none"]
    assert options[-1]["label"] == "None of these"
    await alice.choose("pick", "none")
    assert _actions(alice.latest().custom_ids)[0] == "ask_area"


# -- /locale set -------------------------------------------------------------------------


async def _locale_set(fake: FakeDiscord, guild: Guild, place: str) -> Any:
    itx = await fake.slash("locale set", guild_id=guild.id, user_id=ALICE, options={"place": place})
    return (await itx.response()).message


async def _stored_place(bot: GroundworkBot) -> str | None:
    async with bot.sessions() as session:
        return (
            await session.execute(
                select(Locale.name).join(Member, Member.locale_id == Locale.id).where(Member.user_id == ALICE)
            )
        ).scalar_one_or_none()


async def test_locale_set_confirms_before_saving_and_offers_none_of_these(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    shown = await _locale_set(fake_discord, guild, "Lyon")
    assert "Is this right?" in shown.text
    assert "Lyon, Auvergne-Rhône-Alpes, France" in shown.text
    labels = [button["label"] for row in shown.components for button in row["components"]]
    assert labels[0].startswith("Yes") and labels[-1] == "None of these"
    assert await _stored_place(bot) == "Leeds"  # nothing saved yet

    # "None of these": nothing changes, and the county/region path is offered first.
    none = await fake_discord.click(shown, shown.custom_ids[-1], user_id=ALICE)
    after = (await none.response()).message
    assert "nothing has changed" in after.text
    assert "county" in after.components[0]["components"][0]["label"]
    assert await _stored_place(bot) == "Leeds"

    shown = await _locale_set(fake_discord, guild, "Lyon")
    yes = await fake_discord.click(shown, shown.custom_ids[0], user_id=ALICE)
    assert "Lyon, Auvergne-Rhône-Alpes, France" in (await yes.response()).message.text
    assert await _stored_place(bot) == "Lyon"


async def test_locale_set_pick_list_ends_with_none_of_these_and_a_pick_is_confirmed(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    shown = await _locale_set(fake_discord, guild, "Springfield")
    options = shown.component(shown.custom_ids[0])["options"]
    assert options[-1]["label"] == "None of these"
    illinois = next(o["value"] for o in options if "Illinois" in o["label"])
    picked = await fake_discord.select(shown, shown.custom_ids[0], [illinois], user_id=ALICE)
    confirm = (await picked.response()).message
    assert "Is this right?" in confirm.text and "Springfield, Illinois" in confirm.text
    assert await _stored_place(bot) == "Leeds"
    yes = await fake_discord.click(confirm, confirm.custom_ids[0], user_id=ALICE)
    await yes.response()
    assert await _stored_place(bot) == "Springfield"


async def test_locale_set_never_saves_a_near_name_and_an_autocomplete_key_is_confirmed(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    cornwall = next(p for p in bot.gazetteer.resolve("Cornwall").candidates if p.country_code == "CA")
    _contract(bot, {"Cornwal": Resolution("match", (cornwall,), "cornwal", near_names=True)})
    shown = await _locale_set(fake_discord, guild, "Cornwal")
    assert "Did you mean" in shown.text
    options = shown.component(shown.custom_ids[0])["options"]
    assert [o["value"] for o in options] == [cornwall.key, "none"]
    assert await _stored_place(bot) == "Leeds"
    # An autocomplete choice arrives as a place key: still confirmed first.
    keyed = await _locale_set(fake_discord, guild, cornwall.key)
    assert "Is this right?" in keyed.text and cornwall.label in keyed.text
    assert await _stored_place(bot) == "Leeds"


async def test_locale_set_not_found_and_invalid_answers_change_nothing(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Leeds")
    nowhere = await _locale_set(fake_discord, guild, "Qwxzrtvillebrg")
    assert "couldn't find a town called **Qwxzrtvillebrg**" in nowhere.text
    assert "county" in nowhere.components[0]["components"][0]["label"]
    # The county/region button opens a form; a region typed there is confirmed, then saved.
    area = await fake_discord.click(nowhere, nowhere.custom_ids[0], user_id=ALICE)
    opened = await area.response()
    assert area.modal is not None, opened
    field = area.modal["components"][0]["components"][0]["custom_id"]
    submitted = await fake_discord.submit_modal(area, {field: "Bavaria"})
    confirm = (await submitted.response()).message
    assert "Is this right?" in confirm.text and "Bavaria, Germany" in confirm.text
    for typed in ("@everyone", "<@123>", "\N{GRINNING FACE}", "!!!"):
        refused = await _locale_set(fake_discord, guild, typed)
        assert refused.ephemeral
        assert "@everyone" not in refused.text.replace("@\u200beveryone", "")
    assert await _stored_place(bot) == "Leeds"


# -- the town offer ----------------------------------------------------------------------


async def test_the_town_offer_arrives_once_and_its_button_leads_to_a_confirmed_town(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, bot_runner: Any, clock: Any
) -> None:
    bot = await start_bot()
    await onboard(fake_discord, guild, ALICE, "Utah")
    await onboard(fake_discord, guild, BOB, "Leeds")
    async with bot.sessions() as session, session.begin():
        # As migration 0006 fills it for members already stored at region precision.
        for user_id in (ALICE, BOB):
            member = (await session.execute(select(Member).where(Member.user_id == user_id))).scalar_one()
            session.add(TownOffer(member_id=member.id, status="due", due_at=clock()))
    dms_before = len(fake_discord.dms_to(ALICE))
    assert await bot.get_cog("TownOffers").tick() == 1  # type: ignore[union-attr]
    offer = await fake_discord.wait_for_dm(ALICE, count=dms_before + 1)
    assert "We can now find small towns" in offer.text and "ignore this, nothing changes" in offer.text
    assert "Utah" in offer.text
    assert not any("small towns" in m.text for m in fake_discord.dms_to(BOB))  # Bob gave his town
    assert await bot.get_cog("TownOffers").tick() == 0  # type: ignore[union-attr]

    # Sent means never again, also after a restart; the button still works then.
    await bot_runner.stop(bot)
    bot = await start_bot()
    clock.advance(days=2)
    assert await bot.get_cog("TownOffers").tick() == 0  # type: ignore[union-attr]
    assert [m.text for m in fake_discord.dms_to(ALICE)].count(offer.text) == 1

    opened = await fake_discord.click(offer, offer.custom_ids[0], user_id=ALICE)
    await opened.response()
    assert opened.modal is not None
    field = opened.modal["components"][0]["components"][0]["custom_id"]
    submitted = await fake_discord.submit_modal(opened, {field: "Salt Lake City"})
    confirm = (await submitted.response()).message
    assert "Is this right?" in confirm.text and "Salt Lake City, Utah" in confirm.text
    assert await _stored_place(bot) == "Utah"  # nothing saved before "Yes"
    yes = await fake_discord.click(confirm, confirm.custom_ids[0], user_id=ALICE)
    assert "Salt Lake City" in (await yes.response()).message.text
    assert await _stored_place(bot) == "Salt Lake City"
