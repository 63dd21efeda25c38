"""The onboarding conversation's steps, their order, and what counts as a valid answer."""

from __future__ import annotations

import enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.onboarding._model import Answers
from db.enums import Experience, LocaleSharing, OrganizingPath, ReadinessDimension

MAX_NOTE_LENGTH = 1000
MAX_MENTEES_OFFERED = 5
MAX_LANGUAGES = 5


class Step(enum.StrEnum):
    """One question of the conversation; the member is always at exactly one."""

    PLACE = "place"  # where do you live? (typed in a modal)
    PLACE_PICK = "place_pick"  # which of these places? (ambiguous answer)
    PLACE_CONFIRM = "place_confirm"  # this place and this time zone, right?
    TIMEZONE = "timezone"  # pick another time zone
    LANGUAGES = "languages"
    EXPERIENCE = "experience"
    MENTORING = "mentoring"  # willing to mentor, and how many people
    PATHS = "paths"
    READINESS_1 = "readiness_1"
    READINESS_2 = "readiness_2"
    CONSENT = "consent"
    SUMMARY = "summary"


# The order of the questions; conditional ones are skipped by `next_step`.
ORDER = (
    Step.PLACE,
    Step.PLACE_CONFIRM,
    Step.LANGUAGES,
    Step.EXPERIENCE,
    Step.MENTORING,
    Step.PATHS,
    Step.READINESS_1,
    Step.READINESS_2,
    Step.CONSENT,
    Step.SUMMARY,
)

READINESS_PAGES: dict[Step, tuple[ReadinessDimension, ...]] = {
    Step.READINESS_1: (
        ReadinessDimension.RESOURCES,
        ReadinessDimension.SPEAKING_CONFIDENCE,
        ReadinessDimension.POLITICAL_INFORMEDNESS,
    ),
    Step.READINESS_2: (
        ReadinessDimension.ARTICULATION,
        ReadinessDimension.LOCAL_AWARENESS,
        ReadinessDimension.TIME,
    ),
}

# Steps a member may go back to from the summary ("change an answer").
CHANGEABLE = (
    Step.PLACE,
    Step.PLACE_CONFIRM,
    Step.LANGUAGES,
    Step.EXPERIENCE,
    Step.PATHS,
    Step.READINESS_1,
    Step.CONSENT,
)


def offers_mentoring(answers: Answers) -> bool:
    """Only members with some organizing experience are asked whether they would mentor."""
    return answers.get("experience") in (Experience.SOME, Experience.EXPERIENCED)


# Where a part of the conversation begins; changing an answer from the summary runs
# to the end of that part, then returns to the summary.
SECTION_STARTS = frozenset(
    {Step.PLACE, Step.LANGUAGES, Step.EXPERIENCE, Step.PATHS, Step.READINESS_1, Step.CONSENT, Step.SUMMARY}
)


def _following(current: Step, answers: Answers) -> Step:
    if current in (Step.PLACE, Step.PLACE_PICK):
        return Step.PLACE_CONFIRM
    if current == Step.TIMEZONE:
        return Step.LANGUAGES
    following = ORDER[ORDER.index(current) + 1]
    if following == Step.MENTORING and not offers_mentoring(answers):
        following = Step.PATHS
    return following


def next_step(current: Step, answers: Answers) -> Step:
    """The step after `current`, or the summary when the member was changing one answer."""
    following = _following(current, answers)
    if answers.get("return_to_summary") and following in SECTION_STARTS:
        return Step.SUMMARY
    return following


def is_complete(answers: Answers) -> bool:
    """Whether every question has an answer, so the summary can be confirmed."""
    readiness = answers.get("readiness", {})
    return (
        bool(answers.get("place"))
        and bool(answers.get("timezone"))
        and bool(answers.get("languages"))
        and answers.get("experience") in set(Experience)
        and (not offers_mentoring(answers) or "mentor_capacity" in answers)
        and bool(answers.get("paths"))
        and all(dimension in readiness for dimension in ReadinessDimension)
        and answers.get("locale_sharing") in set(LocaleSharing)
        and isinstance(answers.get("organizer_contact_ok"), bool)
    )


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def valid_paths(values: list[str]) -> list[str]:
    known = {path.value for path in OrganizingPath}
    chosen = [value for value in dict.fromkeys(values) if value in known]
    if not chosen:
        raise ValueError("no known path chosen")
    return chosen


def valid_score(value: str) -> int:
    score = int(value)
    if not 1 <= score <= 5:
        raise ValueError("score out of range")
    return score
