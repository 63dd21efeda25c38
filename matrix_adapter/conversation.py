"""The onboarding conversation as Matrix messages: each step a text with numbered choices, and
what a member replies read back into the step's answer (bot/services/onboarding's actions).

Pure: no client, no database. Each step's choices are here, and `read`, which turns a reply into
an `Answer` for `onboarding.answer` (or `Confirm`, or `Unclear` with how to reply);
matrix_adapter/questions.py renders the member's current step with them.
A reply is numbers ("2", "1 3", "3, 4, 2") or, as a fallback, a choice's own words ("yes",
"English", "Europe/Berlin"). What a member typed is shown back only as plain text with no `**`
(render escapes the rest), so it can never become markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.services import languages
from bot.services.onboarding import (
    MAX_LANGUAGES,
    MAX_MENTEES_OFFERED,
    ORDER,
    READINESS_PAGES,
    Action,
    Conversation,
    Step,
)
from bot.services.time_zones import local_time, zone_name
from bot.texts import matrix_onboarding as mtexts
from bot.texts import onboarding as texts
from db.enums import Experience, LocaleSharing, OrganizingPath

NUMBERED_STEPS = tuple(step for step in ORDER if step != Step.MENTORING)
STEP_NUMBER = {
    Step.PLACE_PICK: Step.PLACE,
    Step.TIMEZONE: Step.PLACE_CONFIRM,
    Step.MENTORING: Step.EXPERIENCE,
}
MAX_ZONES = 25
ECHO_LIMIT = 100
_SPLIT = re.compile(r"[\s,;]+")
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,3})(?:[\s.,:;)-]+(.*))?$", re.DOTALL)
_YES = ("yes", "y", "yeah", "yep", "ok", "okay", "right", "correct")
_NO = ("no", "n", "nope")
SUMMARY_STEPS = tuple(texts.SUMMARY_CHANGE_LABELS)  # the answers a member may change, in order


@dataclass(frozen=True, slots=True)
class Choice:
    number: int
    label: str
    value: str  # what the service gets for it
    words: tuple[str, ...] = ()  # typed (lower-case) words that choose it too


@dataclass(frozen=True, slots=True)
class Answer:
    """The step's answer, for `onboarding.answer`."""

    action: Action
    values: list[str]


@dataclass(frozen=True, slots=True)
class Confirm:
    """The summary confirmed: for `onboarding.complete`."""


@dataclass(frozen=True, slots=True)
class Unclear:
    """Not an answer: the member is told how to reply (the question is shown again)."""

    how: str


Reply = Answer | Confirm | Unclear


