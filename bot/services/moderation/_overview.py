"""The state of a guild at a glance (/mod overview)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.members import counts_as_organizer
from bot.services.organizer_pool import went_on_to_mentor
from db.enums import CheckInKind, CheckInStatus, MemberStatus, MentorshipStatus
from db.models import Locale, Member, Mentorship, ReadinessCheckIn

TOP_PLACES = 10
QUIET_AFTER_MISSED = 2
RESPONSE_WINDOW = timedelta(days=30)
FINISHED = (CheckInStatus.ANSWERED, CheckInStatus.SKIPPED, CheckInStatus.MISSED, CheckInStatus.UNDELIVERABLE)


@dataclass(frozen=True, slots=True)
class Overview:
    """Counts a moderator needs to see who is where and who needs attention."""

    by_status: dict[str, int]
    by_country: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    isolated: int
    waiting_for_mentor: int
    mentorships_active: int
    mentorships_proposed: int
    checkins_due_30d: int
    checkins_answered_30d: int
    gone_quiet: int
    went_on_to_mentor: int = 0  # members who were a mentee and are now organizers (active or paused)

    @property
    def response_rate(self) -> float | None:
        return self.checkins_answered_30d / self.checkins_due_30d if self.checkins_due_30d else None


async def overview(*, session: AsyncSession, guild_id: int, now: datetime) -> Overview:
    in_guild = Member.guild_id == guild_id
    active = (in_guild, Member.status == MemberStatus.ACTIVE)
    by_status = {
        str(status): count
        for status, count in (
            await session.execute(select(Member.status, func.count()).where(in_guild).group_by(Member.status))
        ).all()
    }
    by_country = [
        (name, count)
        for name, count in (
            await session.execute(
                select(Locale.country_name, func.count())
                .join(Member, Member.locale_id == Locale.id)
                .where(*active)
                .group_by(Locale.country_name)
                .order_by(func.count().desc(), Locale.country_name)
                .limit(TOP_PLACES)
            )
        ).all()
    ]
    by_region = [
        (f"{region}, {country}", count)
        for region, country, count in (
            await session.execute(
                select(Locale.region_name, Locale.country_name, func.count())
                .join(Member, Member.locale_id == Locale.id)
                .where(*active, Locale.region_name.is_not(None))
                .group_by(Locale.region_name, Locale.country_name)
                .order_by(func.count().desc(), Locale.region_name)
                .limit(TOP_PLACES)
            )
        ).all()
    ]
    counts = (
        await session.execute(
            select(
                func.count().filter(Member.is_isolated.is_(True), ~counts_as_organizer()).label("isolated"),
                func.count().filter(Member.mentor_requested_at.is_not(None)).label("waiting_for_mentor"),
                func.count().filter(Member.missed_checkins >= QUIET_AFTER_MISSED).label("gone_quiet"),
            ).where(*active)
        )
    ).one()
    mentorships = dict(
        (
            await session.execute(
                select(Mentorship.status, func.count())
                .where(
                    Mentorship.guild_id == guild_id,
                    Mentorship.status.in_((MentorshipStatus.ACTIVE, MentorshipStatus.PROPOSED)),
                )
                .group_by(Mentorship.status)
            )
        ).all()
    )
    since = now - RESPONSE_WINDOW
    finished: Any = ReadinessCheckIn.status.in_(FINISHED)
    if session.get_bind().dialect.name == "sqlite":
        # Member by member through the covering (member_id, due_at, status, kind) index: told the
        # status test is rarely true, SQLite stops scanning the whole window by status (8x faster).
        finished = func.unlikely(finished)
    due, answered = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(ReadinessCheckIn.status == CheckInStatus.ANSWERED),
            )
            .select_from(Member)
            .join(ReadinessCheckIn, ReadinessCheckIn.member_id == Member.id)
            .where(
                in_guild,
                ReadinessCheckIn.kind == CheckInKind.SCHEDULED,
                finished,
                ReadinessCheckIn.due_at >= since,
                ReadinessCheckIn.due_at <= now,
            )
        )
    ).one()
    waiting_with_open = await session.scalar(
        select(func.count())
        .select_from(Member)
        .join(Mentorship, Mentorship.member_id == Member.id)
        .where(
            *active,
            Member.mentor_requested_at.is_not(None),
            Mentorship.status.in_((MentorshipStatus.ACTIVE, MentorshipStatus.PROPOSED)),
        )
    )
    return Overview(
        by_status=by_status,
        by_country=by_country,
        by_region=by_region,
        isolated=counts.isolated,
        waiting_for_mentor=counts.waiting_for_mentor - int(waiting_with_open or 0),
        mentorships_active=mentorships.get(MentorshipStatus.ACTIVE, 0),
        mentorships_proposed=mentorships.get(MentorshipStatus.PROPOSED, 0),
        checkins_due_30d=due,
        checkins_answered_30d=answered,
        gone_quiet=counts.gone_quiet,
        went_on_to_mentor=await went_on_to_mentor(session=session, guild_id=guild_id),
    )
