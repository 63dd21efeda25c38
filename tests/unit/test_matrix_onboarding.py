"""The onboarding conversation as Matrix messages (matrix_adapter/conversation.py): what each step
shows as numbered choices, and what a reply reads as."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.gazetteer import get_gazetteer
from bot.services.onboarding import Action, Answers, Conversation, Notice, Step
from bot.texts import matrix_onboarding as mtexts
from db.enums import Experience, LocaleSharing, OrganizingPath, ReadinessDimension
from matrix_adapter import conversation, questions
from matrix_adapter.conversation import Answer, Confirm, Unclear, numbers, pick_many, pick_one, read

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def at(step: Step, answers: Answers | None = None, **extra: object) -> Conversation:
    return Conversation(
        session_id=1,
        guild_id=-1,
        user_id=-2,
        step=step,
        answers=answers or {},
        member_id=1,
        version=0,
        expires_at=NOW,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("2", [2]),
        (" 1 3 ", [1, 3]),
        ("1, 3,4", [1, 3, 4]),
        ("3;4", [3, 4]),
        ("two", None),
        ("1 a", None),
        ("", None),
    ],
)
def test_numbers(body: str, expected: list[int] | None) -> None:
    assert numbers(body) == expected


def test_a_choice_by_number_or_by_its_words() -> None:
    choices = conversation.place_confirm_choices()
    assert pick_one(choices, "1") == choices[0]
    assert pick_one(choices, "Yes") == choices[0]
    assert pick_one(choices, "  yes! ") == choices[0]
    assert pick_one(choices, "that's not my place") == choices[2]
    assert pick_one(choices, "4") is None
    assert pick_one(choices, "1 2") is None
    assert pick_one(choices, "maybe") is None


def test_many_choices_each_once_and_within_the_limit() -> None:
    choices = conversation.language_choices()
    assert [c.value for c in pick_many(choices, "1 3 1") or []] == ["en", "fr"]
    assert [c.value for c in pick_many(choices, "English, French") or []] == ["en", "fr"]
    assert [c.value for c in pick_many(choices, "es and de") or []] == ["es", "de"]
    assert pick_many(choices, "1 99") is None
    assert pick_many(choices, "1 2 3 4 5 6", limit=5) is None


def test_the_place_is_typed_and_a_named_area_is_offered_by_number() -> None:
    assert read(at(Step.PLACE), "Leeds", now=NOW) == Answer(Action.TEXT, ["Leeds"])
    assert isinstance(read(at(Step.PLACE), "   ", now=NOW), Unclear)
    missed = at(Step.PLACE, {"place_understood": "region:US.TX"}, notice=Notice.PLACE_NOT_FOUND_IN_AREA)
    assert read(missed, "1", now=NOW, understood_area="Texas") == Answer(Action.USE_UNDERSTOOD, [])
    shown = questions.question(missed, now=NOW, understood_area="Texas")
    assert "**1** · Just use Texas" in shown
    assert shown.endswith(mtexts.REPLY_PLACE_OR_NUMBER)


def test_a_place_picked_among_candidates_or_none_of_these() -> None:
    gazetteer = get_gazetteer()
    places = gazetteer.resolve("Portland").candidates[:3]
    assert len(places) >= 2
    shown_at = at(Step.PLACE_PICK, {"place_candidates": [p.key for p in places]}, candidates=tuple(places))
    text = questions.question(shown_at, now=NOW)
    assert f"**1** · {places[0].label}" in text
    assert f"**{len(places) + 1}** · {mtexts.PLACE_PICK_NONE}" in text
    assert read(shown_at, "2", now=NOW) == Answer(Action.PICK, [places[1].key])
    assert read(shown_at, str(len(places) + 1), now=NOW) == Answer(Action.PICK, ["none"])
    assert read(shown_at, "none of these", now=NOW) == Answer(Action.PICK, ["none"])
    assert isinstance(read(shown_at, "9", now=NOW), Unclear)


def test_place_confirm_and_timezones() -> None:
    assert read(at(Step.PLACE_CONFIRM), "1", now=NOW) == Answer(Action.YES, [])
    assert read(at(Step.PLACE_CONFIRM), "2", now=NOW) == Answer(Action.CHANGE_TZ, [])
    assert read(at(Step.PLACE_CONFIRM), "no", now=NOW) == Answer(Action.WRONG_PLACE, [])
    zones = at(Step.TIMEZONE, {"timezone": "America/New_York"})
    timezones = ["America/New_York", "America/Chicago"]
    assert read(zones, "2", timezones=timezones, now=NOW) == Answer(Action.PICK, ["America/Chicago"])
    assert read(zones, "Europe/Berlin", timezones=timezones, now=NOW) == Answer(
        Action.PICK, ["Europe/Berlin"]
    )
    assert "**3** · " in questions.question(zones, timezones=timezones, now=NOW)  # UTC comes last


def test_experience_with_a_note_and_mentoring_by_count() -> None:
    assert read(at(Step.EXPERIENCE), "1", now=NOW) == Answer(Action.PICK, [Experience.NEW.value])
    assert read(at(Step.EXPERIENCE), "2 a tenants' group", now=NOW) == Answer(
        Action.PICK, [Experience.SOME.value, "a tenants' group"]
    )
    assert read(at(Step.EXPERIENCE), "1 nothing yet", now=NOW) == Answer(Action.PICK, [Experience.NEW.value])
    assert isinstance(read(at(Step.EXPERIENCE), "7", now=NOW), Unclear)
    assert read(at(Step.MENTORING), "0", now=NOW) == Answer(Action.PICK, ["0"])
    assert read(at(Step.MENTORING), "3", now=NOW) == Answer(Action.PICK, ["3"])
    assert isinstance(read(at(Step.MENTORING), "6", now=NOW), Unclear)


def test_paths_scores_and_consent() -> None:
    paths = list(OrganizingPath)
    assert read(at(Step.PATHS), "2 5", now=NOW) == Answer(Action.PICK, [paths[1].value, paths[4].value])
    page = (
        ReadinessDimension.RESOURCES,
        ReadinessDimension.SPEAKING_CONFIDENCE,
        ReadinessDimension.POLITICAL_INFORMEDNESS,
    )
    assert read(at(Step.READINESS_1), "3 4 2", now=NOW) == Answer(
        Action.SCORES, [page[0], "3", page[1], "4", page[2], "2"]
    )
    assert isinstance(read(at(Step.READINESS_1), "3 4", now=NOW), Unclear)
    assert isinstance(read(at(Step.READINESS_1), "3 4 6", now=NOW), Unclear)
    assert read(at(Step.CONSENT), "2 1", now=NOW) == Answer(
        Action.CHOOSE, [LocaleSharing.REGION.value, "yes"]
    )
    assert read(at(Step.CONSENT), "3 2", now=NOW) == Answer(
        Action.CHOOSE, [LocaleSharing.NOTHING.value, "no"]
    )
    assert isinstance(read(at(Step.CONSENT), "4 1", now=NOW), Unclear)


def test_the_summary_confirms_or_changes_one_answer() -> None:
    answers: Answers = {
        "timezone": "Europe/London",
        "languages": ["en"],
        "experience": Experience.SOME.value,
        "experience_note": "a **bold** union drive",
        "mentor_capacity": 2,
        "paths": [OrganizingPath.REMOTE.value],
        "readiness": {d.value: 3 for d in ReadinessDimension},
        "locale_sharing": LocaleSharing.TOWN.value,
        "organizer_contact_ok": True,
    }
    summary = at(Step.SUMMARY, answers)
    assert read(summary, "1", now=NOW) == Confirm()
    assert read(summary, "confirm", now=NOW) == Confirm()
    assert read(summary, "2", now=NOW) == Answer(Action.CHANGE, ["place"])
    text = questions.question(summary, now=NOW)
    assert "“a bold union drive”" in text  # a member's words never carry emphasis markers
    assert "Yes, up to 2" in text
    assert text.endswith(mtexts.REPLY_SUMMARY)


def test_every_question_says_where_the_member_is_and_how_to_reply() -> None:
    first = questions.question(at(Step.PLACE), now=NOW)
    assert first.startswith("Getting to know you · 1/9\n")
    assert first.endswith(mtexts.REPLY_PLACE)
    again = questions.question(at(Step.LANGUAGES), now=NOW, unclear=Unclear(mtexts.REPLY_NUMBER))
    assert "Sorry, I didn't understand that." in again
    suggested = questions.question(at(Step.LANGUAGES, {"suggested_languages": ["de"]}), now=NOW)
    assert "**4** · Deutsch (German) (suggested)" in suggested


def test_a_not_found_place_is_echoed_as_plain_text() -> None:
    missed = at(Step.PLACE, notice=Notice.PLACE_NOT_FOUND, echo="**Zz**\nx")
    text = questions.question(missed, now=NOW)
    assert "**Zz x**" in text  # the echo's own asterisks dropped; the template's emphasis kept


def test_an_answer_the_service_refused_is_said_above_the_question_again() -> None:
    text = questions.question(at(Step.TIMEZONE), now=NOW, problem="Sorry, I couldn't use that answer.")
    assert text.startswith("Getting to know you · 2/9\n⚠ Sorry, I couldn't use that answer.\n")
    assert "Sorry, I didn't understand" not in text
