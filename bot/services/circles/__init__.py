"""Local circles: members who live near each other, grown into a local group.

Clustering (`_cluster`) finds circles among members who said yes to meeting neighbours;
moderators open or reject each proposal (`_review`); later arrivals near an open circle are
offered to join it, the nearest circle winning where two overlap (`_sweep`); members join,
leave, and a circle everyone left closes (`_membership`). Names never reveal a town that a
member did not agree to share (`_naming`).
"""

from bot.services.circles._cluster import Cluster, find_clusters, nearest_within
from bot.services.circles._membership import (
    answer_offer,
    circles_of,
    closing_due,
    joining_due,
    leave,
    leaving_due,
    summaries,
)
from bot.services.circles._model import (
    Decision,
    Joined,
    Left,
    MyCircle,
    NearestOrganizer,
    Offer,
    Proposal,
    Space,
    Summary,
    Sweep,
)
from bot.services.circles._naming import Resident, circle_place
from bot.services.circles._review import (
    circle_guild,
    decide,
    opening_due,
    record_space,
    remember_review_message,
    space_taken,
)
from bot.services.circles._sweep import offer_to_newcomer, sweep
from db.enums import CircleMemberStatus, CircleStatus

__all__ = [
    "CircleMemberStatus",
    "CircleStatus",
    "Cluster",
    "Decision",
    "Joined",
    "Left",
    "MyCircle",
    "NearestOrganizer",
    "Offer",
    "Proposal",
    "Resident",
    "Space",
    "Summary",
    "Sweep",
    "answer_offer",
    "circle_guild",
    "circle_place",
    "circles_of",
    "closing_due",
    "decide",
    "find_clusters",
    "joining_due",
    "leave",
    "leaving_due",
    "nearest_within",
    "offer_to_newcomer",
    "opening_due",
    "record_space",
    "remember_review_message",
    "space_taken",
    "summaries",
    "sweep",
]
