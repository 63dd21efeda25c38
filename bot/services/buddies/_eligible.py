"""Who is offered a buddy now (see bot.services.buddies)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import waiting
from bot.services.buddies._model import (
    MAX_REST,
    OPEN_GROUP,
    REOFFER_AFTER,
)
from bot.services.pairing import is_open
from db.enums import (
    Answer,
    BuddyStatus,
    MemberStatus,
    OrganizerStatus,
)
from db.models import (
    BuddyGroup,
    BuddyMember,
    BuddyOptOut,
    Member,
    Mentorship,
    Organizer,
)


def rest_after(silent_in_a_row: int) -> timedelta:
    """How long a member rests after their last "no": `REOFFER_AFTER`, doubled for each offer
    before it they also let run out without a word (1, 2, 4, 8 weeks at most), so a member who
    never answers does not keep stalling the offers of members who do."""
    rest: timedelta = REOFFER_AFTER * 2 ** max(silent_in_a_row - 1, 0)
    return min(rest, MAX_REST)


async def _declined_lately(session: AsyncSession, member_ids: Sequence[int], now: datetime) -> set[int]:
    """Members still resting after turning an offer down or letting it run out (`rest_after`)."""
    rows = await session.execute(
        select(BuddyMember.member_id, BuddyMember.answer, BuddyMember.answered_at, BuddyGroup.ended_at)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(
            BuddyMember.member_id.in_(member_ids),
            BuddyGroup.status == BuddyStatus.DECLINED,
            BuddyGroup.ended_at > now - MAX_REST,
        )
        .order_by(BuddyMember.member_id, BuddyGroup.ended_at.desc(), BuddyGroup.id.desc())
    )
    latest: dict[int, list[tuple[Answer, datetime | None, datetime | None]]] = {}
    for member_id, answer, answered_at, ended_at in rows.all():
        latest.setdefault(member_id, []).append((answer, answered_at, ended_at))
    resting = set()
    for member_id, offers in latest.items():
        answer, _, ended_at = offers[0]
        if answer != Answer.NO:
            continue  # they said yes; someone else did not: offered again at once
        silent = 0
        for said, answered_at, _ in offers:
            if said != Answer.NO or answered_at is not None:
                break
            silent += 1
        if ended_at is not None and ended_at > now - rest_after(silent):
            resting.add(member_id)
    return resting


async def eligible(
    *, session: AsyncSession, guild_id: int, now: datetime, batch_every: timedelta
) -> list[Member]:
    """The guild's members to be offered a buddy now (see the module docstring), oldest first.

    Set-based: one query finds the isolated members in no open group, without a mentor, not
    opted out and not organizing (ids only: a guild has thousands of isolated members, most
    of them with a buddy already); the rests and the waits are checked for those, and only the
    members left are read whole."""
    opted_out = select(BuddyOptOut.member_id).where(BuddyOptOut.member_id == Member.id).exists()
    organizes = (
        select(Organizer.id)
        .where(Organizer.member_id == Member.id, Organizer.status == OrganizerStatus.ACTIVE)
        .exists()
    )
    in_open_group = (
        select(BuddyMember.id)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(BuddyMember.member_id == Member.id, BuddyGroup.status.in_(OPEN_GROUP))
        .exists()
    )
    with_mentor = select(Mentorship.id).where(Mentorship.member_id == Member.id, is_open()).exists()
    ids = list(
        (
            await session.execute(
                select(Member.id)
                .where(
                    Member.guild_id == guild_id,
                    Member.status == MemberStatus.ACTIVE,
                    Member.is_isolated.is_(True),
                    ~opted_out,
                    ~organizes,
                    ~in_open_group,
                    ~with_mentor,
                )
                .order_by(Member.onboarded_at, Member.id)
            )
        ).scalars()
    )
    if not ids:
        return []
    target = await waiting.wait_target(session, guild_id)
    busy = await _declined_lately(session, ids, now) | await waiting.mentor_within(
        session=session, guild_id=guild_id, now=now, batch_every=batch_every, target=target
    )
    chosen = [member_id for member_id in ids if member_id not in busy]
    if not chosen:
        return []
    rows = await session.execute(select(Member).where(Member.id.in_(chosen)))
    by_id = {member.id: member for member in rows.scalars()}
    return [by_id[member_id] for member_id in chosen if member_id in by_id]
