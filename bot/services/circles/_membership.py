"""Being in a circle: joining one you were offered, leaving, seeing yours; the moderators' list.

A circle whose members (those who live in the area) have all left closes; an organizer
invited from outside does not keep it open alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotAllowedError, NotFoundError
from bot.services import outbox
from bot.services.activity import entries_since
from bot.services.audit import record
from bot.services.circles._model import (
    STANDING,
    Joined,
    Left,
    MyCircle,
    Space,
    Summary,
    joined_count,
    space_of,
)
from bot.services.contacts import record_joined
from bot.services.members import get_member
from bot.texts import local as texts
from db.enums import ChatTaskKind, CircleMemberStatus, CircleRole, CircleStatus, OrganizerStatus
from db.models import Circle, CircleMember, Member, Organizer

ACTIVITY_WINDOW = timedelta(days=30)


async def answer_offer(
    *, session: AsyncSession, membership_id: int, user_id: int, join: bool, now: datetime
) -> Joined | None:
    """A member's answer to "would you like to join this circle?"."""
    row = await session.get(CircleMember, membership_id, with_for_update=True)
    if row is None:
        raise NotFoundError(texts.CIRCLE_GONE)
    member = await session.get(Member, row.member_id)
    circle = await session.get(Circle, row.circle_id, with_for_update=True)  # not joining as it closes
    if member is None or member.user_id != user_id or circle is None:
        raise NotAllowedError(texts.NOT_YOUR_CIRCLE_OFFER)
    if row.status != CircleMemberStatus.OFFERED:
        raise GroundworkError(texts.CIRCLE_OFFER_ANSWERED)
    if circle.status != CircleStatus.OPEN:
        raise GroundworkError(texts.CIRCLE_GONE)
    row.status = CircleMemberStatus.JOINED if join else CircleMemberStatus.DECLINED
    row.joined_at = now if join else None
    await record(
        session=session,
        now=now,
        guild_id=circle.guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="circle.joined" if join else "circle.declined",
        details={"circle": circle.id},
    )
    if not join:
        return None
    await record_joined(
        session=session, guild_id=circle.guild_id, member_ids=[member.id], circle_id=circle.id, at=now
    )
    # let in and welcomed after the commit, durably (bot.services.outbox)
    await outbox.enqueue(
        session=session, guild_id=circle.guild_id, kind=ChatTaskKind.CIRCLE_JOIN, subject_id=row.id, now=now
    )
    return Joined(space_of(circle), user_id, row.id)


async def joining_due(*, session: AsyncSession, membership_id: int) -> Joined | None:
    """A member who joined an open circle, to be let into its space and welcomed; None when
    there is nothing left to do (they left since, or the circle is no longer open)."""
    found = await _membership(session, membership_id)
    if found is None:
        return None
    row, circle, user_id = found
    if row.status != CircleMemberStatus.JOINED or circle.status != CircleStatus.OPEN:
        return None
    return Joined(space_of(circle), user_id, row.id)


async def leaving_due(*, session: AsyncSession, membership_id: int) -> Left | None:
    """A member who left a circle, to be let out of its space (the others told, unless the
    circle closed); None when they did not leave."""
    found = await _membership(session, membership_id)
    if found is None:
        return None
    row, circle, user_id = found
    if row.status != CircleMemberStatus.LEFT:
        return None
    return Left(space_of(circle), user_id, circle.status == CircleStatus.CLOSED, row.id)


async def closing_due(*, session: AsyncSession, circle_id: int) -> Space | None:
    """A circle everyone left, to be closed in Discord; None when it is not closed."""
    circle = await session.get(Circle, circle_id)
    if circle is None or circle.status != CircleStatus.CLOSED:
        return None
    return space_of(circle)


async def _membership(session: AsyncSession, membership_id: int) -> tuple[CircleMember, Circle, int] | None:
    found = (
        await session.execute(
            select(CircleMember, Circle, Member.user_id)
            .join(Circle, CircleMember.circle_id == Circle.id)
            .join(Member, CircleMember.member_id == Member.id)
            .where(CircleMember.id == membership_id)
        )
    ).first()
    if found is None:
        return None
    row, circle, user_id = found
    return row, circle, int(user_id)


