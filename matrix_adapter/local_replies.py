"""How the local questions are answered on Matrix, where there are no buttons: a word in the direct
room ("yes", "not now", "never") for the latest question the bot asked there, or a `!gw yes n12`
command naming the question by its code, which works whenever it was asked (across restarts too).

A code is a letter for the kind of question and the id the service gave it: n12 is the offer to
meet neighbours number 12. Pure: no network, no database.
"""

from __future__ import annotations

import enum
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot


class Kind(enum.StrEnum):
    NEIGHBOURS = "n"  # "members live near you: want to meet them?" (a neighbours offer)
    ASK = "a"  # a neighbour asked whether they would like to meet a newcomer (an introduction)
    CIRCLE = "c"  # "a circle meets near you: join it?" (a circle membership)
    BUDDY = "b"  # a buddy offer (the member's row in the group)
    BUDDY_FOLLOWUP = "f"  # "did you talk?" a week after a buddy introduction
    PRACTICE_FOLLOWUP = "p"  # "did your practice call happen?" (a practice request)


class Choice(enum.StrEnum):
    YES = "yes"
    NO = "no"  # no, not now, not yet
    NEVER = "never"  # no, and don't ask again (for a buddy follow-up: not a good fit)


# What each kind of question takes.
TAKES: dict[Kind, frozenset[Choice]] = {
    Kind.NEIGHBOURS: frozenset(Choice),
    Kind.ASK: frozenset(Choice),
    Kind.CIRCLE: frozenset({Choice.YES, Choice.NO}),
    Kind.BUDDY: frozenset(Choice),
    Kind.BUDDY_FOLLOWUP: frozenset(Choice),
    Kind.PRACTICE_FOLLOWUP: frozenset({Choice.YES, Choice.NO}),
}

_WORDS: dict[str, Choice] = {
    **dict.fromkeys(
        ("yes", "y", "yeah", "yep", "yes please", "sure", "ok", "okay", "join", "talked", "we talked"),
        Choice.YES,
    ),
    **dict.fromkeys(
        ("yes it did", "it did", "yes we talked", "introduce us", "yes introduce us"), Choice.YES
    ),
    **dict.fromkeys(
        ("no", "n", "nope", "no thanks", "no thank you", "not now", "later", "not yet", "not this time"),
        Choice.NO,
    ),
    **dict.fromkeys(
        (
            "never",
            "stop",
            "don't ask again",
            "dont ask again",
            "don't ask me again",
            "dont ask me again",
            "not a fit",
            "not a good fit",
        ),
        Choice.NEVER,
    ),
}
_CODE = re.compile(r"^#?([a-z])(\d{1,12})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Question:
    """One question the bot asked someone: its kind and the service's id for it."""

    kind: Kind
    subject_id: int

    @property
    def code(self) -> str:
        return f"{self.kind.value}{self.subject_id}"

    def takes(self, choice: Choice) -> bool:
        return choice in TAKES[self.kind]


@dataclass(frozen=True, slots=True)
class BadCode:
    """A command whose code names no kind of question (or is not a code at all)."""

    text: str


def _normal(text: str) -> str:
    words = text.casefold().replace("’", "'").replace(",", " ").split()
    return " ".join(words).strip(".!?:;")


def read_choice(body: str) -> Choice | None:
    """The answer a plain reply gives ("Yes!", "not now", "Never."), or None when it is none."""
    return _WORDS.get(_normal(body).strip())


def parse_code(text: str) -> Question | BadCode | None:
    """A command's argument: the question it names (n12), None when there is no argument."""
    words = text.split()
    if not words:
        return None
    found = _CODE.match(words[0])
    if found is None:
        return BadCode(words[0][:20])
    try:
        kind = Kind(found.group(1).lower())
    except ValueError:
        return BadCode(words[0][:20])
    return Question(kind, int(found.group(2)))


class Asked:
    """The latest local question asked of each Matrix user (kept in memory: after a restart,
    answers need the code)."""

    def __init__(self) -> None:
        self._latest: dict[str, Question] = {}

    def remember(self, user: str, question: Question) -> None:
        self._latest[user] = question

    def latest(self, user: str) -> Question | None:
        return self._latest.get(user)

    def forget(self, user: str, question: Question) -> None:
        if self._latest.get(user) == question:
            del self._latest[user]


_asked: weakref.WeakKeyDictionary[MatrixBot, Asked] = weakref.WeakKeyDictionary()


def asked(bot: MatrixBot) -> Asked:
    """The questions one bot asked (made on first use)."""
    found = _asked.get(bot)
    if found is None:
        found = _asked[bot] = Asked()
    return found
