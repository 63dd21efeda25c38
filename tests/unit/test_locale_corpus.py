"""Accuracy of the gazetteer on real answers to "where do you live?" (issue 14's test set).

tests/unit/data/locale_corpus.tsv holds what new members type: small towns in 30+ countries,
"Town, State" / "Town ST" / "Town, County" / "Town Country" forms, state and province
abbreviations, typos, other-language names, postal codes, ambiguous names, regions,
counties, countries and garbage. Every expected key was looked up in the data
(bench/make_locale_corpus.py). Targets:

* at least 95 % of the rows resolve to the right place, as the top candidate or as one of the
  offered choices (garbage rows: refused as invalid or not found; a postal code: its town,
  or a place within 10 km of it);
* no confident wrong match: a "match" is only ever the expected place;
* garbage is refused.

Run with ``-s`` to see the figures by category.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.services.gazetteer import Gazetteer, Place, Resolution, get_gazetteer
from bot.services.geo import great_circle_km

CORPUS = Path(__file__).parent / "data" / "locale_corpus.tsv"
CATEGORIES = frozenset(
    {
        "small_town", "qualified", "abbreviation", "typo", "alternate_name", "postal",
        "ambiguous", "region", "county", "country", "garbage",
    }
)  # fmt: skip
REFUSALS = frozenset({"invalid", "not_found"})
KEY = re.compile(r"city:\d+|district:[A-Z]{2}\.\w+\.\w+|region:[A-Z]{2}\.\w+|country:[A-Z]{2}")
TARGET_SHARE = 0.95
POSTAL_KM = 10.0


@dataclass(frozen=True, slots=True)
class Row:
    input: str
    expected: str
    category: str
    note: str


@dataclass(frozen=True, slots=True)
class Outcome:
    row: Row
    resolution: Resolution
    expected: Place | None  # the expected place, if the gazetteer knows it

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.resolution.candidates]

    def _is_expected(self, p: Place) -> bool:
        """The expected place, or for a postal code a town within POSTAL_KM of the code's town
        (a code covers several villages, or several quarters of a city: "SW1A" is the City of
        Westminster as much as London)."""
        if p.key == self.row.expected:
            return True
        e = self.expected
        return (
            self.row.category == "postal"
            and e is not None
            and p.has_point
            and great_circle_km(p.latitude, p.longitude, e.latitude, e.longitude) <= POSTAL_KM
        )

    @property
    def right(self) -> bool:
        """The expected place is the top candidate or an offered one (garbage: refused)."""
        if self.row.expected in REFUSALS:
            return self.resolution.kind in REFUSALS
        return any(self._is_expected(p) for p in self.resolution.candidates)

    @property
    def top_right(self) -> bool:
        if self.row.expected in REFUSALS:
            return self.resolution.kind in REFUSALS
        best = self.resolution.best
        return best is not None and self._is_expected(best)

    @property
    def confidently_wrong(self) -> bool:
        """A "match" (one clear best guess) that is not the expected place."""
        return self.resolution.kind == "match" and not self.top_right


def load_rows() -> list[Row]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return [
            Row(r["input"], r["expected"], r["category"], r["note"])
            for r in csv.DictReader(f, delimiter="\t")
        ]


ROWS = load_rows()


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


@pytest.fixture(scope="module")
def outcomes(gaz: Gazetteer) -> list[Outcome]:
    return [Outcome(row, gaz.resolve(row.input), gaz.place_by_key(row.expected)) for row in ROWS]


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _place(p: Place) -> str:
    return f"{p.label} [{p.key}]"


def table(outcomes: list[Outcome]) -> str:
    """One line per outcome: input, expected (with its label when loaded), kind, top 3."""
    lines = [f"{'input':<28} {'category':<14} {'expected':<52} {'kind':<10} top candidates"]
    for o in outcomes:
        wanted = _place(o.expected) if o.expected else f"{o.row.expected} ({_short(o.row.note, 30)})"
        kind = o.resolution.kind + ("~" if o.resolution.near_names else "")
        top = "; ".join(_place(p) for p in o.resolution.candidates[:3]) or "-"
        lines.append(
            f"{_short(o.row.input, 28):<28} {o.row.category:<14} {_short(wanted, 52):<52} {kind:<10} {top}"
        )
    return "\n".join(lines)


def breakdown(outcomes: list[Outcome]) -> str:
    total: Counter[str] = Counter(o.row.category for o in outcomes)
    right: Counter[str] = Counter(o.row.category for o in outcomes if o.right)
    top: Counter[str] = Counter(o.row.category for o in outcomes if o.top_right)
    wrong: Counter[str] = Counter(o.row.category for o in outcomes if o.confidently_wrong)
    lines = [f"{'category':<15} {'rows':>5} {'right':>7} {'top-1':>7} {'wrong match':>12}"]
    for category in [*sorted(total), "all"]:
        n = sum(total.values()) if category == "all" else total[category]
        r = sum(right.values()) if category == "all" else right[category]
        t = sum(top.values()) if category == "all" else top[category]
        w = sum(wrong.values()) if category == "all" else wrong[category]
        lines.append(f"{category:<15} {n:>5} {r / n:>7.1%} {t / n:>7.1%} {w:>12}")
    return "\n".join(lines)


def test_corpus_is_well_formed() -> None:
    assert len(ROWS) >= 330
    assert {r.category for r in ROWS} == CATEGORIES
    assert len({r.input for r in ROWS}) == len(ROWS), "an input appears twice"
    for r in ROWS:
        if r.category == "garbage":
            assert r.expected in REFUSALS, r
        else:
            assert KEY.fullmatch(r.expected), r
    assert sum(r.category == "small_town" for r in ROWS) >= 150


def test_right_place_offered_for_95_percent(outcomes: list[Outcome]) -> None:
    # shown with -s: the figures for the closing note
    sys.stdout.write(
        f"\nlocale corpus by category (right: expected place top or offered):\n{breakdown(outcomes)}\n"
    )
    missed = [o for o in outcomes if not o.right]
    share = 1 - len(missed) / len(outcomes)
    assert share >= TARGET_SHARE, (
        f"{share:.1%} of {len(outcomes)} rows give the right place (target {TARGET_SHARE:.0%}); "
        f"{len(missed)} miss it:\n{table(missed)}\n\n{breakdown(outcomes)}"
    )


def test_no_confident_wrong_match(outcomes: list[Outcome]) -> None:
    wrong = [o for o in outcomes if o.confidently_wrong]
    assert not wrong, f"{len(wrong)} confident matches to another place:\n{table(wrong)}"


def test_garbage_is_refused(outcomes: list[Outcome]) -> None:
    accepted = [o for o in outcomes if o.row.category == "garbage" and o.resolution.kind not in REFUSALS]
    assert not accepted, f"garbage taken for a place:\n{table(accepted)}"
