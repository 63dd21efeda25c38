"""What each answer does to the conversation: validated, applied, and where it leads next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
from bot.services.onboarding._model import Action, Answers, Notice
from bot.services.place_answers import MAX_PICK, PlaceResolver, look_up
from bot.services.typed import typed_text
from bot.texts import onboarding as texts
from db.enums import Experience, LocaleSharing

MAX_PLACE_CANDIDATES = MAX_PICK  # a select holds 25 options; one is "none of these"


@dataclass(slots=True)
class Outcome:
    """Where an answer leads: the next step (None: stay), and why the step is shown again."""

    step: Step | None = None
    notice: Notice | None = None
    echo: str | None = None
    candidates: tuple[Place, ...] = ()
    understood: Place | None = None


Applier = Callable[[Action, list[str], Answers, PlaceResolver], Outcome]


MAX_TYPED = 2 * MAX_NOTE_LENGTH  # what any answer keeps of a longer text (each step caps its own)


def apply(
    step: Step, action: Action, values: list[str], answers: Answers, resolver: PlaceResolver
) -> Outcome:
    """Apply one answer to `answers` (in place); a malformed one is refused without a change.
    What the member typed is made storable first (``typed_text``)."""
    try:
        typed = [typed_text(value, limit=MAX_TYPED) for value in values]
        return _APPLY[step](action, typed, answers, resolver)
    except (KeyError, IndexError, ValueError, TypeError):
        raise GroundworkError(texts.INVALID_ANSWER) from None


def _advance(step: Step, answers: Answers) -> Outcome:
    return Outcome(step=next_step(step, answers))


def _forget_place_state(answers: Answers) -> None:
    """Drop what the place step keeps besides the place itself: the keys offered to pick from
    and why, whether the place came from a postal code, the area a not-found answer named."""
    answers.pop("place_candidates", None)
    answers.pop("place_pick_reason", None)
    answers.pop("place_from_postal", None)
    answers.pop("place_understood", None)


def _choose_place(place: Place, answers: Answers, *, postal: bool = False) -> None:
    postal = postal or (answers.get("place_pick_reason") in ("postal", "postal_countries"))
    _forget_place_state(answers)
    answers["place"] = place.key
    answers["timezone"] = place.timezone
    if postal:
        answers["place_from_postal"] = True


def _place(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    """A typed answer; nothing of what was typed is kept, only the place(s) it led to."""
    if action == Action.USE_UNDERSTOOD:
        return _use_understood(answers, resolver)
    if action not in (Action.TEXT, Action.AREA_TEXT):
        raise ValueError(action)
    area_only = action == Action.AREA_TEXT
    found = look_up(resolver, values[0], areas_only=area_only)
    if found.kind == "invalid":
        return Outcome(notice=Notice.invalid_place(found.reason))
    if found.kind == "postal_unknown":
        return Outcome(notice=Notice.POSTAL_UNKNOWN)
    _forget_place_state(answers)
    if found.kind == "not_found":
        understood = found.understood
        if understood is not None and understood.precision != "city":
            answers["place_understood"] = understood.key
        notice = Notice.AREA_NOT_FOUND if area_only else Notice.PLACE_NOT_FOUND
        if understood is not None:
            notice = Notice.PLACE_NOT_FOUND_IN_AREA
        elif found.postal:
            notice = Notice.POSTAL_UNKNOWN
        return Outcome(notice=notice, echo=found.echo, understood=understood)
    if found.kind == "confirm":
        best = found.candidates[0]
        _choose_place(best, answers, postal=found.postal)
        return Outcome(step=Step.PLACE_CONFIRM)
    answers["place_candidates"] = [place.key for place in found.candidates]
    answers["place_pick_reason"] = found.reason or "same_name"
    return Outcome(step=Step.PLACE_PICK, candidates=found.candidates)


def _use_understood(answers: Answers, resolver: PlaceResolver) -> Outcome:
    """The area a not-found answer named ("Texas"), taken as the member's place."""
    place = resolver.place_by_key(answers.get("place_understood", ""))
    if place is None:
        raise ValueError("no area understood")
    _choose_place(place, answers)
    return Outcome(step=Step.PLACE_CONFIRM)


def _place_pick(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    if action != Action.PICK:
        raise ValueError(action)
    if values == ["none"]:
        _forget_place_state(answers)
        return Outcome(step=Step.PLACE, notice=Notice.PLACE_NONE_OF_THESE)
    place = resolver.place_by_key(values[0])
    if place is None or values[0] not in answers.get("place_candidates", []):
        raise ValueError(values)
    _choose_place(place, answers)
    return _advance(Step.PLACE_PICK, answers)


def _place_confirm(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    if action == Action.WRONG_PLACE:
        answers.pop("place", None)
        _forget_place_state(answers)
        return Outcome(step=Step.PLACE, notice=Notice.PLACE_NONE_OF_THESE)
    if action == Action.CHANGE_TZ:
        return Outcome(step=Step.TIMEZONE)
    if action != Action.YES or not answers.get("place"):
        raise ValueError(action)
    return _advance(Step.PLACE_CONFIRM, answers)


def _timezone(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    if action != Action.PICK or not valid_timezone(values[0]):
        raise ValueError(values)
    answers["timezone"] = values[0]
    return _advance(Step.TIMEZONE, answers)


def _languages(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    chosen = languages.known(values)
    if action != Action.PICK or not chosen:
        raise ValueError(values)
    answers["languages"] = chosen[:MAX_LANGUAGES]
    return _advance(Step.LANGUAGES, answers)


def _experience(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    level = Experience(values[0])
    if action != Action.PICK:
        raise ValueError(action)
    answers["experience"] = level.value
    note = values[1].strip() if len(values) > 1 else ""
    if level == Experience.NEW:
        answers.pop("experience_note", None)
        answers.pop("mentor_capacity", None)
    elif note:
        answers["experience_note"] = note[:MAX_NOTE_LENGTH]
    return _advance(Step.EXPERIENCE, answers)


def _mentoring(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    capacity = int(values[0])
    if action != Action.PICK or not 0 <= capacity <= MAX_MENTEES_OFFERED:
        raise ValueError(values)
    answers["mentor_capacity"] = capacity
    return _advance(Step.MENTORING, answers)


def _paths(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    if action != Action.PICK:
        raise ValueError(action)
    answers["paths"] = valid_paths(values)
    return _advance(Step.PATHS, answers)


def _readiness(step: Step) -> Applier:
    def apply_scores(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
        """values: dimension, score, dimension, score, ... for every dimension of the page."""
        if action != Action.SCORES:
            raise ValueError(action)
        given = dict(zip(values[0::2], values[1::2], strict=True))
        page = READINESS_PAGES[step]
        if set(given) != set(page):
            return Outcome(notice=Notice.READINESS_INCOMPLETE)
        answers["readiness"] = {**answers.get("readiness", {}), **{d: valid_score(given[d]) for d in page}}
        return _advance(step, answers)

    return apply_scores


def _consent(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    if action != Action.CHOOSE:
        raise ValueError(action)
    sharing, contact = values
    if contact not in ("yes", "no"):
        raise ValueError(values)
    answers["locale_sharing"] = LocaleSharing(sharing).value
    answers["organizer_contact_ok"] = contact == "yes"
    return _advance(Step.CONSENT, answers)


def _summary(action: Action, values: list[str], answers: Answers, resolver: PlaceResolver) -> Outcome:
    target = Step(values[0])
    if action != Action.CHANGE or target not in CHANGEABLE:
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
