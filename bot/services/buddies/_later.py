"""A week later ("did you talk?"), and a buddy who leaves or whose data goes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import identities
from bot.services.audit import record
from bot.services.buddies._model import (
    OPEN_GROUP,
    FollowedUp,
    FollowUp,
)
from bot.services.buddies._rows import _members, _row_of
from bot.services.members import get_member
from db.enums import (
    BuddyFollowUp,
    BuddyStatus,
    MemberStatus,
    Platform,
)
from db.models import (
    BuddyGroup,
    BuddyMember,
)


async def due_followups(
    *, session: AsyncSession, now: datetime, platform: Platform | None = None
) -> list[FollowUp]:
    """ "Did you talk?" for every buddy of each group introduced a week ago (claimed: sent once),
    in `platform`'s communities."""
    due = (
        await session.execute(
            select(BuddyGroup)
            .where(
                BuddyGroup.status == BuddyStatus.INTRODUCED,
                BuddyGroup.followup_due_at <= now,
                BuddyGroup.followup_sent_at.is_(None),
                identities.on_platform(BuddyGroup.guild_id, platform),
            )
            .with_for_update(skip_locked=True)
        )
    ).scalars()
    result = []
    for row in due:
        row.followup_sent_at = now
        everyone = [(r, m) for r, m in await _members(session, row.id) if m.status == MemberStatus.ACTIVE]
        for buddy_row, member in everyone:
            others = tuple(m.user_id for _, m in everyone if m.id != member.id)
            result.append(FollowUp(buddy_row.id, row.guild_id, member.user_id, others, row.thread_id))
    return result


async def answer_followup(
    *, session: AsyncSession, buddy_id: int, user_id: int, answer: BuddyFollowUp, now: datetime
) -> FollowedUp:
    """A buddy's answer to "did you talk?"; "not a good fit" ends the group (everyone eligible
    again, never with each other)."""
    row, group_row, _ = await _row_of(session, buddy_id, user_id)
    row.followup, row.followup_at = answer, now
    await record(
        session=session,
        now=now,
        guild_id=group_row.guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action=f"buddies.followup.{answer.value}",
        details={"group": group_row.id},
    )
    if answer != BuddyFollowUp.NOT_A_FIT or group_row.status != BuddyStatus.INTRODUCED:
        return FollowedUp(False, ())
    group_row.status, group_row.ended_at = BuddyStatus.ENDED, now
    others = tuple(
        m.user_id
        for _, m in await _members(session, group_row.id)
        if m.user_id != user_id and m.status == MemberStatus.ACTIVE
    )
    return FollowedUp(True, others)


async def member_gone(*, session: AsyncSession, member_id: int, now: datetime) -> list[int]:
    """A member left or their data goes: their open offers are called off; a pair they were in
    ends (the other is offered again in the next sweep), a trio goes on without them. The user
    ids of those left without a buddy, to be told."""
    open_groups = (
        await session.execute(
            select(BuddyGroup)
            .join(BuddyMember, BuddyMember.group_id == BuddyGroup.id)
            .where(BuddyMember.member_id == member_id, BuddyGroup.status.in_(OPEN_GROUP))
            .with_for_update(of=BuddyGroup)
        )
    ).scalars()
    alone: list[int] = []
    for row in list(open_groups):
        rest = [
            m
            for _, m in await _members(session, row.id)
            if m.id != member_id and m.status == MemberStatus.ACTIVE
        ]
        if row.status == BuddyStatus.OFFERED:
            row.status, row.ended_at = BuddyStatus.CANCELLED, now
        elif len(rest) < 2:
            row.status, row.ended_at = BuddyStatus.ENDED, now
            alone.extend(m.user_id for m in rest)
    return alone


async def member_left(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> list[int]:
    """Someone left the server (see `member_gone`)."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    return [] if member is None else await member_gone(session=session, member_id=member.id, now=now)


async def thread_of(*, session: AsyncSession, guild_id: int, user_id: int) -> int | None:
    """The private thread of a member's latest buddy introduction (where a notice reaches them
    when their DMs are closed), or None."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        return None
    found: int | None = await session.scalar(
        select(BuddyGroup.thread_id)
        .join(BuddyMember, BuddyMember.group_id == BuddyGroup.id)
        .where(BuddyMember.member_id == member.id, BuddyGroup.thread_id.is_not(None))
        .order_by(BuddyGroup.id.desc())
        .limit(1)
    )
    return found
