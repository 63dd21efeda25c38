"""/buddy: what a member has now, turning offers off and on, and what /privacy shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services.audit import record
from bot.services.buddies._model import (
    OPEN_GROUP,
    Mine,
)
from bot.services.buddies._rows import _members, _opt_out
from bot.services.members import get_member
from bot.texts import buddies as texts
from db.enums import (
    Answer,
    BuddyStatus,
    MemberStatus,
)
from db.models import (
    BuddyGroup,
    BuddyMember,
    BuddyOptOut,
    Member,
)


async def _active_member(session: AsyncSession, guild_id: int, user_id: int) -> Member:
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise GroundworkError(texts.NOT_ONBOARDED)
    return member


async def mine(*, session: AsyncSession, guild_id: int, user_id: int) -> Mine:
    """A member's buddy group now (introduced, else one offered), and whether they opted out."""
    member = await _active_member(session, guild_id, user_id)
    opted_out = await session.get(BuddyOptOut, member.id) is not None
    rows = (
        await session.execute(
            select(BuddyGroup)
            .join(BuddyMember, BuddyMember.group_id == BuddyGroup.id)
            .where(BuddyMember.member_id == member.id, BuddyGroup.status.in_(OPEN_GROUP))
        )
    ).scalars()
    current = min(rows, key=lambda g: (g.status != BuddyStatus.INTRODUCED, -g.id), default=None)
    if current is None:
        return Mine(None, (), None, opted_out)
    others = tuple(
        m.user_id
        for _, m in await _members(session, current.id)
        if m.id != member.id and m.status == MemberStatus.ACTIVE
    )
    shown = others if current.status == BuddyStatus.INTRODUCED else ()
    return Mine(current.status, shown, current.thread_id, opted_out)


async def set_offers(*, session: AsyncSession, guild_id: int, user_id: int, on: bool, now: datetime) -> None:
    """A member turns buddy offers off (an open offer to them is answered no) or back on."""
    member = await _active_member(session, guild_id, user_id)
    if on:
        await session.execute(delete(BuddyOptOut).where(BuddyOptOut.member_id == member.id))
        await record(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=user_id,
            target_user_id=user_id,
            action="buddies.unmuted",
        )
        return
    await _opt_out(session, member, now)
    pending = await session.execute(
        select(BuddyMember, BuddyGroup)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(BuddyMember.member_id == member.id, BuddyGroup.status == BuddyStatus.OFFERED)
    )
    for row, group_row in pending.all():
        row.answer, row.answered_at = Answer.NO, now
        group_row.status, group_row.ended_at = BuddyStatus.DECLINED, now


async def stored_about(*, session: AsyncSession, member_id: int) -> dict[str, Any]:
    """What /privacy shows of a member's buddies: each offer's outcome and their own answers,
    never who the others were; and whether they opted out."""
    rows = await session.execute(
        select(BuddyGroup, BuddyMember)
        .join(BuddyMember, BuddyMember.group_id == BuddyGroup.id)
        .where(BuddyMember.member_id == member_id)
        .order_by(BuddyGroup.created_at, BuddyGroup.id)
    )
    opted_out = await session.get(BuddyOptOut, member_id)

    def at(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    return {
        "groups": [
            {
                "status": str(group_row.status),
                "offered_at": at(group_row.created_at),
                "answer": str(row.answer),
                "introduced_at": at(group_row.introduced_at),
                "did_you_talk": str(row.followup) if row.followup else None,
                "ended_at": at(group_row.ended_at),
            }
            for group_row, row in rows.all()
        ],
        "opted_out_at": at(opted_out.at) if opted_out else None,
    }
