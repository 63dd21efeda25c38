"""The durable outbox: chat-side steps that must follow a committed decision.

A decision that needs something done in the chat platform (an introduction thread, ...)
enqueues a task in its own unit of work, so the two commit together or not at all. After the
commit the adapter may run the task at once (claiming it first); a scheduler tick claims what
is due, so a process that died between the commit and the chat step leaves work to retry, not
a pairing nobody was told about.

Claims are leases, like check-ins: `FOR UPDATE SKIP LOCKED` on PostgreSQL (two bot processes
never get the same row), the single connection on SQLite. A claim whose claimer died comes
back once its lease has run out, marked `resumed` so the handler first looks for what the dead
claimer already did. Failures are retried with backoff; after `MAX_ATTEMPTS` the task is
failed, reported to the moderators once, and listed in `/mod outbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from bot.services import identities
from db.enums import ChatTaskKind, Platform
from db.models import ChatTask, CircleMember, Member, Mentorship, NeighbourIntroduction, PracticeRequest
from db.models.outbox import OPEN_TASK
from db.upsert import insert_unless_exists

MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # far longer than a step may take (the adapter times one out at 1 min)
KEEPS_FAILING = 3  # attempts after which an open task is shown to moderators too
ERROR_LIMIT = 200
ABANDONED = "the bot stopped during every attempt"


@dataclass(frozen=True, slots=True)
class Task:
    """A claimed task, handed to the handler of its kind."""

    task_id: int
    guild_id: int
    kind: ChatTaskKind
    subject_id: int  # the row the step is about: a mentorship for an introduction
    attempts: int  # this one included
    result_id: int | None  # what an earlier attempt already made (a thread), if it said so
    resumed: bool  # an earlier claim ended without a word: its claimer died, maybe mid-step


@dataclass(frozen=True, slots=True)
class Stuck:
    """A task that failed for good, or keeps failing: what moderators see."""

    task_id: int
    guild_id: int
    kind: ChatTaskKind
    subject_id: int
    user_ids: tuple[int, ...]  # who it is about: the two introduced (a mentee first), a circle's member
    attempts: int
    last_error: str | None
    since: datetime
    failed: bool


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 ... minutes, at most an hour."""
    wait: timedelta = BASE_BACKOFF * (2 ** min(max(attempts - 1, 0), 16))
    return min(wait, MAX_BACKOFF)


def _open() -> ColumnElement[bool]:
    return and_(ChatTask.done_at.is_(None), ChatTask.failed_at.is_(None))


async def enqueue(
    *, session: AsyncSession, guild_id: int, kind: ChatTaskKind, subject_id: int, now: datetime
) -> None:
    """A step to carry out after this unit of work commits (nothing if it is already waiting:
    the open task's unique index, in one statement)."""
    await insert_unless_exists(
        session,
        ChatTask,
        {"guild_id": guild_id, "kind": kind, "subject_id": subject_id, "due_at": now, "created_at": now},
        unique=["kind", "subject_id"],
        where=OPEN_TASK,
    )


async def waiting(*, session: AsyncSession, kind: ChatTaskKind, subject_id: int) -> bool:
    """Whether a step is enqueued and not carried out yet (or given up)."""
    found = await session.execute(
        select(ChatTask.id).where(ChatTask.kind == kind, ChatTask.subject_id == subject_id, _open()).limit(1)
    )
    return found.first() is not None


def _on(platform: Platform | None) -> ColumnElement[bool]:
    """The tasks of one platform's communities (None: every task)."""
    return true() if platform is None else identities.on_platform(ChatTask.guild_id, platform)


def _claimable(now: datetime, lease: timedelta, platform: Platform | None) -> ColumnElement[bool]:
    return and_(
        _open(),
        _on(platform),
        ChatTask.due_at <= now,
        or_(ChatTask.claimed_at.is_(None), ChatTask.claimed_at <= now - lease),
    )


