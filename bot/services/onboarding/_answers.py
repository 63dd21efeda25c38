"""What each answer does to the conversation: validated, applied, and where it leads next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.errors import GroundworkError
from bot.services import languages
from bot.services.gazetteer import Place
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
from bot.services.place_answers import MAX_PICK, PlaceResolver, look_up
from bot.services.typed import typed_text
from bot.texts import onboarding as texts
from db.enums import Experience, LocaleSharing

MAX_PLACE_CANDIDATES = MAX_PICK  # a select holds 25 options; one is "none of these"

# What the place step keeps in the answers besides the place itself: the keys offered to pick
# from and why (see place_answers.PickReason), whether the place came from a postal code (the
# code itself is never kept), and the area a not-found answer named, to offer it.
_PLACE_STATE = ("place_candidates", "place_pick_reason", "place_from_postal", "place_understood")


@dataclass(slots=True)
class Outcome:
    """Where an answer leads: the next step (None: stay), and why the step is shown again."""

    step: Step | None = None
    notice: str | None = None
    echo: str | None = None
    candidates: tuple[Place, ...] = ()
    understood: Place | None = None


Applier = Callable[[str, list[str], dict[str, Any], PlaceResolver], Outcome]


MAX_TYPED = 2 * MAX_NOTE_LENGTH  # what any answer keeps of a longer text (each step caps its own)


def apply(
    step: Step, action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver
) -> Outcome:
    """Apply one answer to `answers` (in place); a malformed one is refused without a change.
    What the member typed is made storable first (``typed_text``)."""
    try:
        typed = [typed_text(value, limit=MAX_TYPED) for value in values]
        return _APPLY[step](action, typed, answers, resolver)
    except (KeyError, IndexError, ValueError, TypeError):
        raise GroundworkError(texts.INVALID_ANSWER) from None


def _advance(step: Step, answers: dict[str, Any]) -> Outcome:
    return Outcome(step=next_step(step, answers))


def _forget_place_state(answers: dict[str, Any]) -> None:
    for key in _PLACE_STATE:
        answers.pop(key, None)


def _choose_place(place: Place, answers: dict[str, Any], *, postal: bool = False) -> None:
    postal = postal or (answers.get("place_pick_reason") in ("postal", "postal_countries"))
    _forget_place_state(answers)
    answers["place"] = place.key
    answers["timezone"] = place.timezone
    if postal:
        answers["place_from_postal"] = True


def _place(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    """A typed answer; nothing of what was typed is kept, only the place(s) it led to."""
    if action == "use_understood":
        return _use_understood(answers, resolver)
    if action not in ("text", "area_text"):
        raise ValueError(action)
    area_only = action == "area_text"
    found = look_up(resolver, values[0], areas_only=area_only)
    if found.kind == "invalid":
        return Outcome(notice=f"place_invalid_{found.reason}")
    if found.kind == "postal_unknown":
        return Outcome(notice="postal_unknown")
    _forget_place_state(answers)
    if found.kind == "not_found":
        understood = found.understood
        if understood is not None and understood.precision != "city":
            answers["place_understood"] = understood.key
        notice = "area_not_found" if area_only else "place_not_found"
        if understood is not None:
            notice = "place_not_found_in_area"
        elif found.postal:
            notice = "postal_unknown"
        return Outcome(notice=notice, echo=found.echo, understood=understood)
    if found.kind == "confirm":
        best = found.candidates[0]
        _choose_place(best, answers, postal=found.postal)
        return Outcome(step=Step.PLACE_CONFIRM)
    answers["place_candidates"] = [place.key for place in found.candidates]
    answers["place_pick_reason"] = found.reason
    return Outcome(step=Step.PLACE_PICK, candidates=found.candidates)


def _use_understood(answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    """The area a not-found answer named ("Texas"), taken as the member's place."""
    place = resolver.place_by_key(answers.get("place_understood", ""))
    if place is None:
        raise ValueError("no area understood")
    _choose_place(place, answers)
    return Outcome(step=Step.PLACE_CONFIRM)


def _place_pick(action: str, values: list[str], answers: dict[str, Any], resolver: PlaceResolver) -> Outcome:
    if action != "pick":
        raise ValueError(action)
    if values == ["none"]:
        _forget_place_state(answers)
        return Outcome(step=Step.PLACE, notice="place_none_of_these")
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
        _forget_place_state(answers)
        return Outcome(step=Step.PLACE, notice="place_none_of_these")
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
