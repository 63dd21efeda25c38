"""The rows a conversation lives in, read and written by statements built once.

Onboarding is the bot's busiest path (a statement or two for every click of every new
member), so these are plain Core statements on the tables, prepared at import: nothing is
built, and no ORM object loaded, per answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults, OnboardingSettings
from bot.errors import GroundworkError, NotFoundError
from bot.services.guilds import ensure_guild_row
from bot.services.onboarding._flow import Step
from bot.services.onboarding._model import Answers, stored_answers
from bot.texts import onboarding as texts
from db.base import UTCDateTime
from db.enums import MemberStatus, OnboardingStatus
from db.models import GuildSettings, Member, OnboardingSession
from db.upsert import insert_unless_exists


class StaleAnswerError(GroundworkError):
    """The answer belongs to a step the member is no longer at."""


@dataclass(frozen=True, slots=True)
class State:
    """One conversation's row and its member, as plain values."""

    session_id: int
    member_id: int
    guild_id: int
    user_id: int
    step: Step
    answers: Answers
    version: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class MemberRow:
    """Who is onboarding, as far as starting a conversation goes."""

    member_id: int
    status: MemberStatus


_SESSIONS, _MEMBERS = cast(Table, OnboardingSession.__table__), cast(Table, Member.__table__)
_GUILDS = cast(Table, GuildSettings.__table__)
_TIME = UTCDateTime()
_OPEN = _SESSIONS.c.status == OnboardingStatus.OPEN

_LOAD_STATE = (
    select(
        _SESSIONS.c.status,
        _SESSIONS.c.step,
        _SESSIONS.c.answers,
        _SESSIONS.c.version,
        _SESSIONS.c.expires_at,
        _MEMBERS.c.id.label("member_id"),
        _MEMBERS.c.guild_id,
        _MEMBERS.c.user_id,
        _MEMBERS.c.status.label("member_status"),
    )
    .join(_MEMBERS, _SESSIONS.c.member_id == _MEMBERS.c.id)
    .where(_SESSIONS.c.id == bindparam("session_id"))
    .with_for_update(of=_SESSIONS)
)
_OPEN_STATE = select(
    _SESSIONS.c.id, _SESSIONS.c.step, _SESSIONS.c.answers, _SESSIONS.c.version, _SESSIONS.c.expires_at
).where(_SESSIONS.c.member_id == bindparam("member_id"), _OPEN)
_WRITE_ANSWER = (
    update(_SESSIONS)
    .where(_SESSIONS.c.id == bindparam("session_id"), _SESSIONS.c.version == bindparam("read_version"), _OPEN)
    .values(
        step=bindparam("new_step"),
        answers=bindparam("new_answers", type_=_SESSIONS.c.answers.type),
        version=bindparam("read_version") + 1,
        updated_at=bindparam("now", type_=_TIME),
    )
)
_WRITE_ANSWER_AND_EXPIRY = _WRITE_ANSWER.values(
    expires_at=bindparam("expires", type_=_TIME), reminder_due_at=bindparam("reminder_due", type_=_TIME)
)
# An answer pushes the expiry (and the reminder) back only when that moves it by more than
# this: most answers come minutes apart, and each move rewrites the expiry index.
EXPIRY_SLACK = timedelta(hours=1)
_ABANDON = (
    update(_SESSIONS)
    .where(_SESSIONS.c.member_id == bindparam("of_member"), _OPEN)
    .values(status=OnboardingStatus.ABANDONED, reminder_due_at=None, version=_SESSIONS.c.version + 1)
)
_CLOSE = (
    update(_SESSIONS)
    .where(_SESSIONS.c.id == bindparam("session_id"), _SESSIONS.c.version == bindparam("read_version"), _OPEN)
    .values(
        status=OnboardingStatus.COMPLETED,
        completed_at=bindparam("now", type_=_TIME),
        reminder_due_at=None,
        version=bindparam("read_version") + 1,
    )
)
# The guild (is it known?) and the member in it (are they?), in one statement.
_MEMBER = (
    select(_GUILDS.c.guild_id, _MEMBERS.c.id.label("member_id"), _MEMBERS.c.status.label("member_status"))
    .select_from(_GUILDS)
    .outerjoin(
        _MEMBERS,
        and_(_MEMBERS.c.guild_id == _GUILDS.c.guild_id, _MEMBERS.c.user_id == bindparam("user_id")),
    )
    .where(_GUILDS.c.guild_id == bindparam("guild_id"))
)
_NEW_MEMBER = insert(_MEMBERS).returning(_MEMBERS.c.id)
_ONBOARDING = (
    update(_MEMBERS)
    .where(_MEMBERS.c.id == bindparam("member_id"), _MEMBERS.c.status != MemberStatus.ACTIVE)
    .values(status=MemberStatus.ONBOARDING)
)


@dataclass(frozen=True, slots=True)
class Due:
    """When an unfinished conversation expires, and when its one reminder is due (None: sent)."""

    expires_at: datetime
    reminder_due_at: datetime | None


