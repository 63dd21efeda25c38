"""The onboarding conversation's state: starting, resuming, answering.

Every answer is written as it is given, so a member who stops halfway, or a bot restart,
loses nothing. Each answer names the step it answers; an answer for a step the member is
no longer at (a stale button, a double click, a second window) is refused, and concurrent
answers are serialised by a version check on the row. Answering is the hot path of
onboarding, so it reads and writes plain columns: two statements per answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults, OnboardingSettings
from bot.errors import GroundworkError, NotFoundError
from bot.services import languages
from bot.services.gazetteer import Place
from bot.services.guilds import ensure_guild
from bot.services.members import get_member
from bot.services.onboarding._answers import PlaceResolver, apply
from bot.services.onboarding._flow import CHANGEABLE, Step
from bot.services.profile import active_member, answers_of, latest_readiness
from bot.texts import onboarding as texts
from db.enums import MemberStatus, OnboardingStatus
from db.models import Locale, Member, OnboardingSession

MAX_ATTEMPTS = 3


class StaleAnswerError(GroundworkError):
    """The answer belongs to a step the member is no longer at."""


class AlreadyOnboardedError(GroundworkError):
    """The member finished onboarding already."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where a member's onboarding stands, for the adapter to show the current step."""

    session_id: int
    guild_id: int
    user_id: int
    step: Step
    answers: dict[str, Any]
    # Why the step is shown again, e.g. "place_not_found"; None for a plain step.
    notice: str | None = None
    # What the member typed, shown back (escaped) with a notice.
    echo: str | None = None
    candidates: tuple[Place, ...] = field(default=())
    place: Place | None = None
    resumed: bool = False


@dataclass(frozen=True, slots=True)
class State:
    """One conversation's row and its member, as plain values."""

    session_id: int
    member_id: int
    guild_id: int
    user_id: int
    step: Step
    answers: dict[str, Any]
    version: int


def _conversation(state: State, resolver: PlaceResolver | None, **extra: Any) -> Conversation:
    answers = dict(state.answers)
    place = resolver.place_by_key(answers["place"]) if resolver is not None and answers.get("place") else None
    candidates = extra.pop("candidates", ())
    if not candidates and resolver is not None and state.step == Step.PLACE_PICK:
        found = (resolver.place_by_key(key) for key in answers.get("place_candidates", []))
        candidates = tuple(p for p in found if p is not None)
    return Conversation(
        session_id=state.session_id,
        guild_id=state.guild_id,
        user_id=state.user_id,
        step=state.step,
        answers=answers,
        candidates=candidates,
        place=place,
        **extra,
    )


def _state(row: OnboardingSession, member: Member) -> State:
    return State(
        row.id, member.id, member.guild_id, member.user_id, Step(row.step), dict(row.answers), row.version
    )


def _expiry(
    now: datetime, settings: OnboardingSettings, answers: dict[str, Any]
) -> dict[str, datetime | None]:
    """Unfinished conversations expire some time after the last answer, with one reminder before."""
    return {
        "expires_at": now + timedelta(hours=settings.expire_after_hours),
        "reminder_due_at": None
        if answers.get("reminded")
        else now + timedelta(hours=settings.reminder_after_hours),
    }


async def _open_session(session: AsyncSession, member_id: int) -> OnboardingSession | None:
    return (
        await session.execute(
            select(OnboardingSession).where(
                OnboardingSession.member_id == member_id, OnboardingSession.status == OnboardingStatus.OPEN
            )
        )
    ).scalar_one_or_none()


async def _new_session(
    session: AsyncSession,
    member: Member,
    step: Step,
    answers: dict[str, Any],
    now: datetime,
    settings: OnboardingSettings,
) -> OnboardingSession:
    row = OnboardingSession(
        member_id=member.id, step=step, answers=answers, started_at=now, **_expiry(now, settings, answers)
    )
    session.add(row)
    await session.flush()
    return row


async def begin(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    now: datetime,
    settings: OnboardingSettings,
    defaults: GuildDefaults,
    restart: bool = False,
    discord_locale: str | None = None,
    resolver: PlaceResolver | None = None,
) -> Conversation:
    """Start a member's onboarding, or resume the one they have open.

    `restart` abandons an open conversation (and re-opens a finished member's) from the top.
    """
    await ensure_guild(session=session, guild_id=guild_id, defaults=defaults)
    member = await get_member(session=session, guild_id=guild_id, user_id=user_id)
    if member is None:
        member = Member(guild_id=guild_id, user_id=user_id, joined_at=now)
        session.add(member)
        await session.flush()
    elif member.status == MemberStatus.ACTIVE and not restart:
        raise AlreadyOnboardedError(texts.ALREADY_ONBOARDED)
    existing = await _open_session(session, member.id)
    if existing is not None and not restart:
        return _conversation(_state(existing, member), resolver, resumed=True)
    if existing is not None:
        existing.status = OnboardingStatus.ABANDONED
        await session.flush()
    answers: dict[str, Any] = {}
    if preferred := languages.from_discord_locale(discord_locale):
        answers["suggested_languages"] = [preferred]
    try:
        async with session.begin_nested():
            row = await _new_session(session, member, Step.PLACE, answers, now, settings)
    except IntegrityError:
        # Another start won the race for this member's one open conversation: resume it.
        raced = await _open_session(session, member.id)
        if raced is None:
            raise
        return _conversation(_state(raced, member), resolver, resumed=True)
    if member.status != MemberStatus.ACTIVE:
        member.status = MemberStatus.ONBOARDING
    return _conversation(_state(row, member), resolver)


