"""Drive a whole onboarding conversation through the service layer, as the buttons would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.config import GuildDefaults, OnboardingSettings
from bot.services import onboarding
from bot.services.gazetteer import Gazetteer
from bot.services.home_countries import HomeCountries
from bot.services.onboarding import Action, Step
from db.engine import SessionMaker
from db.enums import ReadinessDimension


@dataclass
class Answers:
    """A member's answers; the defaults make a new member who shares their town."""

    place: str = "Leeds"
    pick: str | None = None  # the key to pick when the place is ambiguous
    languages: list[str] = field(default_factory=lambda: ["en"])
    experience: str = "new"
    note: str = ""
    mentor_capacity: int = 0
    paths: list[str] = field(default_factory=lambda: ["discussion_group"])
    scores: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ReadinessDimension, 3))
    sharing: str = "town"
    contact: str = "yes"


async def answer_step(
    sessions: SessionMaker,
    gazetteer: Gazetteer,
    *,
    session_id: int,
    user_id: int,
    now: datetime,
    step: Step,
    action: Action | str,  # a string as a custom_id carries it
    values: list[str],
    settings: OnboardingSettings | None = None,
    known: onboarding.Conversation | None = None,
    home: HomeCountries | None = None,
) -> onboarding.Conversation:
    """One answer, in its own unit of work, as a click or a form gives it (`known`: the
    conversation as last shown, as the bot keeps it)."""
    async with sessions() as session, session.begin():
        return await onboarding.answer(
            session=session,
            session_id=session_id,
            user_id=user_id,
            step=step,
            action=Action(action),
            values=values,
            now=now,
            settings=settings or OnboardingSettings(),
            resolver=gazetteer,
            known=known,
            home=home,
        )


async def run_conversation(
    sessions: SessionMaker,
    gazetteer: Gazetteer,
    *,
    guild_id: int,
    user_id: int,
    now: datetime,
    answers: Answers | None = None,
    defaults: GuildDefaults | None = None,
    home: HomeCountries | None = None,
) -> onboarding.Completion:
    """Answer every step and confirm; returns what confirming produced (`home`: the guild's
    home countries as the bot keeps them, for the typed place)."""
    a = answers or Answers()
    settings = OnboardingSettings()
    async with sessions() as session, session.begin():
        conversation = await onboarding.begin(
            session=session,
            guild_id=guild_id,
            user_id=user_id,
            now=now,
            settings=settings,
            defaults=defaults or GuildDefaults(),
            resolver=gazetteer,
        )
    sid = conversation.session_id

    async def say(step: Step, action: Action, *values: str) -> onboarding.Conversation:
        nonlocal conversation
        conversation = await answer_step(
            sessions, gazetteer, session_id=sid, user_id=user_id, now=now, step=step, action=action,
            values=list(values), settings=settings, known=conversation, home=home,
        )  # fmt: skip
        return conversation

    conversation = await say(Step.PLACE, Action.TEXT, a.place)
    if conversation.step == Step.PLACE_PICK:
        conversation = await say(Step.PLACE_PICK, Action.PICK, a.pick or conversation.candidates[0].key)
    assert conversation.step == Step.PLACE_CONFIRM, conversation
    await say(Step.PLACE_CONFIRM, Action.YES)
    await say(Step.LANGUAGES, Action.PICK, *a.languages)
    conversation = await say(Step.EXPERIENCE, Action.PICK, a.experience, a.note)
    if conversation.step == Step.MENTORING:
        await say(Step.MENTORING, Action.PICK, str(a.mentor_capacity))
    await say(Step.PATHS, Action.PICK, *a.paths)
    for page in (Step.READINESS_1, Step.READINESS_2):
        scores = [part for d in onboarding.READINESS_PAGES[page] for part in (d.value, str(a.scores[d]))]
        await say(page, Action.SCORES, *scores)
    conversation = await say(Step.CONSENT, Action.CHOOSE, a.sharing, a.contact)
    assert conversation.step == Step.SUMMARY
    async with sessions() as session, session.begin():
        return await onboarding.complete(
            session=session, session_id=sid, user_id=user_id, now=now, resolver=gazetteer, known=conversation
        )
