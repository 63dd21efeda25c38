"""Moderators decide on proposed circles; an opened circle gets its members and nearest organizer."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotFoundError
from bot.services import outbox
from bot.services.audit import record
from bot.services.circles._model import Decision, nearest_organizers, space_of
from bot.services.contacts import record_joined
from bot.texts import local as texts
from db.enums import ChatTaskKind, CircleMemberStatus, CircleRole, CircleStatus, MemberStatus
from db.models import Circle, CircleMember, GuildSettings, Member

MIN_TO_OPEN = 2


async def circle_guild(*, session: AsyncSession, circle_id: int) -> int:
    """The guild a circle belongs to (whose moderators may decide on it)."""
    guild_id = await session.scalar(select(Circle.guild_id).where(Circle.id == circle_id))
    if guild_id is None:
        raise NotFoundError(texts.CIRCLE_GONE)
    return int(guild_id)


async def _invite_organizer(
    session: AsyncSession, circle: Circle, member_ids: set[int], now: datetime
) -> int | None:
    """The nearest organizer joins the circle (unless they already live in it); their user id."""
    (organizer,) = await nearest_organizers(session, circle.guild_id, [(circle.latitude, circle.longitude)])
    if organizer is None:
        return None
    if organizer.member_id not in member_ids:
        session.add(
            CircleMember(
                circle_id=circle.id,
                member_id=organizer.member_id,
                role=CircleRole.ORGANIZER,
                status=CircleMemberStatus.JOINED,
                distance_km=organizer.distance_km,
                created_at=now,
                joined_at=now,
            )
        )
        await record_joined(
            session=session,
            guild_id=circle.guild_id,
            member_ids=[organizer.member_id],
            circle_id=circle.id,
            at=now,
        )
    await record(
        session=session,
        now=now,
        guild_id=circle.guild_id,
        actor_id=None,
        target_user_id=organizer.user_id,
        action="circle.organizer_invited",
        details={"circle": circle.id},
    )
    return organizer.user_id


async def decide(
    *, session: AsyncSession, circle_id: int, actor_id: int, approve: bool, now: datetime
) -> Decision:
    """Open a proposed circle with its members who are still here, or reject it (its area is then
    not proposed again for 30 days). Of two moderators deciding at once, one wins."""
    circle = await session.get(Circle, circle_id, with_for_update=True)
    if circle is None:
        raise NotFoundError(texts.CIRCLE_GONE)
    if circle.status != CircleStatus.PROPOSED:
        raise GroundworkError(texts.CIRCLE_DECIDED.format(status=circle.status))
    rows = (
        await session.execute(
            select(CircleMember, Member)
            .join(Member, CircleMember.member_id == Member.id)
            .where(CircleMember.circle_id == circle_id, CircleMember.status == CircleMemberStatus.PROPOSED)
            .order_by(CircleMember.distance_km, CircleMember.id)
        )
    ).all()
    staying = [member for _, member in rows if member.status == MemberStatus.ACTIVE]
    if approve and len(staying) < MIN_TO_OPEN:
        raise GroundworkError(texts.CIRCLE_TOO_FEW)
    circle.status = CircleStatus.OPEN if approve else CircleStatus.REJECTED
    circle.decided_at, circle.decided_by = now, actor_id
    for row, member in rows:
        if not approve:
            row.status = CircleMemberStatus.DECLINED
        elif member.status == MemberStatus.ACTIVE:
            row.status, row.joined_at = CircleMemberStatus.JOINED, now
        else:
            row.status, row.left_at = CircleMemberStatus.LEFT, now
    if approve:
        await record_joined(
            session=session,
            guild_id=circle.guild_id,
            member_ids=[m.id for m in staying],
            circle_id=circle.id,
            at=now,
        )
    organizer = await _invite_organizer(session, circle, {m.id for m in staying}, now) if approve else None
    await record(
        session=session,
        now=now,
        guild_id=circle.guild_id,
        actor_id=actor_id,
        target_user_id=None,
        action="circle.opened" if approve else "circle.rejected",
        details={"circle": circle.id, "members": len(staying)},
    )
    if approve:  # its channel or thread is opened after the commit, durably (bot.services.outbox)
        await outbox.enqueue(
            session=session,
            guild_id=circle.guild_id,
            kind=ChatTaskKind.CIRCLE_SPACE,
            subject_id=circle.id,
            now=now,
        )
    return await _decision(session, circle, staying, organizer, opened=approve)


async def _decision(
    session: AsyncSession, circle: Circle, members: list[Member], organizer: int | None, *, opened: bool
) -> Decision:
    guild = await session.get(GuildSettings, circle.guild_id)
    paths = Counter(path for member in members for path in member.paths)
    return Decision(
        space=space_of(circle),
        opened=opened,
        member_user_ids=tuple(m.user_id for m in members),
        organizer_user_id=organizer,
        paths=tuple(path for path, _ in paths.most_common()),
        category_id=guild.circles_category_id if guild else None,
        introductions_channel_id=guild.introductions_channel_id if guild else None,
    )


async def opening_due(*, session: AsyncSession, circle_id: int) -> Decision | None:
    """What an open circle is opened with in Discord, as it stands now (its members who joined,
    the organizer invited from outside it), or None when the circle is gone or no longer open.
    `space.channel_id` is the channel or thread an earlier attempt already made, if any."""
    circle = await session.get(Circle, circle_id)
    if circle is None or circle.status != CircleStatus.OPEN:
        return None
    rows = (
        await session.execute(
            select(CircleMember.role, Member)
            .join(Member, CircleMember.member_id == Member.id)
            .where(CircleMember.circle_id == circle_id, CircleMember.status == CircleMemberStatus.JOINED)
            .order_by(CircleMember.distance_km, CircleMember.id)
        )
    ).all()
    members = [member for role, member in rows if role == CircleRole.MEMBER]
    organizer = next((member.user_id for role, member in rows if role == CircleRole.ORGANIZER), None)
    return await _decision(session, circle, members, organizer, opened=True)


async def space_taken(*, session: AsyncSession, channel_id: int) -> bool:
    """Whether a circle already lives in this channel or thread (adopting what a dead attempt made)."""
    found = await session.scalar(select(Circle.id).where(Circle.channel_id == channel_id).limit(1))
    return found is not None


async def record_space(*, session: AsyncSession, circle_id: int, channel_id: int, is_thread: bool) -> None:
    """Where the circle was opened in Discord."""
    circle = await session.get(Circle, circle_id)
    if circle is not None:
        circle.channel_id, circle.is_thread = channel_id, is_thread


async def remember_review_message(*, session: AsyncSession, circle_id: int, message_id: int) -> None:
    circle = await session.get(Circle, circle_id)
    if circle is not None:
        circle.review_message_id = message_id
