"""Who goes with whom: pairs cheapest first, the odd one out in a trio, never a pair apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from itertools import combinations

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.buddies._model import (
    MAX_GROUP,
)
from bot.services.matching import Mentor, Seeker, pair_cost, peer_costs
from bot.services.pairing import utc_offset_hours
from db.enums import (
    Answer,
    LocalePrecision,
)
from db.models import (
    BuddyGroup,
    BuddyMember,
    Locale,
    Member,
)


def _engine_view(member: Member, locale: Locale | None, now: datetime) -> Seeker:
    """The matching engine's view of a member: a point for a town only, the areas they are in."""
    town = locale is not None and locale.precision == LocalePrecision.CITY
    return Seeker(
        member_id=member.id,
        latitude=locale.latitude if locale is not None and town else None,
        longitude=locale.longitude if locale is not None and town else None,
        district=locale.district_code if locale else None,
        region=locale.region_code if locale else None,
        country=locale.country_code if locale else None,
        utc_offset_hours=utc_offset_hours(member.timezone, now),
        languages=frozenset(member.languages),
        paths=frozenset(member.paths),
    )


def cost(first: Seeker, second: Seeker) -> int:
    """What putting two members together costs (the engine's units): distance, time-zone gap,
    no shared language, no shared path. Symmetric."""
    other = Mentor(
        member_id=second.member_id,
        latitude=second.latitude,
        longitude=second.longitude,
        utc_offset_hours=second.utc_offset_hours,
        languages=second.languages,
        paths=second.paths,
        district=second.district,
        region=second.region,
        country=second.country,
    )
    found = pair_cost(replace(first, member_id=-1), other)
    assert found is not None  # no exclusions here
    return found


def group(people: Sequence[Seeker], apart: set[frozenset[int]]) -> list[tuple[int, ...]]:
    """Member ids in pairs, cheapest first, never a pair in `apart`; whoever is left joins the
    pair they fit best (a trio) when there is one they may join. Every pair is costed at once
    by the engine (`peer_costs`), so a sweep over thousands stays quick."""
    n = len(people)
    if n < 2:
        return []
    ids = [p.member_id for p in people]
    first, second = (np.asarray(a, dtype=np.int64) for a in np.triu_indices(n, k=1))
    units = peer_costs(people, first, second)
    row = {member_id: i for i, member_id in enumerate(ids)}
    allowed = np.ones(len(first), dtype=np.bool_)
    for pair in apart:
        rows = sorted(row[m] for m in pair if m in row)
        if len(rows) == 2:  # the position of (i, j), i < j, in the upper triangle
            i, j = rows
            allowed[i * n - i * (i + 1) // 2 + (j - i - 1)] = False
    first, second, units = first[allowed], second[allowed], units[allowed]
    id_of = np.asarray(ids, dtype=np.int64)
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    order = np.lexsort((id_of[second], id_of[first], units))
    for i, j in zip(first[order].tolist(), second[order].tolist(), strict=True):
        if len(taken) >= n - 1:
            break
        if ids[i] not in taken and ids[j] not in taken:
            pairs.append((ids[i], ids[j]))
            taken |= {ids[i], ids[j]}

    groups = [list(pair) for pair in pairs]
    for person in (member_id for member_id in ids if member_id not in taken):
        i, others = row[person], np.arange(n, dtype=np.int64)
        # Costed (earlier, later) in `people`, as the pairs were.
        with_everyone = peer_costs(people, np.minimum(others, i), np.maximum(others, i)).tolist()

        def between(other: int, person: int = person, costs: list[int] = with_everyone) -> int | None:
            return None if frozenset((person, other)) in apart else costs[row[other]]

        options = []
        for index, members in enumerate(groups):
            fits = [between(other) for other in members]
            if len(members) < MAX_GROUP and all(f is not None for f in fits):
                options.append((max(f for f in fits if f is not None), index))
        if options:
            groups[min(options)[1]].append(person)
    return [tuple(members) for members in groups]


async def _apart(session: AsyncSession, member_ids: Sequence[int]) -> set[frozenset[int]]:
    """Pairs never to be put together again: they were introduced, or one of them said no."""
    groups = select(BuddyMember.group_id).where(BuddyMember.member_id.in_(member_ids))
    rows = (
        await session.execute(
            select(BuddyMember.group_id, BuddyMember.member_id, BuddyMember.answer, BuddyGroup.introduced_at)
            .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
            .where(BuddyMember.group_id.in_(groups))
        )
    ).all()
    by_group: dict[int, list[tuple[int, Answer, bool]]] = {}
    for group_id, member_id, answer, introduced_at in rows:
        by_group.setdefault(group_id, []).append((member_id, answer, introduced_at is not None))
    apart = set()
    for members in by_group.values():
        for (a, a_answer, introduced), (b, b_answer, _) in combinations(members, 2):
            if introduced or Answer.NO in (a_answer, b_answer):
                apart.add(frozenset((a, b)))
    return apart