def expiry(now: datetime, settings: OnboardingSettings, answers: Answers) -> Due:
    """Unfinished conversations expire some time after the last answer, with one reminder before."""
    return Due(
        now + timedelta(hours=settings.expire_after_hours),
        None if answers.get("reminded") else now + timedelta(hours=settings.reminder_after_hours),
    )


async def load_state(session: AsyncSession, session_id: int, user_id: int) -> State:
    """The open conversation `session_id` of `user_id`, locked for this unit of work on PostgreSQL
    (a second click waits for the first, then sees its result)."""
    found = (await session.execute(_LOAD_STATE, {"session_id": session_id})).one_or_none()
    if found is None or found.user_id != user_id:
        raise NotFoundError(texts.SESSION_NOT_FOUND)
    status, step, answers, version, expires_at, member_id, guild_id, _, member_status = found
    if member_status in (MemberStatus.LEFT, MemberStatus.DELETED):
        raise StaleAnswerError(texts.NOT_IN_SERVER)
    if status != OnboardingStatus.OPEN:
        raise StaleAnswerError(
            texts.SESSION_FINISHED if status == OnboardingStatus.COMPLETED else texts.SESSION_EXPIRED
        )
    return State(
        session_id, member_id, guild_id, user_id, Step(step), stored_answers(answers), version, expires_at
    )


async def write_answer(
    session: AsyncSession,
    state: State,
    step: Step,
    answers: Answers,
    now: datetime,
    settings: OnboardingSettings,
) -> State | None:
    """Store `answers` and `step` over `state`; None when the row changed since it was read."""
    params: dict[str, object] = {
        "session_id": state.session_id,
        "read_version": state.version,
        "new_step": step,
        "new_answers": answers,
        "now": now,
    }
    due = expiry(now, settings, answers)
    expires_at = state.expires_at
    statement = _WRITE_ANSWER
    if due.expires_at - expires_at > EXPIRY_SLACK:
        statement, expires_at = _WRITE_ANSWER_AND_EXPIRY, due.expires_at
        params |= {"expires": due.expires_at, "reminder_due": due.reminder_due_at}
    result = await session.execute(statement, params)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return replace(state, step=step, answers=answers, version=state.version + 1, expires_at=expires_at)


async def open_state(session: AsyncSession, member: MemberRow, guild_id: int, user_id: int) -> State | None:
    """The member's open conversation, if they have one."""
    found = (await session.execute(_OPEN_STATE, {"member_id": member.member_id})).one_or_none()
    if found is None:
        return None
    session_id, step, answers, version, expires_at = found
    return State(
        session_id,
        member.member_id,
        guild_id,
        user_id,
        Step(step),
        stored_answers(answers),
        version,
        expires_at,
    )


async def start(
    session: AsyncSession,
    member: MemberRow,
    guild_id: int,
    user_id: int,
    step: Step,
    answers: Answers,
    now: datetime,
    settings: OnboardingSettings,
) -> State | None:
    """A new conversation at `step`; None when the member has an open one already."""
    due = expiry(now, settings, answers)
    values = {
        "member_id": member.member_id,
        "status": OnboardingStatus.OPEN,
        "step": step,
        "answers": answers,
        "version": 0,
        "started_at": now,
        "updated_at": now,
        "expires_at": due.expires_at,
        "reminder_due_at": due.reminder_due_at,
    }
    # At most one open conversation per member (a partial unique index): of two starts at
    # once, the second inserts nothing and resumes the first's.
    session_id = await insert_unless_exists(
        session, OnboardingSession, values, unique=["member_id"], where="status = 'open'"
    )
    if session_id is None:
        return None
    if member.status != MemberStatus.ACTIVE:
        await session.execute(_ONBOARDING, {"member_id": member.member_id})
    return State(session_id, member.member_id, guild_id, user_id, step, answers, 0, due.expires_at)


async def abandon_open(session: AsyncSession, member_id: int) -> None:
    """Close the member's open conversation, if any, without applying it."""
    await session.execute(_ABANDON, {"of_member": member_id})


async def close_completed(session: AsyncSession, state: State, now: datetime) -> bool:
    """Mark a confirmed conversation completed; False when the row changed since `state`."""
    params = {"session_id": state.session_id, "read_version": state.version, "now": now}
    return bool((await session.execute(_CLOSE, params)).rowcount == 1)  # type: ignore[attr-defined]


async def member_row(
    session: AsyncSession, guild_id: int, user_id: int, now: datetime, defaults: GuildDefaults
) -> MemberRow:
    """The member `user_id` of `guild_id`, registered now (and the guild too) if the bot did
    not know them."""
    found = (await session.execute(_MEMBER, {"guild_id": guild_id, "user_id": user_id})).one_or_none()
    if found is not None and found.member_id is not None:
        return MemberRow(found.member_id, MemberStatus(found.member_status))
    if found is None:
        await ensure_guild_row(session=session, guild_id=guild_id, defaults=defaults)
    values = {
        "guild_id": guild_id,
        "user_id": user_id,
        "status": MemberStatus.ONBOARDING,
        "joined_at": now,
    }
    member_id = (await session.execute(_NEW_MEMBER, values)).scalar_one()
    return MemberRow(member_id, MemberStatus.ONBOARDING)
