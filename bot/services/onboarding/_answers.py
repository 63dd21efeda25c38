"""What each answer does to the conversation: validated, applied, and where it leads next."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from bot.errors import GroundworkError
from bot.services import languages
from bot.services.gazetteer import Place, Resolution
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
from bot.texts import onboarding as texts
from db.enums import Experience, LocaleSharing

MAX_PLACE_QUERY = 100
MAX_PLACE_CANDIDATES = 24  # a select holds 25 options; one is "none of these"


class PlaceResolver(Protocol):
    """What the conversation needs of the gazetteer."""

    def resolve(
        self,
        text: str,
        *,
        country_hint: str | None = None,
        home_countries: Collection[str] = (),
        limit: int = 25,
    ) -> Resolution: ...

    def place_by_key(self, key: str) -> Place | None: ...


@dataclass(slots=True)
class Outcome:
    """Where an answer leads: the next step (None: stay), and why the step is shown again."""

    step: Step | None = None
    notice: str | None = None
    echo: str | None = None
    candidates: tuple[Place, ...] = ()


Applier = Callable[[str, list[str], dict[str, Any], PlaceResolver], Outcome]


def apply(
    step: Step, action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver
) -> Outcome:
    """Apply one answer to `answers` (in place); a malformed one is refused without a change."""
    try:
        return _APPLY[step](action, values, answers, resolver)
    except (KeyError, IndexError, ValueError, TypeError):
        raise GroundworkError(texts.INVALID_ANSWER) from None


def _advance(step: Step, answers: dict[str, Any]) -> Outcome:
    return Outcome(step=next_step(step, answers))


def _choose_place(place: Place, answers: dict[str, Any]) -> None:
    answers["place"] = place.key
    answers["timezone"] = place.timezone
    answers.pop("place_candidates", None)


def _place(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    if action not in ("text", "area_text"):
        raise ValueError(action)
    typed = " ".join(values[0].split())[:MAX_PLACE_QUERY]
    resolution = resolver.resolve(typed)
    if resolution.kind == "invalid":
        return Outcome(notice="place_invalid")
    candidates = resolution.candidates
    if action == "area_text":
        candidates = tuple(place for place in candidates if place.precision != "city")
    if not candidates:
        return Outcome(notice="area_not_found" if action == "area_text" else "place_not_found", echo=typed)
    if resolution.kind == "match" and candidates[0] == resolution.best:
        _choose_place(candidates[0], answers)
        return Outcome(step=Step.PLACE_CONFIRM)
    answers["place_candidates"] = [place.key for place in candidates[:MAX_PLACE_CANDIDATES]]
    return Outcome(step=Step.PLACE_PICK, candidates=candidates[:MAX_PLACE_CANDIDATES])


def _place_pick(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    if action != "pick":
        raise ValueError(action)
    if values == ["none"]:
        answers.pop("place_candidates", None)
        return Outcome(step=Step.PLACE)
    place = resolver.place_by_key(values[0])
    if place is None or values[0] not in answers.get("place_candidates", []):
        raise ValueError(values)
    _choose_place(place, answers)
    return _advance(Step.PLACE_PICK, answers)


def _place_confirm(
    action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver
) -> Outcome:
    if action == "wrong_place":
        answers.pop("place", None)
        return Outcome(step=Step.PLACE)
    if action == "change_tz":
        return Outcome(step=Step.TIMEZONE)
    if action != "yes" or not answers.get("place"):
        raise ValueError(action)
    return _advance(Step.PLACE_CONFIRM, answers)


def _timezone(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    if action != "pick" or not valid_timezone(values[0]):
        raise ValueError(values)
    answers["timezone"] = values[0]
    return _advance(Step.TIMEZONE, answers)


def _languages(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    chosen = languages.known(values)
    if action != "pick" or not chosen:
        raise ValueError(values)
    answers["languages"] = chosen[:MAX_LANGUAGES]
    return _advance(Step.LANGUAGES, answers)


def _experience(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
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


def _mentoring(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    capacity = int(values[0])
    if action != "pick" or not 0 <= capacity <= MAX_MENTEES_OFFERED:
        raise ValueError(values)
    answers["mentor_capacity"] = capacity
    return _advance(Step.MENTORING, answers)


def _paths(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    if action != "pick":
        raise ValueError(action)
    answers["paths"] = valid_paths(values)
    return _advance(Step.PATHS, answers)


def _readiness(step: Step) -> Applier:
    def apply_scores(
        action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver
    ) -> Outcome:
        """values: dimension, score, dimension, score, ... for every dimension of the page."""
        if action != "scores":
            raise ValueError(action)
        given = dict(zip(values[0::2], values[1::2], strict=True))
        page = READINESS_PAGES[step]
        if set(given) != set(page):
            return Outcome(notice="readiness_incomplete")
        answers["readiness"] = {**answers.get("readiness", {}), **{d: valid_score(given[d]) for d in page}}
        return _advance(step, answers)

    return apply_scores


def _consent(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    if action != "choose":
        raise ValueError(action)
    sharing, contact = values
    if contact not in ("yes", "no"):
        raise ValueError(values)
    answers["locale_sharing"] = LocaleSharing(sharing).value
    answers["organizer_contact_ok"] = contact == "yes"
    return _advance(Step.CONSENT, answers)


def _summary(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    target = Step(values[0])
    if action != "change" or target not in CHANGEABLE:
        raise ValueError(values)
    answers["return_to_summary"] = True
    return Outcome(step=target)


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
