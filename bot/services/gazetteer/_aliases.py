"""Hand-written names that the GeoNames data lacks or ranks too low.

Keys are written plainly here and normalized at load time. City aliases point at GeoNames
ids and are skipped when the loaded dataset lacks that city.
"""

from __future__ import annotations

from typing import Final

# Everyday nicknames that should beat a country or region code of the same letters
# ("LA" is Los Angeles before it is Laos or Louisiana).
CITY_ALIASES: Final[dict[str, int]] = {
    "NYC": 5128581,
    "New York": 5128581,
    "LA": 5368361,
    "SF": 5391959,
    "San Fran": 5391959,
    "DC": 4140963,
    "Washington DC": 4140963,
    "Philly": 4560349,
    "Vegas": 5506956,
    "NOLA": 4335045,
}

COUNTRY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "US": ("USA", "U.S.", "U.S.A.", "United States of America", "America", "The States", "The US", "The USA"),
    "GB": ("UK", "U.K.", "The UK", "Great Britain", "Britain", "United Kingdom of Great Britain"),
    "NL": ("Netherlands", "Holland", "Nederland"),
    "DE": ("Deutschland",),
    "AT": ("Österreich",),
    "CH": ("Schweiz", "Suisse", "Svizzera"),
    "ES": ("España",),
    "IT": ("Italia",),
    "BR": ("Brasil",),
    "PL": ("Polska",),
    "SE": ("Sverige",),
    "NO": ("Norge",),
    "DK": ("Danmark",),
    "FI": ("Suomi",),
    "IE": ("Éire", "Republic of Ireland"),
    "GR": ("Hellas", "Ellada"),
    "CZ": ("Czech Republic", "Česko"),
    "TR": ("Türkiye",),
    "RU": ("Russian Federation",),
    "KR": ("Korea", "Republic of Korea"),
    "KP": ("DPRK",),
    "CN": ("PRC", "People's Republic of China"),
    "JP": ("Nippon", "Nihon"),
    "AE": ("UAE",),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "CV": ("Cape Verde",),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "MM": ("Burma",),
    "TL": ("East Timor", "Timor-Leste"),
    "VA": ("Vatican City", "Holy See"),
    "PS": ("Palestine",),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Congo", "Congo-Brazzaville"),
    "BA": ("Bosnia",),
    "VN": ("Viet Nam",),
    "MX": ("México",),
    "PE": ("Perú",),
    "NZ": ("Aotearoa",),
}

# Abbreviations of US states in the AP style ("Ely, Minn.", "Boulder, Colo."), which members
# type as often as the postal codes; keyed by GeoNames admin1 code.
REGION_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "US.AL": ("Ala",), "US.AZ": ("Ariz",), "US.AR": ("Ark",), "US.CA": ("Calif", "Cal"),
    "US.CO": ("Colo",), "US.CT": ("Conn",), "US.DE": ("Del",), "US.FL": ("Fla",),
    "US.GA": ("Ga",), "US.IL": ("Ill",), "US.IN": ("Ind",), "US.KS": ("Kan", "Kans"),
    "US.KY": ("Ky",), "US.LA": ("La",), "US.MD": ("Md",), "US.MA": ("Mass",),
    "US.MI": ("Mich",), "US.MN": ("Minn",), "US.MS": ("Miss",), "US.MO": ("Mo",),
    "US.MT": ("Mont",), "US.NE": ("Neb", "Nebr"), "US.NV": ("Nev",), "US.NH": ("N.H.",),
    "US.NJ": ("N.J.",), "US.NM": ("N.M.", "N. Mex."), "US.NY": ("N.Y.",), "US.NC": ("N.C.",),
    "US.ND": ("N.D.", "N. Dak."), "US.OK": ("Okla",), "US.OR": ("Ore", "Oreg"),
    "US.PA": ("Pa", "Penn", "Penna"), "US.RI": ("R.I.",), "US.SC": ("S.C.",),
    "US.SD": ("S.D.", "S. Dak."), "US.TN": ("Tenn",), "US.TX": ("Tex",), "US.VT": ("Vt",),
    "US.VA": ("Va",), "US.WA": ("Wash",), "US.WV": ("W.Va.", "W. Va."), "US.WI": ("Wis", "Wisc"),
    "US.WY": ("Wyo",),
}  # fmt: skip
