"""The offline gazetteer: real-world answers to "where do you live?" and the picker helpers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bot.services.gazetteer import MAX_CANDIDATES, Gazetteer, Place, _index, get_gazetteer
from bot.services.gazetteer._model import fit
from bot.services.gazetteer._normalize import normalize, normalize_many


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    """Built once per test session (about a second) and shared with any other test using it."""
    return get_gazetteer()


def _summary(places: tuple[Place, ...] | list[Place]) -> list[tuple[str, str, str | None]]:
    return [(p.name, p.country_code, p.region_code) for p in places]


# (typed answer, expected name, expected country, expected region code or None when any)
CITY_CASES = [
    # exact names, case and accents
    ("Zürich", "Zürich", "CH", "CH.ZH"),
    ("zurich", "Zürich", "CH", "CH.ZH"),
    ("ZURICH", "Zürich", "CH", "CH.ZH"),
    ("São Paulo", "São Paulo", "BR", "BR.27"),
    ("Sao Paulo", "São Paulo", "BR", "BR.27"),
    ("Montréal", "Montréal", "CA", "CA.10"),
    ("montreal", "Montréal", "CA", "CA.10"),
    ("Kraków", "Kraków", "PL", None),
    ("Malmö", "Malmö", "SE", None),
    ("Bogota", "Bogotá", "CO", None),
    ("Frankfurt am Main", "Frankfurt am Main", "DE", "DE.05"),
    ("Frankfurt", "Frankfurt am Main", "DE", "DE.05"),
    # alternate names, other languages and scripts
    ("Munchen", "Munich", "DE", "DE.02"),
    ("München", "Munich", "DE", "DE.02"),
    ("Koeln", "Köln", "DE", "DE.07"),
    ("Lisboa", "Lisbon", "PT", None),
    ("Firenze", "Florence", "IT", None),
    ("Den Haag", "The Hague", "NL", None),
    ("Москва", "Moscow", "RU", None),
    # misspellings GeoNames itself lists as alternate names
    ("Sao Paolo", "São Paulo", "BR", "BR.27"),
    ("Londn", "London", "GB", "GB.ENG"),
    # abbreviations and nicknames
    ("NYC", "New York City", "US", "US.NY"),
    ("New York", "New York City", "US", "US.NY"),
    ("LA", "Los Angeles", "US", "US.CA"),
    ("SF", "San Francisco", "US", "US.CA"),
    ("Philly", "Philadelphia", "US", "US.PA"),
    ("Washington DC", "Washington", "US", "US.DC"),
    ("Ft Worth", "Fort Worth", "US", "US.TX"),
    # "City, Region"
    ("Portland, OR", "Portland", "US", "US.OR"),
    ("Portland, Maine", "Portland", "US", "US.ME"),
    ("Toronto, ON", "Toronto", "CA", "CA.08"),
    ("Springfield, IL", "Springfield", "US", "US.IL"),
    ("Springfield Massachusetts", "Springfield", "US", "US.MA"),
    ("Ely, Minn.", "Ely", "US", "US.MN"),
    ("Boulder, Colo.", "Boulder", "US", "US.CO"),
    ("Kansas City MO", "Kansas City", "US", "US.MO"),
    ("Sydney NSW", "Sydney", "AU", "AU.02"),
    ("Munich, BY", "Munich", "DE", "DE.02"),
    ("Vancouver BC", "Vancouver", "CA", "CA.02"),
    ("Vancouver, WA", "Vancouver", "US", "US.WA"),
    ("Melbourne FL", "Melbourne", "US", "US.FL"),
    ("St Petersburg, FL", "St. Petersburg", "US", "US.FL"),
    ("Pittsburg PA", "Pittsburgh", "US", "US.PA"),
    ("New York, NY", "New York City", "US", "US.NY"),
    ("Glasgow, Scotland", "Glasgow", "GB", "GB.SCT"),
    ("Austin, Texas, USA", "Austin", "US", "US.TX"),
    # "City, Country"
    ("Leeds UK", "Leeds", "GB", "GB.ENG"),
    ("Paris, France", "Paris", "FR", None),
    ("Paris, Texas", "Paris", "US", "US.TX"),
    ("London, Canada", "London", "CA", "CA.08"),
    ("Cambridge, UK", "Cambridge", "GB", "GB.ENG"),
    ("Valencia, Venezuela", "Valencia", "VE", None),
    ("Melbourne, Australia", "Melbourne", "AU", "AU.07"),
    # clearly dominant namesakes resolve to the big city
    ("Paris", "Paris", "FR", None),
    ("London", "London", "GB", "GB.ENG"),
    ("Portland", "Portland", "US", "US.OR"),
    ("Saint Petersburg", "Saint Petersburg", "RU", None),
    ("Berlin", "Berlin", "DE", "DE.16"),
]


@pytest.mark.parametrize(("text", "name", "country", "region"), CITY_CASES)
def test_city_answers_resolve_to_the_expected_city(
    gaz: Gazetteer, text: str, name: str, country: str, region: str | None
) -> None:
    res = gaz.resolve(text)
    assert res.kind == "match", (text, res.kind, _summary(res.candidates[:5]))
    best = res.best
    assert best is not None
    assert (best.name, best.country_code, best.precision) == (name, country, "city"), _summary(
        res.candidates[:5]
    )
    if region is not None:
        assert best.region_code == region


AREA_CASES = [
    ("Germany", "Germany", "DE", "country"),
    ("DE", "Germany", "DE", "country"),
    ("Deutschland", "Germany", "DE", "country"),
    ("United Kingdom", "United Kingdom", "GB", "country"),
    ("UK", "United Kingdom", "GB", "country"),
    ("USA", "United States", "US", "country"),
    ("U.S.A.", "United States", "US", "country"),
    ("Brasil", "Brazil", "BR", "country"),
    ("Mexico", "Mexico", "MX", "country"),
    ("Bavaria", "Bavaria", "DE", "region"),
    ("Bayern", "Bavaria", "DE", "region"),
    ("California", "California", "US", "region"),
    ("Ontario", "Ontario", "CA", "region"),
    ("Scotland", "Scotland", "GB", "region"),
    ("England", "England", "GB", "region"),
    ("New South Wales", "New South Wales", "AU", "region"),
    ("Ile de France", "Île-de-France", "FR", "region"),
    ("Quebec", "Quebec", "CA", "region"),
    ("Bavaria, Germany", "Bavaria", "DE", "region"),
]


# Typos: found by edit distance, so never a match, but offered first as "did you mean".
TYPO_CASES = [
    ("Seatle", "Seattle", "US"),
    ("Chicgo", "Chicago", "US"),
    ("Amsterdamm", "Amsterdam", "NL"),
    ("Philadelpia", "Philadelphia", "US"),
    ("Frankfurt am Mian", "Frankfurt am Main", "DE"),
    ("Illinios", "Illinois", "US"),
    ("Marfx, Texas", "Marfa", "US"),
]


def test_a_misspelt_qualifier_still_narrows_but_asks(gaz: Gazetteer) -> None:
    """A qualifier found by edit distance may name another area ("Minn" ~ Linn County)."""
    res = gaz.resolve("Springfield, Illinios")
    assert res.kind == "ambiguous" and not res.near_names
    assert res.best is not None and res.best.region_code == "US.IL"


@pytest.mark.parametrize(("text", "name", "country"), TYPO_CASES)
def test_a_typo_is_offered_as_did_you_mean_never_as_a_match(
    gaz: Gazetteer, text: str, name: str, country: str
) -> None:
    res = gaz.resolve(text)
    assert (res.kind, res.near_names) == ("ambiguous", True), (text, _summary(res.candidates[:5]))
    assert res.best is not None and (res.best.name, res.best.country_code) == (name, country)


def test_a_much_bigger_city_known_by_the_name_comes_first(gaz: Gazetteer) -> None:
    """Bombay is also a small town in New Zealand: ask, with Mumbai first."""
    res = gaz.resolve("Bombay")
    assert res.kind == "ambiguous" and not res.near_names
    assert [p.name for p in res.candidates[:2]] == ["Mumbai", "Bombay"]


@pytest.mark.parametrize(("text", "name", "country", "precision"), AREA_CASES)
def test_region_and_country_answers(
    gaz: Gazetteer, text: str, name: str, country: str, precision: str
) -> None:
    res = gaz.resolve(text)
    assert res.kind == "match", (text, res.kind, _summary(res.candidates[:5]))
    best = res.best
    assert best is not None
    assert (best.name, best.country_code, best.precision) == (name, country, precision)


AMBIGUOUS_CASES = [
    (
        "Springfield",
        [
            "Springfield, Missouri, United States",
            "Springfield, Massachusetts, United States",
            "Springfield, Illinois, United States",
            "Springfield, Oregon, United States",
        ],
    ),
    (
        "Cambridge",
        [
            "Cambridge, England, United Kingdom",
            "Cambridge, Ontario, Canada",
            "Cambridge, Massachusetts, United States",
        ],
    ),
    ("Georgia", ["Georgia", "Georgia, United States"]),
    ("St. Louis", ["St. Louis, Missouri, United States", "Saint-Louis, Saint-Louis, Senegal"]),
    ("Saint Louis", ["St. Louis, Missouri, United States"]),
    (
        "Pittsburg",
        [
            "Pittsburgh, Pennsylvania, United States",
            "Pittsburg, California, United States",
            "Pittsburg, Kansas, United States",
        ],
    ),
    ("Barcelonna", ["Barcelona, Catalonia, Spain", "Barcelona, Anzoátegui, Venezuela"]),
]


@pytest.mark.parametrize(("text", "labels"), AMBIGUOUS_CASES)
def test_ambiguous_answers_offer_labelled_candidates(gaz: Gazetteer, text: str, labels: list[str]) -> None:
    res = gaz.resolve(text)
    assert res.kind == "ambiguous", (text, _summary(res.candidates[:5]))
    shown = [p.label for p in res.candidates]
    for label in labels:
        assert label in shown, (label, shown)
    assert len({p.key for p in res.candidates}) == len(res.candidates)


def test_springfield_ranks_by_population(gaz: Gazetteer) -> None:
    res = gaz.resolve("Springfield")
    cities = [p for p in res.candidates if p.name == "Springfield"]
    assert [p.region_code for p in cities[:3]] == ["US.MO", "US.MA", "US.IL"]
    assert all(a.population >= b.population for a, b in itertools.pairwise(cities))


def test_dominant_answers_still_expose_alternatives(gaz: Gazetteer) -> None:
    paris = gaz.resolve("Paris")
    assert paris.kind == "match"
    assert "Paris, Texas, United States" in [p.label for p in paris.candidates]
    london = gaz.resolve("London")
    assert "London, Ontario, Canada" in [p.label for p in london.candidates]
    portland = gaz.resolve("Portland")
    assert "Portland, Maine, United States" in [p.label for p in portland.candidates]


def test_a_city_named_like_its_region_comes_before_the_region(gaz: Gazetteer) -> None:
    res = gaz.resolve("São Paulo")
    found = [(p.name, p.country_code, p.precision) for p in res.candidates]
    assert found[0] == ("São Paulo", "BR", "city")
    assert {("São Paulo", "BR", "district"), ("São Paulo", "BR", "region")} <= set(found[1:])


def test_country_hint_ranks_places_in_that_country_higher(gaz: Gazetteer) -> None:
    plain = gaz.resolve("London")
    hinted = gaz.resolve("London", country_hint="en-CA")
    assert plain.kind == "match"
    assert hinted.kind == "ambiguous"
    assert {p.country_code for p in hinted.candidates[:2]} == {"GB", "CA"}
    cambridge = gaz.resolve("Cambridge", country_hint="US")
    assert cambridge.best is not None and cambridge.best.region_code == "US.MA"
    assert gaz.resolve("Paris", country_hint="nonsense").best == gaz.resolve("Paris").best


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "invalid"),
        ("   ", "invalid"),
        ("🙂🙂🙂", "invalid"),
        ("x" * 2000, "invalid"),
        ("@everyone", "invalid"),
        ("<@123456789012345678>", "invalid"),
        ("https://example.com/where", "invalid"),
        ("12", "invalid"),
        ("asdfghjkl", "not_found"),
        ("qwrtzpxvbn", "not_found"),
        ("zzzzzz, qqqqqq", "not_found"),
        ("a" * 150, "invalid"),
        ("Paris " * 40, "invalid"),
    ],
)
def test_garbage_is_rejected(gaz: Gazetteer, text: str, kind: str) -> None:
    """(How fast is bench/locale_resolution.py's business; tests assert behaviour.)"""
    res = gaz.resolve(text)
    assert res.kind == kind
    assert res.candidates == ()


@pytest.mark.parametrize(
    ("text", "hint", "name", "country"),
    [
        ("59801", "en-US", "Missoula", "US"),
        ("SW1A 1AA", None, "City of Westminster", "GB"),
        ("10115", "de", "Berlin", "DE"),
        ("H2X 1Y4", None, "Montréal", "CA"),
        ("2000", "en-AU", "Sydney", "AU"),
        ("1012 AB", None, "Amsterdam", "NL"),
        ("12345", "en-US", "Schenectady", "US"),
    ],
)
def test_a_postal_code_gives_its_town_and_is_not_kept(
    gaz: Gazetteer, text: str, hint: str | None, name: str, country: str
) -> None:
    res = gaz.resolve(text, country_hint=hint)
    assert res.postal and res.query == ""
    assert res.best is not None and (res.best.name, res.best.country_code) == (name, country)
    assert res.best.precision == "city"


def test_a_postal_code_of_several_countries_asks_which(gaz: Gazetteer) -> None:
    res = gaz.resolve("2000")
    assert res.kind == "ambiguous" and res.postal
    assert {"AU", "BE"} <= {p.country_code for p in res.candidates}
    assert len({p.country_code for p in res.candidates}) == len(res.candidates)
    unknown = gaz.resolve("1234567")
    assert (unknown.kind, unknown.postal, unknown.candidates) == ("not_found", True, ())


def test_a_qualifier_that_names_nothing_only_ever_gives_ambiguous(gaz: Gazetteer) -> None:
    res = gaz.resolve("Springfield, Narnia")
    assert res.kind == "ambiguous"
    assert "Springfield, Illinois, United States" in [p.label for p in res.candidates]
    elsewhere = gaz.resolve("Paris, Germany")
    assert elsewhere.kind == "ambiguous"
    assert elsewhere.best is not None and elsewhere.best.country_code == "FR"


def test_limit_caps_candidates(gaz: Gazetteer) -> None:
    assert len(gaz.resolve("Springfield", limit=3).candidates) == 3
    assert len(gaz.resolve("Victoria", limit=1000).candidates) <= MAX_CANDIDATES
    assert len(gaz.resolve("Springfield", limit=0).candidates) == 1


@pytest.mark.parametrize(
    "text",
    ["Springfield", "Portland, OR", "Bavaria", "Germany", "Victoria", "San Jose", "Hawassa", "Santa Cruz"],
)
def test_keys_round_trip_and_fit_discord_limits(gaz: Gazetteer, text: str) -> None:
    res = gaz.resolve(text)
    assert res.candidates
    for place in res.candidates:
        assert len(place.key) <= 100 and len(place.label) <= 100 and len(place.description) <= 100
        assert gaz.place_by_key(place.key) == place


def test_key_formats_and_unknown_keys(gaz: Gazetteer) -> None:
    berlin = gaz.place_by_key("city:2950159")
    assert berlin is not None and berlin.label == "Berlin, Berlin, Germany"
    assert gaz.place_by_key("region:DE.16") is not None
    assert gaz.place_by_key("country:DE") is not None
    for bogus in ["", "city:", "city:999999999", "city:abc", "region:XX.99", "country:ZZ", "nope", "x" * 500]:
        assert gaz.place_by_key(bogus) is None


def test_region_and_country_places_carry_coordinates_and_zone(gaz: Gazetteer) -> None:
    bavaria = gaz.place_by_key("region:DE.02")
    munich = gaz.resolve("Munich").best
    assert bavaria is not None and munich is not None
    assert (bavaria.latitude, bavaria.longitude) == (munich.latitude, munich.longitude)
    assert bavaria.timezone == "Europe/Berlin" and bavaria.region_name == "Bavaria"
    us = gaz.place_by_key("country:US")
    assert us is not None and us.timezone == "America/New_York" and us.region_code is None
    assert us.label == "United States" and us.precision == "country"


def test_labels_are_cut_to_100_characters() -> None:
    long = fit(["A" * 80, "B" * 80, "Country"])
    assert len(long) <= 100 and long.endswith("Country")
    assert len(fit(["x" * 300])) == 100
    assert fit(["Springfield", "", "United States"]) == "Springfield, United States"


def test_region_and_country_pickers(gaz: Gazetteer) -> None:
    german = gaz.regions_of("de")
    assert len(german) == 16 and "Bavaria" in [p.name for p in german]
    assert all(p.precision == "region" and p.country_code == "DE" for p in german)
    assert len(gaz.regions_of("US")) == 51
    assert gaz.regions_of("XX") == []
    countries = gaz.countries()
    assert len(countries) > 200 and "Germany" in [p.name for p in countries]
    assert [p.name for p in gaz.search_regions("CA", "on")][:1] == ["Ontario"]
    assert [p.name for p in gaz.search_regions("DE", "bay")] == ["Bavaria"]
    assert [p.name for p in gaz.search_regions("US", "illinios")][:1] == ["Illinois"]
    assert "New York" in [p.name for p in gaz.search_regions("US", "new")]
    assert [p.name for p in gaz.search_countries("germny")][:1] == ["Germany"]
    assert {"United States", "United Kingdom"} <= {p.name for p in gaz.search_countries("united")}
    assert [p.name for p in gaz.search_countries("usa")][:1] == ["United States"]
    assert [p.name for p in gaz.search_countries("deutsch")][:1] == ["Germany"]
    assert gaz.search_countries("🙂") == [] and gaz.search_countries("x" * 500) == []
    assert len(gaz.search_countries("")) == MAX_CANDIDATES
    assert gaz.search_countries("", limit=3)[0].name == "China"


def test_timezones(gaz: Gazetteer) -> None:
    us = gaz.timezones_for_country("us")
    assert us[0] == "America/New_York" and "America/Los_Angeles" in us and "America/Chicago" in us
    assert gaz.timezones_for_country("DE")[0] == "Europe/Berlin"
    assert "America/Indiana/Indianapolis" in gaz.timezones_for_region("US.IN")
    assert gaz.timezones_for_country("XX") == []


def test_normalization() -> None:
    names = [
        "Saint-Étienne",
        "Sainte-Foy",
        "St. Louis",
        "Zürich",
        "Łódź",
        "Straße",
        "Washington, D.C.",
        "Москва",
        "🙂",
        "x_y",
    ]
    assert [normalize(n) for n in names] == [
        "st etienne",
        "ste foy",
        "st louis",
        "zurich",
        "lodz",
        "strasse",
        "washington dc",
        "москва",
        "",
        "x y",
    ]
    assert normalize_many(names) == [normalize(n) for n in names]


def test_data_version_names_the_dataset(gaz: Gazetteer) -> None:
    assert "cities500" in gaz.data_version
    assert gaz.min_population == 500
    assert len(gaz) > 234_000
    with pytest.raises(ValueError, match="min_population"):
        Gazetteer.load(min_population=1234)


def test_popcount_fallback_for_numpy_1(monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.array([0, 1, 0b1011, 0xFFFFFFFF, 1 << 27], dtype=np.uint32)
    expected = [0, 1, 3, 32, 1]
    assert _index.popcount(values).tolist() == expected
    monkeypatch.setattr(_index, "_NUMPY_POPCOUNT", None)
    assert _index.popcount(values).tolist() == expected
