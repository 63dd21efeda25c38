"""A member's answer to "where do you live?": checked, resolved with the guild's priors, and
sorted into what to do next.

Used by onboarding's place step and by /locale set alike, so both say the same thing for
the same answer:

* ``confirm``: one place, named as typed (or the one town of a postal code): show it and ask
  "Is this right?"; never saved before the member says yes.
* ``pick``: several places, or places whose name only resembles what was typed
  (``reason == "near_names"``: "Did you mean ...?"), or the towns of a postal code (one per
  country when the code exists in several: ``"postal_countries"``). The list always ends
  with "None of these".
* ``not_found``: nothing close; ``understood`` is the area the answer named, if any, so the
  reply can say "I found Texas, but no town called ... there" and offer the area itself.
* ``postal_unknown``: a postal code (or a bare number) we don't know.
* ``invalid``: a mention, a link, emoji, only punctuation, or far too long.

Nothing here stores anything. ``echo`` is what may be shown back to the member (escaped by
the adapter): never a postal code, a number, a mention or a link.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.services.gazetteer import MAX_CANDIDATES, Place, Resolution

MAX_PLACE_TEXT = 100
MAX_PICK = MAX_CANDIDATES - 1  # a select holds 25 options; one is "none of these"

LookupKind = Literal["confirm", "pick", "not_found", "postal_unknown", "invalid"]
PickReason = Literal["same_name", "near_names", "postal", "postal_countries"]
InvalidReason = Literal["empty", "too_long", "mention", "link", "emoji", "no_letters"]

_MENTION = re.compile(r"@|<[#@:/a]")
_LINK = re.compile(
    r"://|\bwww\.|\bdiscord\.gg\b|\b[a-z0-9-]+\.(?:com|net|org|gg|io|ly|me|xyz|app|link)\b", re.IGNORECASE
)
# Emoji and pictographs, their joiners and presentation selectors, and keycaps.
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0xFE00, 0xFE0F),
    (0x200D, 0x200D),
    (0x20E3, 0x20E3),
    (0xE0000, 0xE007F),
)


class PlaceResolver(Protocol):
    """What the place flows need of the gazetteer."""

    def resolve(
        self,
        text: str,
        *,
        country_hint: str | None = None,
        home_countries: Collection[str] = (),
        limit: int = 25,
    ) -> Resolution: ...

    def place_by_key(self, key: str) -> Place | None: ...


# Discord's locales name a country only in a few cases (en-GB, pt-BR, sv-SE, zh-TW, ...).
# "en-US" is Discord's default English, used by English speakers everywhere: it says nothing
# about where a member lives, and as a prior it put Manchester, New Hampshire before
# Manchester, England for members in England.
_NO_COUNTRY_LOCALES = frozenset({"en-US"})


def locale_hint(locale: str | None) -> str | None:
    """The country hint a member's Discord locale gives, if it gives one."""
    if not locale or locale in _NO_COUNTRY_LOCALES:
        return None
    return locale


@dataclass(frozen=True, slots=True)
class WithPriors:
    """A resolver that ranks with the member's locale and the guild's home countries."""

    resolver: PlaceResolver
    country_hint: str | None = None
    home_countries: tuple[str, ...] = ()

    def resolve(
        self,
        text: str,
        *,
        country_hint: str | None = None,
        home_countries: Collection[str] = (),
        limit: int = 25,
    ) -> Resolution:
        return self.resolver.resolve(
            text,
            country_hint=country_hint or self.country_hint,
            home_countries=home_countries or self.home_countries,
            limit=limit,
        )

    def place_by_key(self, key: str) -> Place | None:
        return self.resolver.place_by_key(key)


@dataclass(frozen=True, slots=True)
class PlaceLookup:
    """What to do with one answer (see the module docstring)."""

    kind: LookupKind
    candidates: tuple[Place, ...] = ()
    reason: PickReason | InvalidReason | None = None
    postal: bool = False
    understood: Place | None = None
    echo: str | None = None

    @property
    def best(self) -> Place | None:
        return self.candidates[0] if self.candidates else None


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return unicodedata.category(ch) in ("So", "Cs", "Co") or any(lo <= code <= hi for lo, hi in _EMOJI_RANGES)


def check(text: str) -> InvalidReason | None:
    """Why an answer cannot name a place, before any lookup; None if it might."""
    stripped = text.strip()
    if not stripped:
        return "empty"
    if len(stripped) > MAX_PLACE_TEXT:
        return "too_long"
    if _MENTION.search(stripped):
        return "mention"
    if _LINK.search(stripped):
        return "link"
    if any(_is_emoji(ch) for ch in stripped):
        return "emoji"
    if any(unicodedata.category(ch).startswith("C") for ch in stripped):
        return "no_letters"  # control or invisible characters: not something a person typed as a name
    if not any(ch.isalnum() for ch in stripped):
        return "no_letters"
    return None


def _showable(text: str) -> str | None:
    """What was typed, if it may be shown back: never anything with a digit (a postal code, a
    house number) in it."""
    return None if any(ch.isdigit() for ch in text) else text


def _head(typed: str, understood: Place) -> str:
    """The town part of "Marfx, Texas" or "Marfx Texas", to say "no town called Marfx"."""
    if "," in typed:
        return typed.split(",", 1)[0].strip() or typed
    area = understood.area_name
    if len(typed) > len(area) and typed.lower().endswith(area.lower()):
        return typed[: -len(area)].strip(" ,") or typed
    return typed


def look_up(
    resolver: PlaceResolver,
    text: str,
    *,
    areas_only: bool = False,
    country_hint: str | None = None,
    home_countries: Collection[str] = (),
) -> PlaceLookup:
    """Check and resolve one answer; `areas_only` keeps districts, regions and countries only
    (the "pick my county or region" path)."""
    if (reason := check(text)) is not None:
        return PlaceLookup("invalid", reason=reason)
    typed = " ".join(text.split())
    digits_only = not any(ch.isalpha() for ch in typed)
    resolution = resolver.resolve(typed, country_hint=country_hint, home_countries=home_countries)
    if resolution.kind == "invalid" or (
        resolution.kind == "not_found" and (resolution.postal or digits_only)
    ):
        if digits_only or resolution.postal:
            return PlaceLookup("postal_unknown", postal=True)
        return PlaceLookup("invalid", reason="no_letters")
    postal = resolution.postal
    candidates = resolution.candidates
    if areas_only:
        candidates = tuple(place for place in candidates if place.precision != "city")
    echo = None if postal else _showable(typed)
    if not candidates:
        understood = resolution.understood
        if understood is not None and echo is not None:
            echo = _head(typed, understood)
        return PlaceLookup("not_found", postal=postal, understood=understood, echo=echo)
    shown = candidates[:MAX_PICK]
    if postal:
        countries = {place.country_code for place in shown}
        if len(countries) > 1:
            return PlaceLookup("pick", shown, reason="postal_countries", postal=True)
        if len(shown) > 1 and resolution.kind != "match":
            return PlaceLookup("pick", shown, reason="postal", postal=True)
        return PlaceLookup("confirm", shown, postal=True)
    if resolution.near_names:
        return PlaceLookup("pick", shown, reason="near_names", echo=echo)
    if resolution.kind == "match" and shown[0] == resolution.best:
        return PlaceLookup("confirm", shown, echo=echo)
    return PlaceLookup("pick", shown, reason="same_name", echo=echo)
