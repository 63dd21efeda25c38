"""The onboarding conversation's state: starting, resuming, answering.

Every answer is written as it is given, so a member who stops halfway, or a bot restart,
loses nothing. Each answer names the step it answers; an answer for a step the member is
no longer at (a stale button, a double click, a second window) is refused, and concurrent
answers are serialised by a version check on the row. Answering is the hot path of
onboarding: one prepared statement per answer when the adapter gives back the conversation
it showed, two when it must be read first (see `answer` and _store).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults, OnboardingSettings
from bot.errors import GroundworkError
from bot.services import languages
from bot.services.gazetteer import Place
from bot.services.home_countries import HomeCountries
from bot.services.onboarding._answers import apply
from bot.services.onboarding._flow import CHANGEABLE, Step
from bot.services.onboarding._model import Action, Answers, Notice
from bot.services.onboarding._store import (
    MemberRow,
    StaleAnswerError,
    State,
    abandon_open,
    load_state,
    member_row,
    open_state,
    start,
    write_answer,
)
from bot.services.place_answers import PlaceResolver, WithPriors
from bot.services.profile import active_member, answers_of, latest_readiness
from bot.texts import onboarding as texts
from db.enums import MemberStatus
from db.models import Locale, Member

MAX_ATTEMPTS = 3


class AlreadyOnboardedError(GroundworkError):
    """The member finished onboarding already."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where a member's onboarding stands, for the adapter to show the current step."""

    session_id: int
    guild_id: int
    user_id: int
    step: Step
    answers: Answers
    # Which member and which stored version of the conversation this shows: given back with
    # the next answer, it spares reading the row again (see `answer`).
    member_id: int
    version: int
    expires_at: datetime
    # Why the step is shown again; None for a plain step.
    notice: Notice | None = None
    # What the member typed, shown back (escaped) with a notice; never kept in the row, and
    # never a postal code, a mention or a link (see place_answers).
    echo: str | None = None
    candidates: tuple[Place, ...] = field(default=())
    # The area a not-found answer named ("Texas" in "Marfx, Texas").
    understood: Place | None = None
    place: Place | None = None
    resumed: bool = False


def _conversation(
    state: State,
    resolver: PlaceResolver | None,
    *,
    notice: Notice | None = None,
    echo: str | None = None,
    candidates: tuple[Place, ...] = (),
    understood: Place | None = None,
    resumed: bool = False,
) -> Conversation:
    answers = state.answers.copy()
    place = resolver.place_by_key(answers["place"]) if resolver is not None and answers.get("place") else None
    if not candidates and resolver is not None and state.step == Step.PLACE_PICK:
        found = (resolver.place_by_key(key) for key in answers.get("place_candidates", []))
        candidates = tuple(p for p in found if p is not None)
    return Conversation(
        session_id=state.session_id,
        guild_id=state.guild_id,
        user_id=state.user_id,
        step=state.step,
        answers=answers,
        member_id=state.member_id,
        version=state.version,
        expires_at=state.expires_at,
        notice=notice,
        echo=echo,
        candidates=candidates,
        understood=understood,
        place=place,
        resumed=resumed,
    )


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
    member = await member_row(session, guild_id, user_id, now, defaults)
    if member.status == MemberStatus.ACTIVE and not restart:
        reopened = await open_state(session, member, guild_id, user_id)
        if reopened is None:
            raise AlreadyOnboardedError(texts.ALREADY_ONBOARDED)
        # A restart (or a change from /profile) left open: /join picks it up.
        return _conversation(reopened, resolver, resumed=True)
    if restart:
        await abandon_open(session, member.member_id)
    answers: Answers = {}
    if preferred := languages.from_discord_locale(discord_locale):
        answers["suggested_languages"] = [preferred]
    started = await start(session, member, guild_id, user_id, Step.PLACE, answers, now, settings)
    if started is not None:
        return _conversation(started, resolver)
    # The member has a conversation open (or another start just opened one): resume it.
    existing = await open_state(session, member, guild_id, user_id)
    if existing is None:
        raise StaleAnswerError(texts.STALE_STEP)
    return _conversation(existing, resolver, resumed=True)


