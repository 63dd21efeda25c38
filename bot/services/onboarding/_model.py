"""The onboarding conversation's vocabulary: its answers, the actions that answer a step, and
the notices a step is shown again with.

``Answers`` is the JSON kept in ``onboarding_sessions.answers``, typed as it is stored: a
TypedDict, so a row is read and written as the dict it already is (nothing converted on the
hot path) and rows stored before these types existed load and continue as they are. The
actions are the strings in the steps' custom_ids (``gw:ob:<session>:<step>:<action>``), so
buttons in members' DMs keep working; notices are never stored.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypedDict, cast, get_args

from bot.services.place_answers import InvalidReason


class Answers(TypedDict, total=False):
    """What a member answered so far, and what the place step keeps between its questions.

    Values are JSON: enum answers are kept as their values (``Experience``, ``LocaleSharing``,
    ``OrganizingPath``, ``ReadinessDimension``), converted where they are used.
    """

    place: str  # a gazetteer key
    timezone: str
    languages: list[str]
    suggested_languages: list[str]  # from the member's Discord locale, preselected
    experience: str  # an Experience value
    experience_note: str
    mentor_capacity: int
    paths: list[str]  # OrganizingPath values
    readiness: dict[str, int]  # ReadinessDimension value -> score 1-5
    locale_sharing: str  # a LocaleSharing value
    organizer_contact_ok: bool
    return_to_summary: bool  # changing one answer: back to the summary after its part
    changing_profile: bool  # opened from /profile by a member who finished onboarding
    reminded: bool  # the one reminder was sent
    # The place step, between a typed answer and the member's choice (see _answers):
    place_candidates: list[str]  # gazetteer keys offered to pick from
    place_pick_reason: str  # a place_answers.PickReason
    place_from_postal: bool  # the place came from a postal code (never kept itself)
    place_understood: str  # the area a not-found answer named, offered as it is


def stored_answers(raw: Mapping[str, object] | None) -> Answers:
    """The answers of a stored row, as a dict of their own (the caller may change it).

    The column holds what ``Answers`` describes, in every row written since onboarding
    began (no key was ever renamed), so this is a copy, not a conversion."""
    return cast(Answers, dict(raw or {}))


class Action(enum.StrEnum):
    """What a button, select or form does to its step; the value is its custom_id part."""

    TEXT = "text"  # a typed town (place step)
    AREA_TEXT = "area_text"  # a typed county, region or country
    USE_UNDERSTOOD = "use_understood"  # the area a not-found answer named
    PICK = "pick"  # one or more values chosen
    YES = "yes"  # this place and time zone are right
    WRONG_PLACE = "wrong_place"
    CHANGE_TZ = "change_tz"
    SCORES = "scores"  # a readiness page: dimension, score, ...
    CHOOSE = "choose"  # consent: sharing, contact
    CHANGE = "change"  # from the summary: change one answer
    CONFIRM = "confirm"  # confirm the summary
    # These open a form; its submission answers with one of the actions above.
    ASK_PLACE = "ask_place"
    ASK_AREA = "ask_area"
    ASK_NOTE = "ask_note"
    ASK_SCORES = "ask_scores"
    ASK_CONSENT = "ask_consent"

    @property
    def opens_form(self) -> bool:
        return self.value.startswith("ask_")


class Notice(enum.StrEnum):
    """Why a step is shown again (never stored)."""

    # A typed place that cannot name one, by place_answers.InvalidReason:
    PLACE_INVALID_EMPTY = "place_invalid_empty"
    PLACE_INVALID_TOO_LONG = "place_invalid_too_long"
    PLACE_INVALID_MENTION = "place_invalid_mention"
    PLACE_INVALID_LINK = "place_invalid_link"
    PLACE_INVALID_EMOJI = "place_invalid_emoji"
    PLACE_INVALID_NO_LETTERS = "place_invalid_no_letters"
    PLACE_NOT_FOUND = "place_not_found"
    PLACE_NOT_FOUND_IN_AREA = "place_not_found_in_area"
    AREA_NOT_FOUND = "area_not_found"
    POSTAL_UNKNOWN = "postal_unknown"
    PLACE_NONE_OF_THESE = "place_none_of_these"
    READINESS_INCOMPLETE = "readiness_incomplete"

    @classmethod
    def invalid_place(cls, reason: str | None) -> Notice:
        """The notice for a typed place refused as it is (a place_answers.InvalidReason)."""
        try:
            return cls(f"place_invalid_{reason}")
        except ValueError:
            return cls.PLACE_INVALID_NO_LETTERS

    @property
    def invalid_reason(self) -> InvalidReason | None:
        """Why a typed place was refused, for a PLACE_INVALID_* notice."""
        return _INVALID_REASONS.get(self)


_INVALID_REASONS: dict[Notice, InvalidReason] = {
    Notice(f"place_invalid_{reason}"): reason for reason in get_args(InvalidReason)
}
