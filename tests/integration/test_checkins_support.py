"""Helpers for the check-in tests (no tests here): members with a baseline, mentors, a recording messenger."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.config import GuildDefaults, SchedulerSettings
from bot.services import checkins
from bot.services.checkins import Alert, Delivery, DeliveryStatus, DueCheckIn, Reminder
from db.engine import SessionMaker
from db.enums import CheckInKind, CheckInStatus, MemberStatus, MentorshipStatus, OrganizerStatus
from db.models import GuildSettings, Member, Mentorship, Organizer, ReadinessAnswer, ReadinessCheckIn

GUILD = 1
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def add_guild(sessions: SessionMaker, guild_id: int = GUILD, **values: object) -> None:
    async with sessions() as session, session.begin():
        settings = await session.get(GuildSettings, guild_id)
        if settings is None:
            settings = GuildSettings(guild_id=guild_id, **GuildDefaults().model_dump())
            session.add(settings)
        for key, value in values.items():
            setattr(settings, key, value)


async def add_member(
    sessions: SessionMaker,
    user_id: int,
    *,
    guild_id: int = GUILD,
    timezone: str = "Europe/London",
    paths: tuple[str, ...] = ("discussion_group",),
    scores: dict[str, int] | int | None = 3,
    onboarded_at: datetime = START,
    schedule: bool = True,
) -> int:
    """An active member with a baseline check-in (unless `scores` is None); returns the member id."""
    await add_guild(sessions, guild_id)
    async with sessions() as session, session.begin():
        member = Member(
            guild_id=guild_id,
            user_id=user_id,
            status=MemberStatus.ACTIVE,
            timezone=timezone,
            paths=list(paths),
            languages=["en"],
            onboarded_at=onboarded_at,
        )
        session.add(member)
        await session.flush()
        if scores is not None:
            values: Mapping[str, int] = (
                scores if isinstance(scores, dict) else {d.value: scores for d in checkins.DIMENSIONS}
            )
            await answered(session, member.id, values, onboarded_at, kind=CheckInKind.BASELINE)
        member_id = member.id
    if schedule:
        async with sessions() as session, session.begin():
            await checkins.ensure_scheduled(session=session, member_id=member_id, now=onboarded_at)
    return member_id


async def answered(
    session: object, member_id: int, scores: Mapping[str, int], at: datetime, *, kind: CheckInKind
) -> int:
    row = ReadinessCheckIn(
        member_id=member_id, kind=kind, status=CheckInStatus.ANSWERED, due_at=at, sent_at=at, answered_at=at
    )
    session.add(row)  # type: ignore[attr-defined]
    await session.flush()  # type: ignore[attr-defined]
    for dimension, score in scores.items():
        session.add(ReadinessAnswer(checkin_id=row.id, dimension=dimension, score=score, answered_at=at))  # type: ignore[attr-defined]
    return row.id


async def add_mentor(
    sessions: SessionMaker, member_id: int, mentor_user_id: int, *, guild_id: int = GUILD
) -> int:
    """An organizer (a member themselves) actively mentoring `member_id`; returns their member id."""
    mentor_id = await add_member(sessions, mentor_user_id, guild_id=guild_id, schedule=False, scores=None)
    async with sessions() as session, session.begin():
        session.add(Organizer(member_id=mentor_id, status=OrganizerStatus.ACTIVE, capacity=2))
        session.add(
            Mentorship(
                guild_id=guild_id,
                member_id=member_id,
                mentor_id=mentor_id,
                status=MentorshipStatus.ACTIVE,
                source="manual",
            )
        )
    return mentor_id


async def scheduled_due(sessions: SessionMaker, member_id: int) -> datetime | None:
    async with sessions() as session:
        row = await checkins._rows.scheduled_row(session, member_id)
        return row.due_at if row else None


async def rows_of(sessions: SessionMaker, member_id: int) -> list[ReadinessCheckIn]:
    async with sessions() as session:
        result = await session.execute(
            select(ReadinessCheckIn)
            .where(ReadinessCheckIn.member_id == member_id, ReadinessCheckIn.kind != CheckInKind.BASELINE)
            .order_by(ReadinessCheckIn.id)
        )
        return list(result.scalars())


async def member_row(sessions: SessionMaker, member_id: int) -> Member:
    async with sessions() as session:
        member = await session.get(Member, member_id)
        assert member is not None
        return member


class Clock:
    """A clock the tests move by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class RecordingMessenger:
    """Pretends to be Discord: records every send; `outcomes` decides per user (default: sent)."""

    delay: float = 0.0
    outcomes: dict[int, Callable[[DueCheckIn], Delivery]] = field(default_factory=dict)
    sent: list[DueCheckIn] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    # What `remind` reports (default: sent).
    reminder_outcome: DeliveryStatus = DeliveryStatus.SENT
    alerts: list[Alert] = field(default_factory=list)
    already_sent: set[int] = field(default_factory=set)  # check-in ids find_sent reports as delivered
    history_checks: list[int] = field(default_factory=list)
    # The first `unreadable` history reads fail: reported as UNKNOWN, or raised with `raise_on_read`.
    unreadable: int = 0
    raise_on_read: bool = False

    async def deliver(self, item: DueCheckIn) -> Delivery:
        if self.delay:
            await asyncio.sleep(self.delay)
        if item.user_id in self.outcomes:
            return self.outcomes[item.user_id](item)
        self.sent.append(item)
        return Delivery(DeliveryStatus.SENT, channel_id=900_000 + item.user_id, message_id=item.checkin_id)

    async def find_sent(self, item: DueCheckIn) -> Delivery | None:
        self.history_checks.append(item.checkin_id)
        if len(self.history_checks) <= self.unreadable:
            if self.raise_on_read:
                raise ConnectionError("the history could not be read")
            return Delivery(DeliveryStatus.UNKNOWN, detail="503")
        if item.checkin_id in self.already_sent:
            return Delivery(
                DeliveryStatus.SENT, channel_id=900_000 + item.user_id, message_id=item.checkin_id
            )
        return None

    async def alert(self, alert: Alert) -> None:
        self.alerts.append(alert)

    async def remind(self, reminder: Reminder) -> Delivery:
        if self.reminder_outcome != DeliveryStatus.SENT:
            return Delivery(self.reminder_outcome)
        self.reminders.append(reminder)
        return Delivery(DeliveryStatus.SENT, channel_id=reminder.channel_id, message_id=1)

    def duplicates(self) -> list[int]:
        return [cid for cid, n in Counter(item.checkin_id for item in self.sent).items() if n > 1]


def dispatcher(
    sessions: SessionMaker,
    clock: Callable[[], datetime],
    messenger: RecordingMessenger,
    *,
    worker: str = "test",
    rate: float = 1000.0,
    batch_size: int = 50,
    grace_hours: float = 12.0,
) -> checkins.Dispatcher:
    return checkins.Dispatcher(
        sessions=sessions,
        clock=clock,
        messenger=messenger,
        settings=SchedulerSettings(
            tick_seconds=30, batch_size=batch_size, messages_per_second=rate, overdue_grace_hours=grace_hours
        ),
        worker=worker,
    )
