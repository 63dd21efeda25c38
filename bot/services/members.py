"""Members joining and leaving the server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from bot.errors import NotFoundError
from bot.services.audit import record
from bot.services.guilds import ensure_guild
from bot.texts import moderation as texts
from db.enums import MemberStatus, OnboardingStatus, OrganizerStatus
from db.models import Member, OnboardingSession, Organizer


@dataclass(frozen=True, slots=True)
class JoinOutcome:
    """What happened when someone joined: whether they are new to the bot, or back."""

    member_id: int
    returning: bool
    onboarded: bool


async def get_member(*, session: AsyncSession, guild_id: int, user_id: int) -> Member | None:
    """The member row of `user_id` in `guild_id`, if the bot knows them."""
    result = await session.execute(
        select(Member).where(Member.guild_id == guild_id, Member.user_id == user_id)
    )
    return result.scalar_one_or_none()


def counts_as_organizer() -> ColumnElement[bool]:
    """Whether the member (`Member.id`) offered to mentor or is an organizer (pending,
    active or paused): someone experienced, never treated as a newcomer who needs a mentor."""
    return (
        select(Organizer.id)
        .where(Organizer.member_id == Member.id, Organizer.status != OrganizerStatus.REMOVED)
        .exists()
    )


async def is_organizer_member(session: AsyncSession, member_id: int) -> bool:
    """`counts_as_organizer` for one member."""
    found = await session.execute(select(Member.id).where(Member.id == member_id, counts_as_organizer()))
    return found.first() is not None


async def is_organizer(*, session: AsyncSession, guild_id: int, user_id: int) -> bool:
    """Whether `user_id` is a confirmed organizer of `guild_id` (taking mentees or paused)."""
    found = await session.execute(
        select(Organizer.id)
        .join(Member, Member.id == Organizer.member_id)
        .where(
            Member.guild_id == guild_id,
            Member.user_id == user_id,
            Organizer.status.in_((OrganizerStatus.ACTIVE, OrganizerStatus.PAUSED)),
        )
    )
    return found.first() is not None


async def welcome_missed(*, session: AsyncSession, guild_id: int, user_id: int) -> bool:
    """Whether a member never got their welcome: not onboarded, DMs closed, and no conversation
    open (one opened here, in the server, is theirs to continue)."""
    found = await session.execute(
        select(Member.id)
        .where(
            Member.guild_id == guild_id,
            Member.user_id == user_id,
            Member.status == MemberStatus.NEW,
            Member.dms_closed_at.is_not(None),
        )
        .where(
            ~select(OnboardingSession.id)
            .where(
                OnboardingSession.member_id == Member.id,
                OnboardingSession.status == OnboardingStatus.OPEN,
            )
            .exists()
        )
    )
    return found.first() is not None


async def record_join(
    *, session: AsyncSession, guild_id: int, user_id: int, now: datetime, defaults: GuildDefaults
) -> JoinOutcome:
    """Register a member who joined; someone who comes back keeps what they told us."""
    await ensure_guild(session=session, guild_id=guild_id, defaults=defaults)
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        member = Member(guild_id=guild_id, user_id=user_id, status=MemberStatus.NEW, joined_at=now)
        session.add(member)
        await session.flush()
        return JoinOutcome(member_id=member.id, returning=False, onboarded=False)
    onboarded = member.onboarded_at is not None and member.status != MemberStatus.DELETED
    member.status = MemberStatus.ACTIVE if onboarded else MemberStatus.NEW
    member.left_at = None
    member.joined_at = now
    await session.flush()
    return JoinOutcome(member_id=member.id, returning=True, onboarded=onboarded)


async def record_leave(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> bool:
    """Mark a member who left the server; their data is deleted after the retention period."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None or member.status in (MemberStatus.LEFT, MemberStatus.DELETED):
        return False
    member.status = MemberStatus.LEFT
    member.left_at = now
    await session.execute(
        update(OnboardingSession)
        .where(OnboardingSession.member_id == member.id, OnboardingSession.status == OnboardingStatus.OPEN)
        .values(status=OnboardingStatus.ABANDONED, reminder_due_at=None)
    )
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=None,
        target_user_id=user_id,
        action="member.left",
    )
    return True


async def mark_dms_closed(*, session: AsyncSession, guild_id: int, user_id: int, now: datetime) -> None:
    """Remember that Discord refused a DM to this member, so nobody retries in a loop."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is not None and member.dms_closed_at is None:
        member.dms_closed_at = now


async def reset_onboarding(
    *, session: AsyncSession, guild_id: int, user_id: int, actor_id: int, now: datetime
) -> None:
    """A moderator sends a member back to the start: they onboard again with /join."""
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None or member.status in (MemberStatus.LEFT, MemberStatus.DELETED):
        raise NotFoundError(texts.UNKNOWN_MEMBER)
    await session.execute(
        update(OnboardingSession)
        .where(OnboardingSession.member_id == member.id, OnboardingSession.status == OnboardingStatus.OPEN)
        .values(status=OnboardingStatus.ABANDONED, reminder_due_at=None)
    )
    member.status = MemberStatus.NEW
    member.is_isolated = False
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=actor_id,
        target_user_id=user_id,
        action="onboarding.reset",
    )