def plain_text(text: str, limit: int = ECHO_LIMIT) -> str:
    """A member's words shown back: one line, no emphasis markers, at most `limit` characters."""
    flat = " ".join(text.replace("*", "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def numbers(body: str) -> list[int] | None:
    """The numbers a reply is made of ("1 3", "1, 3", "2"), or None when it is not only numbers."""
    parts = [part for part in _SPLIT.split(body.strip()) if part]
    if not parts or not all(part.isdigit() and len(part) <= 3 for part in parts):
        return None
    return [int(part) for part in parts]


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split()).strip(" .!")


def pick_one(choices: Sequence[Choice], body: str) -> Choice | None:
    """The choice a reply names: by its number, else by its label or one of its words."""
    given = numbers(body)
    if given is not None:
        if len(given) != 1:
            return None
        return next((choice for choice in choices if choice.number == given[0]), None)
    typed = _normal(body)
    for choice in choices:
        if typed == _normal(choice.label) or typed in choice.words:
            return choice
    return None


def pick_many(choices: Sequence[Choice], body: str, limit: int | None = None) -> list[Choice] | None:
    """The choices a reply names ("1 3", or words separated by commas), each once, at most
    `limit`; None when any part names nothing."""
    given = numbers(body)
    if given is not None:
        by_number = {choice.number: choice for choice in choices}
        picked = [by_number.get(number) for number in dict.fromkeys(given)]
    else:
        picked = [pick_one(choices, part) for part in re.split(r"[,;\n]+| and ", body) if part.strip()]
    if not picked or any(choice is None for choice in picked):
        return None
    unique = list(dict.fromkeys(choice for choice in picked if choice is not None))
    if limit is not None and len(unique) > limit:
        return None
    return unique


# -- the choices of each step ------------------------------------------------------------------


def place_pick_choices(conversation: Conversation) -> list[Choice]:
    choices = [
        Choice(number, f"{place.label} ({place.description})", place.key)
        for number, place in enumerate(conversation.candidates, start=1)
    ]
    return [*choices, Choice(len(choices) + 1, mtexts.PLACE_PICK_NONE, "none", ("none", "none of them"))]


def place_confirm_choices() -> list[Choice]:
    return [
        Choice(1, mtexts.PLACE_CONFIRM_YES, Action.YES.value, _YES),
        Choice(2, mtexts.PLACE_CONFIRM_TZ, Action.CHANGE_TZ.value, ("time zone", "timezone")),
        Choice(3, mtexts.PLACE_CONFIRM_WRONG, Action.WRONG_PLACE.value, _NO),
    ]


def timezone_choices(conversation: Conversation, timezones: Sequence[str], now: datetime) -> list[Choice]:
    zones = list(dict.fromkeys([conversation.answers.get("timezone", "UTC"), *timezones, "UTC"]))[:MAX_ZONES]
    return [
        Choice(
            number,
            mtexts.TIMEZONE_CHOICE.format(zone=zone_name(zone), time=local_time(zone, now)),
            zone,
            (zone.casefold(), zone_name(zone).casefold()),
        )
        for number, zone in enumerate(zones, start=1)
    ]


def language_choices() -> list[Choice]:
    return [
        Choice(
            number,
            native if native == english else f"{native} ({english})",
            code,
            (code, _normal(native), _normal(english)),
        )
        for number, (code, (native, english)) in enumerate(languages.LANGUAGES.items(), start=1)
    ]


def experience_choices() -> list[Choice]:
    return [
        Choice(number, mtexts.EXPERIENCE_LABELS[level], level.value)
        for number, level in enumerate(Experience, start=1)
    ]


def mentoring_choices() -> list[Choice]:
    """Numbered by the count itself: 0 is "not right now"."""
    return [Choice(0, mtexts.MENTORING_NONE, "0", ("not right now", "none", *_NO))] + [
        Choice(count, mtexts.MENTORING_COUNT.format(count=count), str(count))
        for count in range(1, MAX_MENTEES_OFFERED + 1)
    ]


def path_choices() -> list[Choice]:
    return [
        Choice(number, texts.PATH_LABELS[path], path.value)
        for number, path in enumerate(OrganizingPath, start=1)
    ]


def sharing_choices() -> list[Choice]:
    return [
        Choice(number, mtexts.SHARING_LABELS[choice], choice.value)
        for number, choice in enumerate(LocaleSharing, start=1)
    ]


def contact_choices() -> list[Choice]:
    return [Choice(1, mtexts.CONTACT_YES, "yes", _YES), Choice(2, mtexts.CONTACT_NO, "no", _NO)]


def summary_choices() -> list[Choice]:
    confirm = Choice(1, mtexts.SUMMARY_CONFIRM, Action.CONFIRM.value, ("confirm", *_YES))
    return [confirm] + [
        Choice(number, mtexts.SUMMARY_CHANGE.format(what=texts.SUMMARY_CHANGE_LABELS[step].lower()), step)
        for number, step in enumerate(SUMMARY_STEPS, start=2)
    ]


def understood_choice(conversation: Conversation, area_name: str | None) -> Choice | None:
    """ "Just use Texas": the area a not-found place answer named, while it is kept."""
    if area_name is None or not conversation.answers.get("place_understood"):
        return None
    return Choice(1, mtexts.USE_AREA.format(area=plain_text(area_name)), Action.USE_UNDERSTOOD.value)


# -- reading a reply ---------------------------------------------------------------------------


def read(
    conversation: Conversation,
    body: str,
    *,
    timezones: Sequence[str] = (),
    now: datetime,
    understood_area: str | None = None,
) -> Reply:
    """What a reply answers in the member's current step."""
    step = conversation.step
    if step == Step.PLACE:
        use = understood_choice(conversation, understood_area)
        if use is not None and pick_one([use], body) is not None:
            return Answer(Action.USE_UNDERSTOOD, [])
        return Answer(Action.TEXT, [body.strip()]) if body.strip() else Unclear(mtexts.REPLY_PLACE)
    if step == Step.PLACE_PICK:
        choice = pick_one(place_pick_choices(conversation), body)
        return Answer(Action.PICK, [choice.value]) if choice else Unclear(mtexts.REPLY_NUMBER)
    if step == Step.PLACE_CONFIRM:
        choice = pick_one(place_confirm_choices(), body)
        return Answer(Action(choice.value), []) if choice else Unclear(mtexts.REPLY_NUMBER)
    if step == Step.TIMEZONE:
        choice = pick_one(timezone_choices(conversation, timezones, now), body)
        if choice is None and numbers(body) is None and "/" in body:
            return Answer(Action.PICK, [body.strip()])  # an IANA name typed: the service checks it
        return Answer(Action.PICK, [choice.value]) if choice else Unclear(mtexts.REPLY_NUMBER)
    if step == Step.LANGUAGES:
        picked = pick_many(language_choices(), body, MAX_LANGUAGES)
        if picked is None:
            return Unclear(mtexts.REPLY_NUMBERS_UP_TO.format(limit=MAX_LANGUAGES))
        return Answer(Action.PICK, [choice.value for choice in picked])
    if step == Step.EXPERIENCE:
        return _experience(body)
    if step == Step.MENTORING:
        choice = pick_one(mentoring_choices(), body)
        return Answer(Action.PICK, [choice.value]) if choice else Unclear(mtexts.REPLY_NUMBER)
    if step == Step.PATHS:
        picked = pick_many(path_choices(), body)
        return Answer(Action.PICK, [c.value for c in picked]) if picked else Unclear(mtexts.REPLY_NUMBERS)
    if step in READINESS_PAGES:
        return _scores(step, body)
    if step == Step.CONSENT:
        return _consent(body)
    choice = pick_one(summary_choices(), body)
    if choice is None:
        return Unclear(mtexts.REPLY_SUMMARY)
    return Confirm() if choice.value == Action.CONFIRM.value else Answer(Action.CHANGE, [choice.value])


def _experience(body: str) -> Reply:
    found = _LEADING_NUMBER.match(body)
    choices = experience_choices()
    if found is not None:
        choice = pick_one(choices, found.group(1))
        note = (found.group(2) or "").strip()
    else:
        choice, note = pick_one(choices, body), ""
    if choice is None:
        return Unclear(mtexts.REPLY_EXPERIENCE)
    return Answer(
        Action.PICK, [choice.value, note] if note and choice.value != Experience.NEW else [choice.value]
    )


def _scores(step: Step, body: str) -> Reply:
    given = numbers(body)
    page = READINESS_PAGES[step]
    if given is None or len(given) != len(page) or not all(1 <= score <= 5 for score in given):
        return Unclear(mtexts.REPLY_SCORES)
    return Answer(
        Action.SCORES, [part for d, score in zip(page, given, strict=True) for part in (d, str(score))]
    )


def _consent(body: str) -> Reply:
    given = numbers(body)
    sharing, contact = sharing_choices(), contact_choices()
    if given is None or len(given) != 2:
        return Unclear(mtexts.REPLY_CONSENT)
    shared = next((c for c in sharing if c.number == given[0]), None)
    contacted = next((c for c in contact if c.number == given[1]), None)
    if shared is None or contacted is None:
        return Unclear(mtexts.REPLY_CONSENT)
    return Answer(Action.CHOOSE, [shared.value, contacted.value])
