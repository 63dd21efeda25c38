"""Local life on Matrix without a server: how the yes / no / never replies and the questions'
codes read (matrix_adapter/local_replies.py), what the introductions and the circle's welcome
say, that the Matrix messenger has every local and buddy send of bot/ports with the same
signatures, and which durable steps the Matrix adapter leaves without a handler."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bot import ports
from bot.config import MatrixSettings
from bot.services import buddies, circles, neighbours, practice
from bot.services.neighbours import Person
from db.enums import ChatTaskKind, Experience
from matrix_adapter import MatrixBot, render
from matrix_adapter.circle_rooms import circle_number, parent_state, server_of, starter_text
from matrix_adapter.local_introductions import buddy_text, neighbour_text, practice_text
from matrix_adapter.local_messages import ask_text, name
from matrix_adapter.local_replies import Asked, BadCode, Choice, Kind, Question, parse_code, read_choice
from matrix_adapter.messenger import MatrixMessenger


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("yes", Choice.YES),
        ("Yes!", Choice.YES),
        ("  YES please ", Choice.YES),
        ("we talked", Choice.YES),
        ("no", Choice.NO),
        ("Not now.", Choice.NO),
        ("not yet", Choice.NO),
        ("no, thanks", Choice.NO),
        ("never", Choice.NEVER),
        ("Don’t ask me again", Choice.NEVER),
        ("not a good fit", Choice.NEVER),
        ("1", None),
        ("yes no", None),
        ("Leeds", None),
        ("", None),
    ],
)
def test_a_plain_reply_reads_as_yes_no_or_never(body: str, expected: Choice | None) -> None:
    assert read_choice(body) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("n12", Question(Kind.NEIGHBOURS, 12)),
        ("A7", Question(Kind.ASK, 7)),
        ("#c3", Question(Kind.CIRCLE, 3)),
        ("b40 please", Question(Kind.BUDDY, 40)),
        ("f2", Question(Kind.BUDDY_FOLLOWUP, 2)),
        ("p9", Question(Kind.PRACTICE_FOLLOWUP, 9)),
        ("", None),
        ("z99", BadCode("z99")),
        ("12", BadCode("12")),
        ("n", BadCode("n")),
        ("n1234567890123", BadCode("n1234567890123")),
    ],
)
def test_a_command_names_its_question_by_code(args: str, expected: Question | BadCode | None) -> None:
    assert parse_code(args) == expected


def test_a_code_is_the_kind_and_the_id_and_each_kind_takes_its_choices() -> None:
    assert Question(Kind.NEIGHBOURS, 12).code == "n12"
    assert parse_code(Question(Kind.BUDDY_FOLLOWUP, 5).code) == Question(Kind.BUDDY_FOLLOWUP, 5)
    assert Question(Kind.ASK, 1).takes(Choice.NEVER)
    assert not Question(Kind.CIRCLE, 1).takes(Choice.NEVER)
    assert not Question(Kind.PRACTICE_FOLLOWUP, 1).takes(Choice.NEVER)


def test_the_latest_question_is_the_one_a_plain_reply_answers_and_is_forgotten_once_answered() -> None:
    asked = Asked()
    first, second = Question(Kind.NEIGHBOURS, 1), Question(Kind.CIRCLE, 2)
    asked.remember("@a:x", first)
    asked.remember("@a:x", second)
    assert asked.latest("@a:x") == second
    asked.forget("@a:x", first)  # not the latest: kept
    assert asked.latest("@a:x") == second
    asked.forget("@a:x", second)
    assert asked.latest("@a:x") is None
    assert asked.latest("@b:x") is None


def test_member_text_in_a_name_cannot_become_markup() -> None:
    assert name("**Leeds** <b>x</b>") == "Leeds <b>x</b>"
    assert "&lt;b&gt;" in render.formatted(f"**{name('<b>x</b>')}**")
    assert name(None, "fallback") == "fallback"


def test_the_neighbour_asked_learns_only_what_the_asker_shares() -> None:
    ask = neighbours.Ask(3, -1, -5, None, ("discussion_group",), 40.0)
    text = ask_text(ask)
    assert "they keep their town private" in text
    assert "start a discussion or reading group" in text


def test_the_neighbours_introduction_names_both_by_their_matrix_ids_with_times_in_utc() -> None:
    intro = neighbours.Introduction(
        introduction_id=1,
        guild_id=-1,
        requester=Person(-2, "Leeds", ("discussion_group",)),
        neighbour=Person(-3, None, ("discussion_group",)),
        shared_paths=("discussion_group",),
        introductions_channel_id=None,
        suggested_times=(datetime(2026, 12, 5, 18, tzinfo=UTC), datetime(2026, 12, 7, 18, tzinfo=UTC)),
    )
    text = neighbour_text(intro, "@a:x", "@b:x")
    assert text.startswith("Hi @a:x and @b:x!")
    assert "**@b:x:** lives nearby" in text
    assert "Saturday 05 December, 18:00 UTC" in text
    assert "<@" not in text and "<t:" not in text  # no Discord markup


def test_the_circle_welcome_names_its_members_and_the_organizer_from_outside() -> None:
    decision = circles.Decision(
        space=circles.Space(7, -1, "Leeds circle", None, False),
        opened=True,
        member_user_ids=(-2, -3),
        organizer_user_id=-4,
        paths=("discussion_group",),
        category_id=None,
        introductions_channel_id=None,
    )
    text = starter_text(decision, {-2: "@a:x", -3: "@b:x", -4: "@org:x"})
    assert text.startswith("Welcome to **Leeds circle**!")
    assert "@a:x, @b:x" in text
    assert "@org:x is an experienced organizer nearby" in text
    assert "\n\n" not in text


def test_a_circle_room_names_its_space_and_the_number_is_read() -> None:
    assert server_of("@groundwork:example.org") == "example.org"
    assert parent_state("!space:example.org", "example.org") == {
        "type": "m.space.parent",
        "state_key": "!space:example.org",
        "content": {"via": ["example.org"], "canonical": True},
    }
    assert circle_number("3") == 3
    assert circle_number("#12 please") == 12
    assert circle_number("") is None
    assert circle_number("three") is None


def _methods(protocol: type[Any]) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(protocol).items()
        if inspect.iscoroutinefunction(member)
    }


@pytest.mark.parametrize("protocol", [ports.LocalMessages, ports.BuddyMessages])
def test_the_matrix_messenger_has_every_local_and_buddy_send(protocol: type[Any]) -> None:
    for method, expected in _methods(protocol).items():
        implemented = getattr(MatrixMessenger, method, None)
        assert implemented is not None, method
        got = inspect.signature(implemented)
        assert list(got.parameters) == list(expected.parameters), (method, got, expected)


def test_the_matrix_adapter_leaves_no_durable_step_without_a_handler(tmp_path: Path) -> None:
    engine = create_async_engine("sqlite+aiosqlite://")
    settings = MatrixSettings(
        homeserver="http://127.0.0.1:1",
        user_id="@groundwork:localhost",
        password=SecretStr("unused"),
        device_id="TESTDEVICE",
        space_id="!space:localhost",
    )
    bot = MatrixBot(settings, crypto_store=tmp_path / "crypto", sessions=async_sessionmaker(engine))
    assert bot.runtime is not None
    assert ports.missing_steps(bot.runtime.outbox.handlers) == LEFT_WITHOUT_A_HANDLER


# What the Matrix adapter does not carry out (none: every durable step has its Matrix handler).
LEFT_WITHOUT_A_HANDLER: set[ChatTaskKind] = set()


def test_the_buddies_introduction_names_everyone_and_gives_each_their_own_clock() -> None:
    intro = buddies.Introduction(
        group_id=4,
        guild_id=-1,
        buddies=(
            buddies.Buddy(-2, "Leeds", "Europe/London", ("discussion_group",), Experience.EXPERIENCED),
            buddies.Buddy(-3, None, None, ("community_life",), Experience.NEW),
        ),
        shared_paths=(),
        shared_languages=("en",),
        icebreaker=buddies.Icebreaker.EXPERIENCE,
        experienced_user_id=-2,
        suggested_times=(datetime(2026, 7, 5, 18, tzinfo=UTC), datetime(2026, 7, 7, 18, tzinfo=UTC)),
        introductions_channel_id=None,
    )
    text = buddy_text(intro, {-2: "@a:x", -3: "@b:x"})
    assert text.startswith("@a:x, @b:x: meet your buddies!")
    assert "@b:x: area not shared" in text
    assert "19:00 for @a:x" in text  # London in July is UTC+1; @b:x shares no time zone
    assert "English" in text
    assert "<@" not in text and "<t:" not in text


def test_practice_partners_are_introduced_with_their_scripts_and_no_discord_words() -> None:
    match = practice.Match(
        pairing_id=1,
        guild_id=-1,
        suggested_at=datetime(2026, 12, 5, 18, tzinfo=UTC),
        sides=(
            practice.Partner(-2, "run_for_office", "Europe/Berlin", None),
            practice.Partner(-3, "discussion_group", None, None),
        ),
        introductions_channel_id=None,
    )
    text = practice_text(match, {-2: "@a:x", -3: "@b:x"})
    assert text.startswith("Hi @a:x and @b:x!")
    assert "18:00 UTC (19:00 for @a:x)" in text
    assert "**@b:x practises:** inviting someone to a reading group" in text
    assert "Discord" not in text
