"""What a member types to answer a check-in on Matrix (matrix_adapter/checkin_replies.parse)."""

from __future__ import annotations

import pytest

from bot.services.checkins import DIMENSIONS
from bot.texts import matrix_checkins as texts
from matrix_adapter.checkin_replies import Note, Refused, Scores, Skip, parse

ALL = list(DIMENSIONS)


@pytest.mark.parametrize("body", ["3 4 2 5 3 4", "3,4,2,5,3,4", " 3, 4; 2 / 5 3 4 ", "342534", "3.4.2.5.3.4"])
def test_six_numbers_in_any_common_spelling_answer_every_question_in_order(body: str) -> None:
    assert parse(body, ALL) == Scores(tuple(DIMENSIONS), (3, 4, 2, 5, 3, 4))


def test_six_numbers_change_every_answer_even_when_some_were_given() -> None:
    assert parse("1 1 1 1 1 1", ALL[4:]) == Scores(tuple(DIMENSIONS), (1,) * 6)


def test_one_number_answers_the_next_open_question() -> None:
    assert parse("4", ALL[2:]) == Scores((ALL[2],), (4,))


def test_fewer_numbers_answer_the_open_questions_in_order() -> None:
    assert parse("2 5", ALL[1:]) == Scores((ALL[1], ALL[2]), (2, 5))
    assert parse("525", ALL[3:]) == Scores(tuple(ALL[3:]), (5, 2, 5))


@pytest.mark.parametrize(
    ("body", "value"), [("0", "0"), ("6", "6"), ("3 4 9", "9"), ("-1", "-1"), ("3 x", "x")]
)
def test_a_number_out_of_range_is_named(body: str, value: str) -> None:
    assert parse(body, ALL) == Refused(texts.BAD_SCORE.format(value=value))


def test_more_numbers_than_questions_left_are_refused_with_what_is_left() -> None:
    refused = parse("1 2 3", ALL[4:])
    assert refused == Refused(texts.TOO_MANY_LEFT.format(count=3, left=2, names="Local awareness, Time"))


def test_more_than_six_numbers_are_refused() -> None:
    assert parse("1 2 3 4 5 1 2", ALL) == Refused(texts.WRONG_COUNT.format(count=7))


def test_a_run_of_digits_not_as_long_as_an_answer_is_one_number() -> None:
    assert parse("34", ALL) == Refused(texts.BAD_SCORE.format(value="34"))


@pytest.mark.parametrize("body", ["skip", "Skip", "SKIP!", " skip. "])
def test_skip(body: str) -> None:
    assert parse(body, ALL) == Skip()


def test_a_note_keeps_what_follows_the_word() -> None:
    assert parse("Note: asked my neighbour about the bus", ALL) == Note("asked my neighbour about the bus")
    assert parse("note", ALL) == Note("")


@pytest.mark.parametrize(
    "body",
    [
        "",
        "hello",
        "skip the next one please",
        "I met 3 people at the council meeting on Tuesday evening, it was great",
        "thanks!",
    ],
)
def test_what_is_not_an_answer_is_left_to_others(body: str) -> None:
    assert parse(body, ALL) is None