def _take(rows: list[ChatTask], *, now: datetime, worker: str) -> list[Task]:
    claimed = []
    for row in rows:
        resumed = row.claimed_by is not None
        if row.attempts >= MAX_ATTEMPTS:  # every claim so far died with its claimer
            row.failed_at = now
            row.last_error = ABANDONED
            row.claimed_at = row.claimed_by = None
            continue
        row.attempts += 1
        row.claimed_at = now
        row.claimed_by = worker
        claimed.append(
            Task(row.id, row.guild_id, row.kind, row.subject_id, row.attempts, row.result_id, resumed)
        )
    return claimed


async def claim_due(
    *,
    session: AsyncSession,
    now: datetime,
    worker: str,
    limit: int,
    lease: timedelta = LEASE,
    platform: Platform | None = None,
) -> list[Task]:
    """Up to `limit` due tasks, oldest first, now leased to `worker`; with `platform`, only the
    tasks of that platform's communities (each adapter runs its own: one database can hold both)."""
    rows = (
        (
            await session.execute(
                select(ChatTask)
                .where(_claimable(now, lease, platform))
                .order_by(ChatTask.due_at, ChatTask.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    return _take(list(rows), now=now, worker=worker)


async def claim(
    *,
    session: AsyncSession,
    kind: ChatTaskKind,
    subject_id: int,
    now: datetime,
    worker: str,
    lease: timedelta = LEASE,
    platform: Platform | None = None,
) -> Task | None:
    """The open task for one step, if nobody holds it: the immediate path right after a commit
    (with `platform`, only when it is a task of that platform's communities)."""
    rows = (
        (
            await session.execute(
                select(ChatTask)
                .where(
                    ChatTask.kind == kind,
                    ChatTask.subject_id == subject_id,
                    _claimable(now, lease, platform),
                )
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    claimed = _take(list(rows), now=now, worker=worker)
    return claimed[0] if claimed else None


async def _row(session: AsyncSession, task_id: int) -> ChatTask | None:
    row = await session.get(ChatTask, task_id, with_for_update=True)
    if row is None or row.done_at is not None or row.failed_at is not None:
        return None
    return row


async def progress(*, session: AsyncSession, task_id: int, worker: str, result_id: int) -> bool:
    """What this attempt made so far (a thread), so that a retry continues it."""
    row = await _row(session, task_id)
    if row is None or row.claimed_by != worker:
        return False
    row.result_id = result_id
    return True


async def done(*, session: AsyncSession, task_id: int, now: datetime) -> bool:
    """The step was carried out (or is no longer needed); False if it was settled already.

    Call it in the unit of work that records the step's outcome, so the two commit together.
    """
    row = await _row(session, task_id)
    if row is None:
        return False
    row.done_at = now
    row.claimed_at = row.claimed_by = None
    return True


async def failed(*, session: AsyncSession, task_id: int, worker: str, error: str, now: datetime) -> bool:
    """This attempt failed: retried after a backoff, or given up after `MAX_ATTEMPTS`.

    `error` is short and holds nothing personal (an exception class, an HTTP status). Returns
    True when the task is given up. A claimer whose lease was taken over changes nothing.
    """
    row = await _row(session, task_id)
    if row is None or row.claimed_by != worker:
        return False
    row.last_error = error[:ERROR_LIMIT]
    row.claimed_at = row.claimed_by = None
    if row.attempts >= MAX_ATTEMPTS:
        row.failed_at = now
        return True
    row.due_at = now + backoff(row.attempts)
    return False


def _subjects(rows: list[ChatTask], kind: ChatTaskKind) -> list[int]:
    return [row.subject_id for row in rows if row.kind == kind]


async def _pairs(
    session: AsyncSession,
    subject: InstrumentedAttribute[int],
    sides: tuple[InstrumentedAttribute[int], InstrumentedAttribute[int]],
    ids: list[int],
) -> list[tuple[int, int, int]]:
    """(subject, first user, second user) of the rows with the two members `sides`."""
    first, second = aliased(Member), aliased(Member)
    found = await session.execute(
        select(subject, first.user_id, second.user_id)
        .join(first, first.id == sides[0])
        .join(second, second.id == sides[1])
        .where(subject.in_(ids))
    )
    return [(row_id, one, other) for row_id, one, other in found.all()]


async def _people(
    session: AsyncSession, rows: list[ChatTask]
) -> dict[tuple[ChatTaskKind, int], tuple[int, ...]]:
    """Who each task is about, by (kind, subject): the two introduced, the member of a circle."""
    people: dict[tuple[ChatTaskKind, int], tuple[int, ...]] = {}
    for kind, subject, sides in (
        (ChatTaskKind.INTRODUCTION, Mentorship.id, (Mentorship.member_id, Mentorship.mentor_id)),
        (ChatTaskKind.MENTOR_NUDGE, Mentorship.id, (Mentorship.member_id, Mentorship.mentor_id)),
        (
            ChatTaskKind.NEIGHBOUR_INTRODUCTION,
            NeighbourIntroduction.id,
            (NeighbourIntroduction.requester_id, NeighbourIntroduction.neighbour_id),
        ),
    ):
        if ids := _subjects(rows, kind):
            found = await _pairs(session, subject, sides, ids)
            people.update({(kind, row_id): (first, second) for row_id, first, second in found})
    if ids := _subjects(rows, ChatTaskKind.PRACTICE_INTRODUCTION):
        partners = await session.execute(
            select(PracticeRequest.pairing_id, Member.user_id)
            .join(Member, Member.id == PracticeRequest.member_id)
            .where(PracticeRequest.pairing_id.in_(ids))
            .order_by(PracticeRequest.requested_at, PracticeRequest.id)
        )
        for pairing_id, user_id in partners.all():  # who waited first, then the other
            key = (ChatTaskKind.PRACTICE_INTRODUCTION, pairing_id or 0)
            people[key] = (*people.get(key, ()), user_id)
    if ids := _subjects(rows, ChatTaskKind.ORGANIZER_REVIEW):
        offered = await session.execute(select(Member.id, Member.user_id).where(Member.id.in_(ids)))
        people.update(
            {(ChatTaskKind.ORGANIZER_REVIEW, row_id): (user_id,) for row_id, user_id in offered.all()}
        )
    circle_kinds = (ChatTaskKind.CIRCLE_JOIN, ChatTaskKind.CIRCLE_LEAVE)
    if ids := [row.subject_id for row in rows if row.kind in circle_kinds]:
        members = await session.execute(
            select(CircleMember.id, Member.user_id)
            .join(Member, Member.id == CircleMember.member_id)
            .where(CircleMember.id.in_(ids))
        )
        for membership_id, user_id in members.all():
            people.update({(kind, membership_id): (user_id,) for kind in circle_kinds})
    return people


async def _stuck(session: AsyncSession, rows: list[ChatTask]) -> list[Stuck]:
    people = await _people(session, rows)
    return [
        Stuck(
            task_id=row.id,
            guild_id=row.guild_id,
            kind=row.kind,
            subject_id=row.subject_id,
            user_ids=people.get((row.kind, row.subject_id), ()),
            attempts=row.attempts,
            last_error=row.last_error,
            since=row.created_at,
            failed=row.failed_at is not None,
        )
        for row in rows
    ]


async def to_report(
    *, session: AsyncSession, now: datetime, limit: int = 50, platform: Platform | None = None
) -> list[Stuck]:
    """Tasks given up and not yet reported; each is returned once (marked reported now). With
    `platform`, only that platform's: the adapter that reports them is the one that can."""
    rows = list(
        (
            await session.execute(
                select(ChatTask)
                .where(
                    ChatTask.failed_at.is_not(None),
                    ChatTask.done_at.is_(None),
                    ChatTask.reported_at.is_(None),
                    _on(platform),
                )
                .order_by(ChatTask.failed_at, ChatTask.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    for row in rows:
        row.reported_at = now
    return await _stuck(session, rows)


async def stuck(*, session: AsyncSession, guild_id: int, limit: int = 25) -> list[Stuck]:
    """A guild's tasks that failed for good or keep failing, oldest first (`/mod outbox`)."""
    rows = list(
        (
            await session.execute(
                select(ChatTask)
                .where(
                    ChatTask.guild_id == guild_id,
                    ChatTask.done_at.is_(None),
                    or_(ChatTask.failed_at.is_not(None), ChatTask.attempts >= KEEPS_FAILING),
                )
                .order_by(ChatTask.created_at, ChatTask.id)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    return await _stuck(session, rows)
