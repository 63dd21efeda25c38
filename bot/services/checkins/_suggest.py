"""Which one next step to suggest: the weakest dimension for the member's chosen path.

Each path needs a different readiness (DOMAIN.md): running for office needs more on every
dimension than a discussion group does. The weakest dimension is the one furthest below what
one of the member's paths needs (their first-chosen path wins a tie); a member whose time is
short is offered a remote way to help instead of being pushed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.services.checkins._model import DIMENSIONS, Suggestion
from db.enums import OrganizingPath, ReadinessDimension

R = ReadinessDimension
# What each path needs on each dimension (1-5) before it feels doable.
NEEDS: dict[OrganizingPath, dict[ReadinessDimension, int]] = {
    OrganizingPath.RUN_FOR_OFFICE: {
        R.RESOURCES: 3,
        R.SPEAKING_CONFIDENCE: 5,
        R.POLITICAL_INFORMEDNESS: 4,
        R.ARTICULATION: 4,
        R.LOCAL_AWARENESS: 5,
        R.TIME: 4,
    },
    OrganizingPath.SOLIDARITY_NETWORK: {
        R.RESOURCES: 3,
        R.SPEAKING_CONFIDENCE: 3,
        R.POLITICAL_INFORMEDNESS: 2,
        R.ARTICULATION: 3,
        R.LOCAL_AWARENESS: 4,
        R.TIME: 3,
    },
    OrganizingPath.DISCUSSION_GROUP: {
        R.RESOURCES: 2,
        R.SPEAKING_CONFIDENCE: 3,
        R.POLITICAL_INFORMEDNESS: 4,
        R.ARTICULATION: 4,
        R.LOCAL_AWARENESS: 2,
        R.TIME: 2,
    },
    OrganizingPath.COALITIONS: {
        R.RESOURCES: 2,
        R.SPEAKING_CONFIDENCE: 4,
        R.POLITICAL_INFORMEDNESS: 3,
        R.ARTICULATION: 4,
        R.LOCAL_AWARENESS: 4,
        R.TIME: 3,
    },
    OrganizingPath.COMMUNITY_LIFE: {
        R.RESOURCES: 2,
        R.SPEAKING_CONFIDENCE: 2,
        R.POLITICAL_INFORMEDNESS: 2,
        R.ARTICULATION: 2,
        R.LOCAL_AWARENESS: 3,
        R.TIME: 2,
    },
    OrganizingPath.REMOTE: {
        R.RESOURCES: 1,
        R.SPEAKING_CONFIDENCE: 2,
        R.POLITICAL_INFORMEDNESS: 3,
        R.ARTICULATION: 3,
        R.LOCAL_AWARENESS: 1,
        R.TIME: 2,
    },
}
# A member with no path yet is treated as someone joining community life: the gentlest start.
DEFAULT_PATH = OrganizingPath.COMMUNITY_LIFE
# Time at or below this is "short": offer a remote way to help rather than push.
SHORT_ON_TIME = 2


def member_paths(raw: Sequence[str]) -> tuple[OrganizingPath, ...]:
    """The member's paths in the order they chose them, unknown values dropped."""
    known = {path.value for path in OrganizingPath}
    return tuple(OrganizingPath(value) for value in raw if value in known)


def suggest(scores: Mapping[str, int], paths: Sequence[OrganizingPath]) -> Suggestion:
    """The weakest dimension for the member's paths, and whether to offer remote work instead."""
    chosen = list(paths) or [DEFAULT_PATH]
    time_score = scores.get(R.TIME, 3)
    if time_score <= SHORT_ON_TIME and chosen != [OrganizingPath.REMOTE]:
        return Suggestion(
            dimension=R.TIME,
            path=chosen[0],
            score=time_score,
            needed=NEEDS[chosen[0]][R.TIME],
            remote_offer=True,
            ready=False,
        )
    best: tuple[int, int, int] | None = None  # (gap, -path rank, -dimension rank): larger is weaker
    pick: tuple[OrganizingPath, ReadinessDimension] = (chosen[0], DIMENSIONS[0])
    for path_rank, path in enumerate(chosen):
        for dim_rank, dimension in enumerate(DIMENSIONS):
            score = scores.get(dimension, 3)
            key = (NEEDS[path][dimension] - score, -path_rank, -dim_rank)
            if best is None or key > best:
                best, pick = key, (path, dimension)
    path, dimension = pick
    gap = best[0] if best else 0
    if gap <= 0:
        # Ready for the first path on every dimension: stretch the lowest one.
        path = chosen[0]
        dimension = min(DIMENSIONS, key=lambda d: (scores.get(d, 3), DIMENSIONS.index(d)))
    return Suggestion(
        dimension=dimension,
        path=path,
        score=scores.get(dimension, 3),
        needed=NEEDS[path][dimension],
        remote_offer=False,
        ready=gap <= 0,
    )
