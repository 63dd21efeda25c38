"""Result types of the gazetteer: places and resolutions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Precision = Literal["city", "district", "region", "country"]
ResolutionKind = Literal["match", "ambiguous", "not_found", "invalid"]

# Discord caps a select menu at 25 options and an option's label, description and value
# at 100 characters each; custom_id is capped at 100 too.
MAX_CANDIDATES: Final = 25
MAX_LABEL: Final = 100
ELLIPSIS: Final = "…"


def fit(parts: list[str], limit: int = MAX_LABEL, sep: str = ", ") -> str:
    """Join parts with sep in at most limit characters, shortening the longest parts first."""
    parts = [p.strip() for p in parts if p and p.strip()]
    while parts and len(sep.join(parts)) > limit:
        excess = len(sep.join(parts)) - limit
        i = max(range(len(parts)), key=lambda j: len(parts[j]))
        keep = len(parts[i]) - excess - len(ELLIPSIS)
        if keep < 1:
            if len(parts) == 1:
                return parts[0][: max(0, limit - len(ELLIPSIS))] + ELLIPSIS
            del parts[i]
            continue
        parts[i] = parts[i][:keep].rstrip() + ELLIPSIS
    return sep.join(parts)


@dataclass(frozen=True, slots=True)
class Place:
    """A town, district (county: second-level division), region (first-level division) or
    country, ready to show and to store.

    ``region_code`` is the GeoNames admin1 code qualified by country ("US.IL", "DE.02"), so
    it is unique on its own; ``district_code`` likewise the admin2 code ("US.UT.019"). For an
    area they are the area itself and the areas it lies in (a country has neither).
    An area's coordinates are those of its most populous town in the dataset, its time zone
    the zone most of its (town) population lives in, and ``extent_km`` how far its towns lie
    from that point (0 for a town): an area has no point a member could be measured from.
    Area population is the sum over the dataset's towns, so it is a ranking figure only.
    ``geoname_id`` is 0 for the few areas whose GeoNames id is unknown. A town in a region
    without a known name has a ``region_code`` but no ``region_name``.
    """

    geoname_id: int
    name: str
    region_code: str | None
    region_name: str | None
    country_code: str
    country_name: str
    latitude: float
    longitude: float
    timezone: str
    population: int
    precision: Precision
    district_code: str | None = None
    district_name: str | None = None
    extent_km: float = 0.0

    @property
    def has_point(self) -> bool:
        """Whether the place is a point distances can be measured from (a town)."""
        return self.precision == "city"

    @property
    def area_name(self) -> str:
        """The name to say "in ..." with: the town, district, region or country itself."""
        return self.country_name if self.precision == "country" else self.name

    @property
    def key(self) -> str:
        """Stable identifier ("city:2950159", "district:US.UT.019", "region:DE.16",
        "country:DE"); ≤ 100 chars."""
        if self.precision == "city":
            return f"city:{self.geoname_id}"
        if self.precision == "district":
            return f"district:{self.district_code}"
        if self.precision == "region":
            return f"region:{self.region_code}"
        return f"country:{self.country_code}"

    @property
    def label(self) -> str:
        """Display name such as "Springfield, Illinois, United States" (≤ 100 chars)."""
        if self.precision == "country":
            return fit([self.country_name])
        if self.precision == "region":
            return fit([self.name, self.country_name])
        return fit([self.name, self.region_name or "", self.country_name])

    @property
    def description(self) -> str:
        """A short second line for a select option (≤ 100 chars)."""
        if self.precision == "city":
            what = f"Town, pop. {self.population:,}" if self.population else "Town"
            if self.district_name:
                what = f"{what}, {self.district_name}"
        elif self.precision == "district":
            what = f"County or district of {self.region_name or self.country_name}"
        elif self.precision == "region":
            what = f"Region of {self.country_name}"
        else:
            what = "Whole country"
        return fit([what, self.timezone], sep=" · ")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What ``Gazetteer.resolve`` made of a member's answer.

    kind:
      * "match": one clear best guess (``candidates[0]``), named as typed; still confirm it
        with the member, the other candidates are the alternatives to offer.
      * "ambiguous": several comparable places, or places whose name only resembles what was
        typed (``near_names``: "Did you mean ...?"); ask the member to pick one or none.
      * "not_found": nothing close enough; ask again (or offer the region/country picker).
        ``understood`` is the area the text named, if any ("Texas" in "Marfx, Texas").
      * "invalid": empty, too long, a mention or link, no letters at all.

    postal: the answer was a postal code (resolved to its town; the code is not kept).
    """

    kind: ResolutionKind
    candidates: tuple[Place, ...]
    query: str = ""
    near_names: bool = False
    understood: Place | None = None
    postal: bool = False

    @property
    def best(self) -> Place | None:
        return self.candidates[0] if self.candidates else None
