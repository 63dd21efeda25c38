"""What a member types to answer a check-in on Matrix, understood (no database, no network).

The check-in message lists six questions. The member answers with six numbers from 1 to 5 in
that order ("3 4 2 5 3 4", "3,4,2,5,3,4" or "342534"), or with fewer: the questions still open,
in order (one number answers the next question: step by step). "skip" skips this time; "note
..." keeps a note for their mentor. Anything else is not an answer (another feature may want it),
except numbers mixed with something that is not a 1-5, which is said plainly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.texts import checkins as checkin_texts
from bot.texts import matrix_checkins as texts
from db.enums import ReadinessDimension

ALL = 6
_SEPARATORS = re.compile(r"[\s,;/|.]+")
_NUMBER = re.compile(r"[+-]?\d+")
# Longer than this, a message with a number in it is a sentence, not an answer.
MAX_TOKENS = 8


@dataclass(frozen=True, slots=True)
class Scores:
    """Scores for `dimensions`, in the order the message lists them."""

    dimensions: tuple[ReadinessDimension, ...]
    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Skip:
    pass


@dataclass(frozen=True, slots=True)
class Note:
    text: str  # empty: the member sent the word alone


@dataclass(frozen=True, slots=True)
class Refused:
    """Numbers that cannot be used: what to tell the member."""

    text: str


Answer = Scores | Skip | Note | Refused


def names(dimensions: tuple[ReadinessDimension, ...] | list[ReadinessDimension]) -> str:
    return ", ".join(checkin_texts.SHORT_NAMES[d] for d in dimensions)


def _numbers(tokens: list[str], expected: tuple[int, ...]) -> list[str] | None:
    """The numbers of a message, or None when it is not made of numbers. One run of digits as
    long as an expected answer ("342534") counts digit by digit."""
    if len(tokens) == 1 and len(tokens[0]) in expected and len(tokens[0]) > 1 and tokens[0].isdigit():
        return list(tokens[0])
    if not any(_NUMBER.fullmatch(token) for token in tokens):
        return None
    return tokens


def parse(body: str, missing: list[ReadinessDimension]) -> Answer | None:
    """The answer in a message, given the dimensions still unanswered (in the order asked).
    None: the message is not an answer to a check-in."""
    text = body.strip()
    if not text:
        return None
    first, _, rest = text.partition(" ")
    word = first.lower().rstrip("!.:")
    if word == "skip" and not rest.strip():
        return Skip()
    if word == "note":
        return Note(rest.strip())
    tokens = [token for token in _SEPARATORS.split(text) if token]
    if len(tokens) > MAX_TOKENS:
        return None
    numbers = _numbers(tokens, (ALL, len(missing)))
    if numbers is None:
        return None
    for token in numbers:
        if not _NUMBER.fullmatch(token) or not 1 <= int(token) <= 5:
            return Refused(texts.BAD_SCORE.format(value=token))
    values = tuple(int(token) for token in numbers)
    if len(values) == ALL:
        return Scores(tuple(ReadinessDimension), values)  # all six, in order: changes any given before
    if len(values) <= len(missing):
        return Scores(tuple(missing[: len(values)]), values)
    if len(missing) == ALL or not missing:
        return Refused(texts.WRONG_COUNT.format(count=len(values)))
    return Refused(texts.TOO_MANY_LEFT.format(count=len(values), left=len(missing), names=names(missing)))
