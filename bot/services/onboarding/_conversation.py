"""The onboarding conversation's state: starting, resuming, answering, expiring.

Every answer is written as it is given, so a member who stops halfway, or a bot restart,
loses nothing. Each answer names the step it answers; an answer for a step the member is
no longer at (a stale button, a double click, a second window) is refused, and concurrent
answers are serialised by a version check on the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.config import GuildDefaults, OnboardingSettings
from bot.errors import GroundworkError, NotFoundError
from bot.services import languages
from bot.services.gazetteer import Place, Resolution
from bot.services.guilds import ensure_guild
from bot.services.members import get_member
from bot.services.onboarding._flow import (
    CHANGEABLE,
    MAX_LANGUAGES,
    MAX_MENTEES_OFFERED,
    MAX_NOTE_LENGTH,
    READINESS_PAGES,
    Step,
    next_step,
    valid_paths,
    valid_score,
    valid_timezone,
)
from bot.services.profile import active_member, answers_of, latest_readiness
from bot.texts import onboarding as texts
from db.enums import Experience, LocaleSharing, MemberStatus, OnboardingStatus
from db.models import Locale, Member, OnboardingSession

MAX_PLACE_QUERY = 100
MAX_ATTEMPTS = 3


class PlaceResolver(Protocol):
    """What the conversation needs of the gazetteer."""

    def resolve(self, text: str, *, country_hint: str | None = None, limit: int = 25) -> Resolution: ...

    def place_by_key(self, key: str) -> Place | None: ...


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


async def _open_session(session: AsyncSession, member_id: int) -> OnboardingSession | None:
    return (
        await session.execute(
            select(OnboardingSession).where(
                OnboardingSession.member_id == member_id, OnboardingSession.status == OnboardingStatus.OPEN
            )
        )
    ).scalar_one_or_none()


def _view(
    row: OnboardingSession, member: Member, resolver: PlaceResolver | None, **extra: Any
) -> Conversation:
    answers = dict(row.answers)
    place = None
    if resolver is not None and answers.get("place"):
        place = resolver.place_by_key(answers["place"])
    candidates = extra.pop("candidates", ())
    if not candidates and resolver is not None and row.step == Step.PLACE_PICK:
        found = (resolver.place_by_key(key) for key in answers.get("place_candidates", []))
        candidates = tuple(p for p in found if p is not None)
    return Conversation(
        session_id=row.id,
        guild_id=member.guild_id,
        user_id=member.user_id,
        step=Step(row.step),
        answers=answers,
        candidates=candidates,
        place=place,
        **extra,
    )


def _timers(row: OnboardingSession, now: datetime, settings: OnboardingSettings) -> None:
    row.expires_at = now + timedelta(hours=settings.expire_after_hours)
    if not row.answers.get("reminded"):
        row.reminder_due_at = now + timedelta(hours=settings.reminder_after_hours)


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
        return _view(existing, member, resolver, resumed=True)
    if existing is not None:
        existing.status = OnboardingStatus.ABANDONED
        await session.flush()
    answers: dict[str, Any] = {}
    preferred = languages.from_discord_locale(discord_locale)
    if preferred:
        answers["suggested_languages"] = [preferred]
    row = OnboardingSession(
        member_id=member.id, step=Step.PLACE, answers=answers, started_at=now, expires_at=now
    )
    _timers(row, now, settings)
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        # Another start won the race for this member's one open conversation: resume it.
        raced = await _open_session(session, member.id)
        if raced is None:
            raise
        return _view(raced, member, resolver, resumed=True)
    if member.status != MemberStatus.ACTIVE:
        member.status = MemberStatus.ONBOARDING
    return _view(row, member, resolver)


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
    row = OnboardingSession(
        member_id=member.id,
        step=step,
        answers=answers_of(member, locale, readiness),
        started_at=now,
        expires_at=now,
    )
    _timers(row, now, settings)
    session.add(row)
    await session.flush()
    return _view(row, member, resolver)


async def current(
    *, session: AsyncSession, session_id: int, user_id: int, resolver: PlaceResolver | None = None
) -> Conversation:
    """The open conversation `session_id`, checked to belong to `user_id`."""
    row, member = await _load(session, session_id, user_id)
    return _view(row, member, resolver)


async def _load(session: AsyncSession, session_id: int, user_id: int) -> tuple[OnboardingSession, Member]:
    found = (
        await session.execute(
            select(OnboardingSession, Member)
            .join(Member, OnboardingSession.member_id == Member.id)
            .where(OnboardingSession.id == session_id)
            .with_for_update(
                of=OnboardingSession
            )  # PostgreSQL: a second click waits, then sees the first's result
        )
    ).one_or_none()
    if found is None or found[1].user_id != user_id:
        raise NotFoundError(texts.SESSION_NOT_FOUND)
    row, member = found
    if member.status in (MemberStatus.LEFT, MemberStatus.DELETED):
        raise StaleAnswerError(texts.NOT_IN_SERVER)
    if row.status != OnboardingStatus.OPEN:
        raise StaleAnswerError(
            texts.SESSION_FINISHED if row.status == OnboardingStatus.COMPLETED else texts.SESSION_EXPIRED
        )
    return row, member


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

    Two answers racing for the same conversation (two selects picked quickly) are applied
    one after the other: the loser re-reads the row and applies its answer again.
    """
    row, member = await _load(session, session_id, user_id)
    for _attempt in range(MAX_ATTEMPTS):
        if row.step != step:
            raise StaleAnswerError(texts.STALE_STEP)
        answers = dict(row.answers)
        outcome = _apply(step, action, values, answers, resolver)
        new_step = outcome.step if outcome.step is not None else Step(row.step)
        reminder = None if answers.get("reminded") else now + timedelta(hours=settings.reminder_after_hours)
        result = await session.execute(
            update(OnboardingSession)
            .where(OnboardingSession.id == row.id, OnboardingSession.version == row.version)
            .values(
                step=new_step,
                answers=answers,
                version=row.version + 1,
                updated_at=now,
                expires_at=now + timedelta(hours=settings.expire_after_hours),
                reminder_due_at=reminder,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            # The row now holds what was written; no need to read it back.
            for key, value in (("step", new_step), ("answers", answers), ("version", row.version + 1)):
                set_committed_value(row, key, value)
            return _view(
                row, member, resolver, notice=outcome.notice, echo=outcome.echo, candidates=outcome.candidates
            )
        await session.refresh(row)
    raise StaleAnswerError(texts.STALE_STEP)


@dataclass(slots=True)
class _Outcome:
    step: Step | None = None  # None: stay
    notice: str | None = None
    echo: str | None = None
    candidates: tuple[Place, ...] = ()


Applier = Callable[[str, list[str], dict[str, Any], PlaceResolver], _Outcome]


def _advance(step: Step, answers: dict[str, Any]) -> _Outcome:
    return _Outcome(step=next_step(step, answers))


def _resolve_place(
    text: str, answers: dict[str, Any], resolver: PlaceResolver, *, area_only: bool
) -> _Outcome:
    typed = " ".join(text.split())[:MAX_PLACE_QUERY]
    resolution = resolver.resolve(typed)
    candidates = resolution.candidates
    if area_only:
        candidates = tuple(p for p in candidates if p.precision != "city")
    if resolution.kind == "invalid":
        return _Outcome(notice="place_invalid")
    if not candidates:
        return _Outcome(notice="area_not_found" if area_only else "place_not_found", echo=typed)
    if resolution.kind == "match" and (len(candidates) == 1 or candidates[0] == resolution.best):
        answers["place"] = candidates[0].key
        answers["timezone"] = candidates[0].timezone
        answers.pop("place_candidates", None)
        return _Outcome(step=Step.PLACE_CONFIRM)
    answers["place_candidates"] = [p.key for p in candidates[:24]]
    return _Outcome(step=Step.PLACE_PICK, candidates=candidates[:24])


def _apply(
    step: Step, action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver
) -> _Outcome:
    """Apply one answer to `answers` (in place) and say where to go next."""
    try:
        return _APPLY[step](action, values, answers, resolver)
    except (KeyError, IndexError, ValueError, TypeError):
        raise GroundworkError(texts.INVALID_ANSWER) from None


def _place(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    if action not in ("text", "area_text"):
        raise ValueError(action)
    return _resolve_place(values[0], answers, resolver, area_only=action == "area_text")


def _place_pick(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    if action == "pick" and values == ["none"]:
        answers.pop("place_candidates", None)
        return _Outcome(step=Step.PLACE)
    key = values[0]
    place = resolver.place_by_key(key)
    if action != "pick" or place is None or key not in answers.get("place_candidates", []):
        raise ValueError(key)
    answers["place"] = place.key
    answers["timezone"] = place.timezone
    answers.pop("place_candidates", None)
    return _advance(Step.PLACE_PICK, answers)


def _place_confirm(
    action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver
) -> _Outcome:
    if action == "wrong_place":
        answers.pop("place", None)
        return _Outcome(step=Step.PLACE)
    if action == "change_tz":
        return _Outcome(step=Step.TIMEZONE)
    if action != "yes" or not answers.get("place"):
        raise ValueError(action)
    return _advance(Step.PLACE_CONFIRM, answers)


def _timezone(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    if action != "pick" or not valid_timezone(values[0]):
        raise ValueError(values)
    answers["timezone"] = values[0]
    return _advance(Step.TIMEZONE, answers)


def _languages(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    chosen = languages.known(values)
    if action != "pick" or not chosen:
        raise ValueError(values)
    answers["languages"] = chosen[:MAX_LANGUAGES]
    return _advance(Step.LANGUAGES, answers)


def _experience(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    level = Experience(values[0])
    if action != "pick":
        raise ValueError(action)
    answers["experience"] = level.value
    note = values[1].strip() if len(values) > 1 else ""
    if level == Experience.NEW:
        answers.pop("experience_note", None)
        answers.pop("mentor_capacity", None)
    elif note:
        answers["experience_note"] = note[:MAX_NOTE_LENGTH]
    return _advance(Step.EXPERIENCE, answers)


def _mentoring(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    capacity = int(values[0])
    if action != "pick" or not 0 <= capacity <= MAX_MENTEES_OFFERED:
        raise ValueError(values)
    answers["mentor_capacity"] = capacity
    return _advance(Step.MENTORING, answers)


def _paths(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    if action != "pick":
        raise ValueError(action)
    answers["paths"] = valid_paths(values)
    return _advance(Step.PATHS, answers)


def _readiness(step: Step) -> Applier:
    def apply(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
        page = READINESS_PAGES[step]
        scores = dict(answers.get("readiness", {}))
        if action == "score":
            dimension = values[0]
            if dimension not in page:
                raise ValueError(dimension)
            scores[dimension] = valid_score(values[1])
            answers["readiness"] = scores
            return _Outcome()
        if action != "next":
            raise ValueError(action)
        if not all(dimension in scores for dimension in page):
            return _Outcome(notice="readiness_incomplete")
        return _advance(step, answers)

    return apply


def _consent(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    if action == "sharing":
        answers["locale_sharing"] = LocaleSharing(values[0]).value
        return _Outcome()
    if action == "contact":
        if values[0] not in ("yes", "no"):
            raise ValueError(values)
        answers["organizer_contact_ok"] = values[0] == "yes"
        return _Outcome()
    if action != "next":
        raise ValueError(action)
    if "locale_sharing" not in answers or "organizer_contact_ok" not in answers:
        return _Outcome(notice="consent_incomplete")
    return _advance(Step.CONSENT, answers)


def _summary(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> _Outcome:
    target = Step(values[0])
    if action != "change" or target not in CHANGEABLE:
        raise ValueError(values)
    answers["return_to_summary"] = True
    return _Outcome(step=target)


_APPLY: dict[Step, Applier] = {
    Step.PLACE: _place,
    Step.PLACE_PICK: _place_pick,
    Step.PLACE_CONFIRM: _place_confirm,
    Step.TIMEZONE: _timezone,
    Step.LANGUAGES: _languages,
    Step.EXPERIENCE: _experience,
    Step.MENTORING: _mentoring,
    Step.PATHS: _paths,
    Step.READINESS_1: _readiness(Step.READINESS_1),
    Step.READINESS_2: _readiness(Step.READINESS_2),
    Step.CONSENT: _consent,
    Step.SUMMARY: _summary,
}
