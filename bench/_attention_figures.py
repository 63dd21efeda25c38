"""The figures of bench/attention.py, read from the database the services wrote.

Times to first contact come from the human_contacts rows (bot.services.contacts), never from the
bench's own bookkeeping. A member is counted in "none after N days" only when the year lasted at
least N days after they onboarded; percentiles are over members observed 90 days or more, those
with no contact yet counting as longer than anything observed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from _attention_world import GUILD, Person
from sqlalchemy import select

from bot.services import organizer_pool
from db.engine import SessionMaker
from db.enums import HumanContactKind
from db.models import HumanContact, Member

EXPERIENCED = (HumanContactKind.MENTOR_INTRODUCTION, HumanContactKind.WELCOME_CALL)
NONE_AFTER = (7, 30, 90)
OBSERVED_FOR_PERCENTILES = 90  # days


@dataclass(frozen=True, slots=True)
class Figures:
    members: int  # who did not go silent and are not organizers
    median_days: float
    p90_days: float
    p99_days: float
    none_after: dict[int, float]  # days -> share with no contact then
    none_after_all: dict[int, float]  # the same, silent members included
    experienced_within_30: float  # met a mentor (or a call host) within 30 days
    first_was_experienced_30: float  # their first contact was one, within 30 days
    by_kind: dict[str, int]  # first contacts by kind
    graduates: int


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def figures(sessions: SessionMaker, people: Sequence[Person], end: datetime) -> Figures:
    by_user = {p.user_id: p for p in people}
    async with sessions() as s:
        members = {
            row.id: row
            for row in (await s.execute(select(Member.id, Member.user_id, Member.onboarded_at))).all()
        }
        contacts = (
            await s.execute(
                select(HumanContact.member_id, HumanContact.kind, HumanContact.at).order_by(HumanContact.at)
            )
        ).all()
        graduates = await organizer_pool.went_on_to_mentor(session=s, guild_id=GUILD)
    first: dict[int, tuple[datetime, HumanContactKind]] = {}
    experienced: dict[int, datetime] = {}
    for member_id, kind, when in contacts:
        first.setdefault(member_id, (when, kind))
        if kind in EXPERIENCED:
            experienced.setdefault(member_id, when)
    waits: list[float] = []
    observed: dict[int, list[bool]] = {n: [] for n in NONE_AFTER}
    observed_all: dict[int, list[bool]] = {n: [] for n in NONE_AFTER}
    experienced_30, first_experienced_30, eligible_30 = 0, 0, 0
    by_kind: dict[str, int] = {}
    for member_id, row in members.items():
        person = by_user.get(row.user_id)
        if person is None or person.organizer_capacity or row.onboarded_at is None:
            continue
        seen = (end - row.onboarded_at) / timedelta(days=1)
        got = first.get(member_id)
        wait = (got[0] - row.onboarded_at) / timedelta(days=1) if got else math.inf
        for n in NONE_AFTER:
            if seen >= n:
                observed_all[n].append(wait > n)
                if not person.silent:
                    observed[n].append(wait > n)
        if person.silent:
            continue
        if got:
            by_kind[got[1].value] = by_kind.get(got[1].value, 0) + 1
        if seen >= OBSERVED_FOR_PERCENTILES:
            waits.append(wait)
        if seen >= 30:
            eligible_30 += 1
            met = experienced.get(member_id)
            if met is not None and met - row.onboarded_at <= timedelta(days=30):
                experienced_30 += 1
                if got and got[1] in EXPERIENCED:
                    first_experienced_30 += 1

    def share(flags: list[bool]) -> float:
        return sum(flags) / len(flags) if flags else math.nan

    return Figures(
        members=sum(1 for p in people if not p.silent and not p.organizer_capacity),
        median_days=_quantile(waits, 0.5),
        p90_days=_quantile(waits, 0.9),
        p99_days=_quantile(waits, 0.99),
        none_after={n: share(observed[n]) for n in NONE_AFTER},
        none_after_all={n: share(observed_all[n]) for n in NONE_AFTER},
        experienced_within_30=experienced_30 / eligible_30 if eligible_30 else math.nan,
        first_was_experienced_30=first_experienced_30 / eligible_30 if eligible_30 else math.nan,
        by_kind=by_kind,
        graduates=graduates,
    )


def days(value: float) -> str:
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return f"none (>{OBSERVED_FOR_PERCENTILES} d)"
    return f"{value:.1f} d"


def pct(value: float) -> str:
    return "-" if math.isnan(value) else f"{100 * value:.1f} %"