async def edit_answers(
    *,
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    step: Step,
    now: datetime,
    settings: OnboardingSettings,
    resolver: PlaceResolver | None = None,
) -> Conversation:
    """Open a finished member's answers at `step`; once changed, they are confirmed from the summary."""
    if step not in CHANGEABLE and step != Step.SUMMARY:
        raise GroundworkError(texts.INVALID_ANSWER)
    member = await active_member(session=session, guild_id=guild_id, user_id=user_id)
    existing = await _open_session(session, member.id)
    if existing is not None:
        existing.status = OnboardingStatus.ABANDONED
        await session.flush()
    locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    readiness = await latest_readiness(session=session, member_id=member.id)
    row = await _new_session(session, member, step, answers_of(member, locale, readiness), now, settings)
    return _conversation(_state(row, member), resolver)


_SESSIONS, _MEMBERS = cast(Table, OnboardingSession.__table__), cast(Table, Member.__table__)

# The answer path's two statements, built once (it runs for every click of every member).
_LOAD_STATE = (
    select(
        _SESSIONS.c.status,
        _SESSIONS.c.step,
        _SESSIONS.c.answers,
        _SESSIONS.c.version,
        _MEMBERS.c.id,
        _MEMBERS.c.guild_id,
        _MEMBERS.c.user_id,
        _MEMBERS.c.status,
    )
    .join(_MEMBERS, _SESSIONS.c.member_id == _MEMBERS.c.id)
    .where(_SESSIONS.c.id == bindparam("session_id"))
    .with_for_update(of=_SESSIONS)
)
_WRITE_ANSWER = (
    update(_SESSIONS)
    .where(_SESSIONS.c.id == bindparam("session_id"), _SESSIONS.c.version == bindparam("read_version"))
    .values(
        step=bindparam("new_step"),
        answers=bindparam("new_answers", type_=_SESSIONS.c.answers.type),
        version=bindparam("read_version") + 1,
        updated_at=bindparam("now", type_=_SESSIONS.c.updated_at.type),
        expires_at=bindparam("expires", type_=_SESSIONS.c.expires_at.type),
        reminder_due_at=bindparam("reminder_due", type_=_SESSIONS.c.reminder_due_at.type),
    )
)


async def load_state(session: AsyncSession, session_id: int, user_id: int) -> State:
    """The open conversation `session_id` of `user_id`, locked for this unit of work on PostgreSQL
    (a second click waits for the first, then sees its result)."""
    connection = await session.connection()
    found = (await connection.execute(_LOAD_STATE, {"session_id": session_id})).one_or_none()
    if found is None or found[6] != user_id:
        raise NotFoundError(texts.SESSION_NOT_FOUND)
    status, step, answers, version, member_id, guild_id, _, member_status = found
    if member_status in (MemberStatus.LEFT, MemberStatus.DELETED):
        raise StaleAnswerError(texts.NOT_IN_SERVER)
    if status != OnboardingStatus.OPEN:
        raise StaleAnswerError(
            texts.SESSION_FINISHED if status == OnboardingStatus.COMPLETED else texts.SESSION_EXPIRED
        )
    return State(session_id, member_id, guild_id, user_id, Step(step), dict(answers), version)


async def current(
    *, session: AsyncSession, session_id: int, user_id: int, resolver: PlaceResolver | None = None
) -> Conversation:
    """The open conversation `session_id`, checked to belong to `user_id`."""
    return _conversation(await load_state(session, session_id, user_id), resolver)


async def answer(
    *,
    session: AsyncSession,
    session_id: int,
    user_id: int,
    step: Step,
    action: str,
    values: list[str],
    now: datetime,
    settings: OnboardingSettings,
    resolver: PlaceResolver,
) -> Conversation:
    """Record one answer to `step` and move the conversation on.

    Two answers racing for the same conversation are applied one after the other: the
    loser of the version check re-reads the row and applies its answer again.
    """
    for _attempt in range(MAX_ATTEMPTS):
        state = await load_state(session, session_id, user_id)
        if state.step != step:
            raise StaleAnswerError(texts.STALE_STEP)
        answers = dict(state.answers)
        outcome = apply(step, action, values, answers, resolver)
        new_step = outcome.step if outcome.step is not None else state.step
        expiry = _expiry(now, settings, answers)
        result = await (await session.connection()).execute(
            _WRITE_ANSWER,
            {
                "session_id": session_id,
                "read_version": state.version,
                "new_step": new_step,
                "new_answers": answers,
                "now": now,
                "expires": expiry["expires_at"],
                "reminder_due": expiry["reminder_due_at"],
            },
        )
        if result.rowcount == 1:
            written = State(
                session_id, state.member_id, state.guild_id, user_id, new_step, answers, state.version + 1
            )
            return _conversation(
                written, resolver, notice=outcome.notice, echo=outcome.echo, candidates=outcome.candidates
            )
    raise StaleAnswerError(texts.STALE_STEP)