async def open_conversation(
    *, session: AsyncSession, guild_id: int, user_id: int, resolver: PlaceResolver | None = None
) -> Conversation | None:
    """The member's open conversation, if they have one (nothing is written): an adapter whose
    answers are plain messages, with no session id in them (Matrix), finds it here."""
    found = (
        await session.execute(
            select(Member.id, Member.status).where(Member.guild_id == guild_id, Member.user_id == user_id)
        )
    ).one_or_none()
    if found is None or found.status in (MemberStatus.LEFT, MemberStatus.DELETED):
        return None
    state = await open_state(session, MemberRow(found.id, found.status), guild_id, user_id)
    return None if state is None else _conversation(state, resolver)


async def restart_replaces_answers(*, session: AsyncSession, guild_id: int, user_id: int) -> bool:
    """Whether /onboard restart would replace anything: a finished onboarding, or a conversation
    open with answers in it (nothing is written here)."""
    found = (
        await session.execute(
            select(Member.id, Member.status).where(Member.guild_id == guild_id, Member.user_id == user_id)
        )
    ).one_or_none()
    if found is None:
        return False
    if found.status == MemberStatus.ACTIVE:
        return True
    state = await open_state(session, MemberRow(found.id, found.status), guild_id, user_id)
    return state is not None and any(key != "suggested_languages" for key in state.answers)


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
    await abandon_open(session, member.id)
    locale = await session.get(Locale, member.locale_id) if member.locale_id else None
    readiness = await latest_readiness(session=session, member_id=member.id)
    answers = answers_of(member, locale, readiness)
    answers["changing_profile"] = True
    row = MemberRow(member.id, member.status)
    started = await start(session, row, guild_id, user_id, step, answers, now, settings)
    if started is None:  # another edit opened one between the two statements above
        raise StaleAnswerError(texts.STALE_STEP)
    return _conversation(started, resolver)


async def current(
    *, session: AsyncSession, session_id: int, user_id: int, resolver: PlaceResolver | None = None
) -> Conversation:
    """The open conversation `session_id`, checked to belong to `user_id`."""
    return _conversation(await load_state(session, session_id, user_id), resolver)


def shown_state(known: Conversation | None, session_id: int, user_id: int, step: Step) -> State | None:
    """The state `known` was rendered from, if it is this member's conversation at `step`."""
    if known is None or (known.session_id, known.user_id, known.step) != (session_id, user_id, step):
        return None
    return State(
        known.session_id,
        known.member_id,
        known.guild_id,
        user_id,
        step,
        known.answers,
        known.version,
        known.expires_at,
    )


async def answer(
    *,
    session: AsyncSession,
    session_id: int,
    user_id: int,
    step: Step,
    action: Action,
    values: list[str],
    now: datetime,
    settings: OnboardingSettings,
    resolver: PlaceResolver,
    known: Conversation | None = None,
    country_hint: str | None = None,
    home: HomeCountries | None = None,
) -> Conversation:
    """Record one answer to `step` and move the conversation on.

    `known` is the conversation as last shown to the member, if the adapter kept it: the
    answer is applied to it and written only if the row is still at its version (one
    statement). Otherwise, or when the row moved on (a restart, a reminder, another window,
    the member left), the row is read and the answer applied to what it holds. Two answers
    racing for the same conversation are applied one after the other in the same way.

    A typed place is resolved with `country_hint` (the member's Discord locale) and the
    guild's home countries (`home`, kept for a few minutes) as ranking priors.
    """
    state = shown_state(known, session_id, user_id, step)
    typed_place = step == Step.PLACE and action in (Action.TEXT, Action.AREA_TEXT)
    for _attempt in range(MAX_ATTEMPTS):
        if state is None:
            state = await load_state(session, session_id, user_id)
            if state.step != step:
                raise StaleAnswerError(texts.STALE_STEP)
        answers = state.answers.copy()
        ranked = resolver
        if typed_place:
            countries = (
                () if home is None else await home.get(session=session, guild_id=state.guild_id, now=now)
            )
            ranked = WithPriors(resolver, country_hint, countries)
        outcome = apply(step, action, values, answers, ranked)
        new_step = outcome.step if outcome.step is not None else state.step
        written = await write_answer(session, state, new_step, answers, now, settings)
        if written is not None:
            return _conversation(
                written,
                resolver,
                notice=outcome.notice,
                echo=outcome.echo,
                candidates=outcome.candidates,
                understood=outcome.understood,
            )
        state = None
    raise StaleAnswerError(texts.STALE_STEP)