async def leave(
    *, session: AsyncSession, guild_id: int, user_id: int, now: datetime, circle_id: int | None = None
) -> list[Left]:
    """A member leaves their circle (`circle_id`), or every circle when they left the server.
    Proposals and offers for them lapse too."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        return []
    # The circle is locked first: of members leaving at once, the last one sees everyone else gone.
    query = select(CircleMember, Circle).join(Circle, CircleMember.circle_id == Circle.id)
    query = query.where(CircleMember.member_id == member.id, CircleMember.status.in_(STANDING))
    query = query.order_by(Circle.id).with_for_update(of=Circle)
    if circle_id is not None:
        query = query.where(CircleMember.circle_id == circle_id)
    left = []
    for row, circle in (await session.execute(query)).all():
        was_in = row.status == CircleMemberStatus.JOINED
        row.status, row.left_at = CircleMemberStatus.LEFT, now
        if not was_in:
            continue
        await session.flush()
        closed = circle.status == CircleStatus.OPEN and await joined_count(session, circle.id) == 0
        if closed:
            circle.status, circle.closed_at = CircleStatus.CLOSED, now
        await record(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=None if circle_id is None else user_id,
            target_user_id=user_id,
            action="circle.left",
            details={"circle": circle.id, "closed": closed},
        )
        # let out (and, when it closed, the circle closed) after the commit, durably
        await outbox.enqueue(
            session=session, guild_id=guild_id, kind=ChatTaskKind.CIRCLE_LEAVE, subject_id=row.id, now=now
        )
        if closed:
            await outbox.enqueue(
                session=session,
                guild_id=guild_id,
                kind=ChatTaskKind.CIRCLE_CLOSE,
                subject_id=circle.id,
                now=now,
            )
        left.append(Left(space_of(circle), user_id, closed, row.id))
    return left


async def circles_of(*, session: AsyncSession, guild_id: int, user_id: int) -> list[MyCircle]:
    """The circles a member is in, offered or proposed (usually one), as /circle shows them."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        return []
    rows = await session.execute(
        select(CircleMember, Circle)
        .join(Circle, CircleMember.circle_id == Circle.id)
        .where(
            CircleMember.member_id == member.id,
            CircleMember.status.in_(STANDING),
            Circle.status.in_((CircleStatus.OPEN, CircleStatus.PROPOSED)),
        )
        .order_by(CircleMember.id)
    )
    found = []
    for row, circle in rows.all():
        found.append(
            MyCircle(
                space=space_of(circle),
                status=row.status,
                size=await joined_count(session, circle.id),
                has_organizer=await _has_organizer(session, circle.id),
                since=row.joined_at,
            )
        )
    return found


async def _has_organizer(session: AsyncSession, circle_id: int) -> bool:
    """An invited organizer, or a member of the circle who is an active organizer."""
    found = await session.scalar(
        select(func.count())
        .select_from(CircleMember)
        .outerjoin(Organizer, Organizer.member_id == CircleMember.member_id)
        .where(
            CircleMember.circle_id == circle_id,
            CircleMember.status == CircleMemberStatus.JOINED,
            (CircleMember.role == CircleRole.ORGANIZER) | (Organizer.status == OrganizerStatus.ACTIVE),
        )
    )
    return bool(found)


async def summaries(*, session: AsyncSession, guild_id: int, now: datetime) -> list[Summary]:
    """Open and proposed circles with their size, activity in the last 30 days (a count of log
    entries by their members; moderators never see the entries) and whether one has an organizer."""
    circles = (
        await session.execute(
            select(Circle)
            .where(Circle.guild_id == guild_id, Circle.status.in_((CircleStatus.OPEN, CircleStatus.PROPOSED)))
            .order_by(Circle.status, Circle.name)
        )
    ).scalars()
    result = []
    for circle in circles:
        in_it = (
            CircleMemberStatus.JOINED if circle.status == CircleStatus.OPEN else CircleMemberStatus.PROPOSED
        )
        member_ids = list(
            (
                await session.execute(
                    select(CircleMember.member_id).where(
                        CircleMember.circle_id == circle.id, CircleMember.status == in_it
                    )
                )
            ).scalars()
        )
        result.append(
            Summary(
                space=space_of(circle),
                status=str(circle.status),
                size=await joined_count(session, circle.id)
                if in_it == CircleMemberStatus.JOINED
                else len(member_ids),
                activity_30_days=await entries_since(session, member_ids, now - ACTIVITY_WINDOW),
                has_organizer=await _has_organizer(session, circle.id),
            )
        )
    return result
