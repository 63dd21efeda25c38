"""Offering buddies: the sweep, offers that ran out or could not reach their member, the answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError
from bot.services import identities, outbox
from bot.services.audit import record, record_all
from bot.services.buddies._eligible import eligible
from bot.services.buddies._grouping import _apart, _engine_view, group
from bot.services.buddies._model import (
    OFFER_LASTS,
    Answered,
    Offer,
)
from bot.services.buddies._rows import _buddy, _members, _opt_out, _row_of
from bot.texts import buddies as texts
from db.enums import (
    Answer,
    BuddyStatus,
    ChatTaskKind,
    MemberStatus,
    Platform,
)
from db.models import (
    BuddyGroup,
    BuddyMember,
    Locale,
    Member,
)


async def sweep(
    *, session: AsyncSession, guild_id: int, now: datetime, batch_every: timedelta
) -> list[Offer]:
    """Offers that ran out are ended; the eligible members are grouped and each is offered their group."""
    await _expire(session, guild_id, now)
    people = await eligible(session=session, guild_id=guild_id, now=now, batch_every=batch_every)
    if len(people) < 2:
        return []
    locales = {
        locale.id: locale
        for locale in (
            await session.execute(
                select(Locale).where(Locale.id.in_({m.locale_id for m in people if m.locale_id}))
            )
        ).scalars()
    }
    by_id = {m.id: m for m in people}
    views = [_engine_view(m, locales.get(m.locale_id or -1), now) for m in people]
    offers: list[Offer] = []
    for members in group(views, await _apart(session, list(by_id))):
        row = BuddyGroup(guild_id=guild_id, created_at=now, offer_expires_at=now + OFFER_LASTS)
        session.add(row)
        await session.flush()
        rows = [BuddyMember(group_id=row.id, member_id=member_id) for member_id in members]
        session.add_all(rows)
        await session.flush()
        seen = {member_id: await _buddy(session, by_id[member_id]) for member_id in members}
        for buddy_row in rows:
            member = by_id[buddy_row.member_id]
            others = tuple(seen[m] for m in members if m != member.id)
            offers.append(Offer(buddy_row.id, guild_id, member.user_id, others))
        await record_all(
            session=session,
            now=now,
            guild_id=guild_id,
            actor_id=None,
            action="buddies.offered",
            targets=[(by_id[b.member_id].user_id, {"group": row.id}) for b in rows],
        )
    return offers


async def not_reached(*, session: AsyncSession, buddy_id: int, now: datetime) -> bool:
    """An offer that could not reach its member (their DMs are closed): their group is called off
    at once, as if they had let it run out (they rest as after silence, `rest_after`), so the
    others are offered someone else in the next sweep instead of waiting `OFFER_LASTS` for an
    answer that cannot come. True when the group was called off (then sweep again)."""
    row = await session.get(BuddyMember, buddy_id)
    if row is None:
        return False
    group_row = await session.get(BuddyGroup, row.group_id, with_for_update=True)
    if group_row is None or group_row.status != BuddyStatus.OFFERED or row.answer != Answer.PENDING:
        return False
    row.answer = Answer.NO  # answered_at stays None: silence, not a no of theirs
    group_row.status, group_row.ended_at = BuddyStatus.DECLINED, now
    member = await session.get(Member, row.member_id)
    await record(
        session=session,
        now=now,
        guild_id=group_row.guild_id,
        actor_id=None,
        target_user_id=member.user_id if member is not None else None,
        action="buddies.not_reached",
        details={"group": group_row.id},
    )
    return True


async def _expire(session: AsyncSession, guild_id: int, now: datetime) -> None:
    """Offers nobody finished answering in time: declined; silence counts as a no (so the silent
    wait `REOFFER_AFTER` and are not offered the same people again)."""
    stale = await session.execute(
        select(BuddyMember, BuddyGroup)
        .join(BuddyGroup, BuddyMember.group_id == BuddyGroup.id)
        .where(
            BuddyGroup.guild_id == guild_id,
            BuddyGroup.status == BuddyStatus.OFFERED,
            BuddyGroup.offer_expires_at <= now,
        )
    )
    for row, group_row in stale.all():
        group_row.status, group_row.ended_at = BuddyStatus.DECLINED, now
        if row.answer == Answer.PENDING:
            row.answer = Answer.NO


async def guilds_with_isolated(*, session: AsyncSession, platform: Platform | None = None) -> list[int]:
    """Guilds (of `platform`) with at least two active isolated members (a sweep could find
    someone there)."""
    rows = await session.execute(
        select(Member.guild_id)
        .where(
            Member.status == MemberStatus.ACTIVE,
            Member.is_isolated.is_(True),
            identities.on_platform(Member.guild_id, platform),
        )
        .group_by(Member.guild_id)
        .having(func.count() >= 2)
    )
    return sorted(rows.scalars())


async def answer_offer(
    *, session: AsyncSession, buddy_id: int, user_id: int, yes: bool, mute: bool, now: datetime
) -> Answered:
    """A member's yes or no to their buddy offer (`mute`: no, and no more offers). When everyone
    said yes, the introduction is queued (run it after the commit)."""
    row, group_row, member = await _row_of(session, buddy_id, user_id)
    if group_row.status == BuddyStatus.CANCELLED and row.answer != Answer.NO:
        raise GroundworkError(texts.CALLED_OFF)  # someone else left meanwhile: not their doing
    if group_row.status == BuddyStatus.DECLINED and row.answer == Answer.PENDING:
        raise GroundworkError(texts.CALLED_OFF)  # someone else said no, or could not be reached
    if group_row.status != BuddyStatus.OFFERED or row.answer != Answer.PENDING:
        raise GroundworkError(texts.ANSWERED)
    row.answer, row.answered_at = (Answer.YES if yes and not mute else Answer.NO), now
    if mute:
        await _opt_out(session, member, now)
    if row.answer == Answer.NO:
        group_row.status, group_row.ended_at = BuddyStatus.DECLINED, now
    everyone = await _members(session, group_row.id)
    if any(m.status != MemberStatus.ACTIVE for _, m in everyone):
        group_row.status, group_row.ended_at = BuddyStatus.CANCELLED, now
    elif all(r.answer == Answer.YES for r, _ in everyone):
        group_row.status = BuddyStatus.INTRODUCED
        # introduced after the commit, durably (bot.services.outbox)
        await outbox.enqueue(
            session=session,
            guild_id=group_row.guild_id,
            kind=ChatTaskKind.BUDDY_INTRODUCTION,
            subject_id=group_row.id,
            now=now,
        )
    await record(
        session=session,
        now=now,
        guild_id=group_row.guild_id,
        actor_id=user_id,
        target_user_id=user_id,
        action="buddies.accepted" if row.answer == Answer.YES else "buddies.declined",
        details={"group": group_row.id},
    )
    return Answered(group_row.id, group_row.status, group_row.status == BuddyStatus.INTRODUCED)
