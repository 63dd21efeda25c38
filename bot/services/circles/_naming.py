"""A circle's name: the place it is in, never a town someone did not agree to share.

The name is seen by everyone in the circle (and by moderators), so it may name only a town
that one of its members shares, and never the town of a member who shares only their region
or nothing: a circle of three region-only members in Leeds is named after their region. With
nothing shared at all, it gets a plain number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from db.enums import LocaleSharing


@dataclass(frozen=True, slots=True)
class Resident:
    """What naming may know of one member: their town, region and what they share."""

    town: str
    region: str | None
    sharing: LocaleSharing


def circle_place(residents: Sequence[Resident]) -> str | None:
    """The most shared town, else the most shared region, else None. `residents` come nearest
    the centre first, which breaks ties."""
    hidden = {r.town.casefold() for r in residents if r.sharing != LocaleSharing.TOWN}
    towns = Counter(
        r.town for r in residents if r.sharing == LocaleSharing.TOWN and r.town.casefold() not in hidden
    )
    if towns:
        return towns.most_common(1)[0][0]
    regions = Counter(
        r.region
        for r in residents
        if r.region and r.sharing != LocaleSharing.NOTHING and r.region.casefold() not in hidden
    )
    return regions.most_common(1)[0][0] if regions else None
