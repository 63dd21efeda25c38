"""What a typed place leads to, with a resolver that answers as the gazetteer's contract says
(near names, the area understood, postal codes), and what the place step keeps of it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.services.gazetteer import Place, Resolution
from bot.services.onboarding import Step
from bot.services.onboarding._answers import apply
from bot.services.place_answers import WithPriors, check, locale_hint, look_up


def _place(
    name: str, key_id: int, *, country: str = "US", precision: str = "city", region: str = "Texas"
) -> Place:
    return Place(
        geoname_id=key_id,
        name=name,
        region_code=f"{country}.TX",
        region_name=region,
        country_code=country,
        country_name={"US": "United States", "NO": "Norway", "DE": "Germany", "GB": "United Kingdom"}[
            country
        ],
        latitude=30.0,
        longitude=-104.0,
        timezone="America/Chicago",
        population=1800,
        precision=precision,  # type: ignore[arg-type]
    )


MARFA = _place("Marfa", 1)
BODO = _place("Bodø", 2, country="NO", region="Nordland")
TEXAS = _place("Texas", 3, precision="region")
BERLIN_DE = _place("Berlin", 4, country="DE", region="Berlin")
BERLIN_US = _place("Berlin", 5, region="New Hampshire")
POWYS = Place(
    geoname_id=6, name="Powys", region_code="GB.WLS", region_name="Wales", country_code="GB",
    country_name="United Kingdom", latitude=52.3, longitude=-3.4, timezone="Europe/London",
    population=130000, precision="district", district_code="GB.WLS.Y8",
)  # fmt: skip


@dataclass
class FakeResolver:
    """Answers from a table, and remembers what it was asked with."""

    answers: dict[str, Resolution]
    asked: list[tuple[str, str | None, tuple[str, ...]]] = field(default_factory=list)

    def resolve(
        self,
        text: str,
        *,
        country_hint: str | None = None,
        home_countries: Collection[str] = (),
        limit: int = 25,
    ) -> Resolution:
        self.asked.append((text, country_hint, tuple(home_countries)))
        return self.answers.get(text, Resolution("not_found", (), text))

    def place_by_key(self, key: str) -> Place | None:
        places = [MARFA, BODO, TEXAS, BERLIN_DE, BERLIN_US, POWYS]
        return next((p for p in places if p.key == key), None)


RESOLVER = FakeResolver(
    {
        "Marfa": Resolution("match", (MARFA, BODO), "marfa"),
        "Bude": Resolution("match", (BODO,), "bude", near_names=True),
        "Marfx, Texas": Resolution("not_found", (), "marfx texas", understood=TEXAS),
        "Marfx Texas": Resolution("not_found", (), "marfx texas", understood=TEXAS),
        "79843": Resolution("match", (MARFA,), "79843", postal=True),
        "10115": Resolution("ambiguous", (BERLIN_DE, BERLIN_US), "10115", postal=True),
        "99999": Resolution("not_found", (), "99999", postal=True),
        "Berlin": Resolution("ambiguous", (BERLIN_DE, BERLIN_US), "berlin"),
        "Powys": Resolution("match", (POWYS,), "powys"),
        "Texas": Resolution("match", (TEXAS, MARFA), "texas"),
    }
)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 1000, "too_long"),
        ("<@123>", "mention"),
        ("@everyone", "mention"),
        ("Leeds @here", "mention"),
        ("https://example.com", "link"),
        ("visit discord.gg/abc", "link"),
        ("\N{GRINNING FACE}", "emoji"),
        ("Leeds \N{HEAVY BLACK HEART}\N{VARIATION SELECTOR-16}", "emoji"),
        ("?!.,;", "no_letters"),
        ("Leeds\x00", "no_letters"),
    ],
)
def test_hostile_or_empty_answers_are_refused_before_any_lookup(typed: str, reason: str) -> None:
    resolver = FakeResolver({})
    found = look_up(resolver, typed)
    assert (found.kind, found.reason) == ("invalid", reason)
    assert found.echo is None
    assert resolver.asked == []
    assert check(typed) == reason


def test_ordinary_names_in_any_script_pass_the_check() -> None:
    for typed in ("São Paulo", "Москва", "東京", "Hay-on-Wye", "St. John's", "Москва Moscow"):
        assert check(typed) is None


def test_a_near_name_is_never_a_match_even_if_the_resolver_says_so() -> None:
    found = look_up(RESOLVER, "Bude")
    assert found.kind == "pick"
    assert found.reason == "near_names"
    assert found.candidates == (BODO,)


def test_an_exact_match_is_confirmed_with_its_alternatives() -> None:
    found = look_up(RESOLVER, "Marfa")
    assert found.kind == "confirm"
    assert found.best == MARFA
    assert found.echo == "Marfa"


def test_not_found_names_what_was_understood_and_the_town_part() -> None:
    for typed in ("Marfx, Texas", "Marfx Texas"):
        found = look_up(RESOLVER, typed)
        assert found.kind == "not_found"
        assert found.understood == TEXAS
        assert found.echo == "Marfx"


def test_postal_codes_are_never_echoed_and_several_countries_ask_which() -> None:
    one = look_up(RESOLVER, "79843")
    assert (one.kind, one.postal, one.echo) == ("confirm", True, None)
    several = look_up(RESOLVER, "10115")
    assert (several.kind, several.reason, several.echo) == ("pick", "postal_countries", None)
    unknown = look_up(RESOLVER, "99999")
    assert (unknown.kind, unknown.echo) == ("postal_unknown", None)


def test_only_digits_the_resolver_refuses_is_an_unknown_code_not_a_place() -> None:
    resolver = FakeResolver({"1234567": Resolution("invalid", ())})
    assert look_up(resolver, "1234567").kind == "postal_unknown"


def test_the_area_path_keeps_counties_and_regions_only() -> None:
    assert look_up(RESOLVER, "Powys", areas_only=True).best == POWYS
    assert look_up(RESOLVER, "Texas", areas_only=True).candidates == (TEXAS,)
    assert look_up(RESOLVER, "Marfa", areas_only=True).kind == "not_found"


def test_priors_reach_the_resolver() -> None:
    resolver = FakeResolver({})
    look_up(WithPriors(resolver, "en-US", ("US", "CA")), "Cambridge")
    assert resolver.asked == [("Cambridge", "en-US", ("US", "CA"))]


# -- the onboarding place step ---------------------------------------------------------


def _answer(typed: str, answers: dict[str, Any], action: str = "text") -> Any:
    return apply(Step.PLACE, action, [typed], answers, RESOLVER)


def test_invalid_answers_store_nothing() -> None:
    for typed in ("<@123>", "@everyone", "x" * 1000, "\N{GRINNING FACE}", "...", "99999", "1234567"):
        answers: dict[str, Any] = {"suggested_languages": ["en"]}
        outcome = _answer(typed, answers)
        assert outcome.step is None
        assert outcome.echo is None
        assert answers == {"suggested_languages": ["en"]}
        assert outcome.notice in ("postal_unknown",) or outcome.notice.startswith("place_invalid_")


def test_near_names_lead_to_a_pick_that_says_did_you_mean() -> None:
    answers: dict[str, Any] = {}
    outcome = _answer("Bude", answers)
    assert outcome.step == Step.PLACE_PICK
    assert answers["place_pick_reason"] == "near_names"
    assert answers["place_candidates"] == [BODO.key]
    assert "place" not in answers


def test_a_postal_code_is_confirmed_as_a_postal_place_and_the_code_is_not_kept() -> None:
    answers: dict[str, Any] = {}
    outcome = _answer("79843", answers)
    assert outcome.step == Step.PLACE_CONFIRM
    assert answers["place"] == MARFA.key
    assert answers["place_from_postal"] is True
    assert "79843" not in repr(answers)


def test_a_postal_code_in_several_countries_asks_which_and_remembers_it_came_from_a_code() -> None:
    answers: dict[str, Any] = {}
    assert _answer("10115", answers).step == Step.PLACE_PICK
    assert answers["place_pick_reason"] == "postal_countries"
    apply(Step.PLACE_PICK, "pick", [BERLIN_DE.key], answers, RESOLVER)
    assert answers == {"place": BERLIN_DE.key, "timezone": BERLIN_DE.timezone, "place_from_postal": True}
    assert "10115" not in repr(answers)


def test_not_found_offers_the_area_it_understood() -> None:
    answers: dict[str, Any] = {}
    outcome = _answer("Marfx, Texas", answers)
    assert outcome.notice == "place_not_found_in_area"
    assert outcome.understood == TEXAS
    assert outcome.echo == "Marfx"
    assert answers == {"place_understood": TEXAS.key}
    chosen = apply(Step.PLACE, "use_understood", [], answers, RESOLVER)
    assert chosen.step == Step.PLACE_CONFIRM
    assert answers["place"] == TEXAS.key
    assert "place_understood" not in answers


def test_none_of_these_goes_back_with_a_path_forward() -> None:
    answers: dict[str, Any] = {}
    _answer("Berlin", answers)
    back = apply(Step.PLACE_PICK, "pick", ["none"], answers, RESOLVER)
    assert (back.step, back.notice) == (Step.PLACE, "place_none_of_these")
    assert answers == {}


def test_a_county_is_accepted_on_the_area_path() -> None:
    answers: dict[str, Any] = {}
    outcome = _answer("Powys", answers, action="area_text")
    assert outcome.step == Step.PLACE_CONFIRM
    assert answers["place"] == POWYS.key


def test_only_a_locale_that_names_a_country_is_a_hint() -> None:
    assert locale_hint("en-GB") == "en-GB"
    assert locale_hint("pt-BR") == "pt-BR"
    assert locale_hint("en-US") is None  # Discord's default English, used everywhere
    assert locale_hint(None) is None
