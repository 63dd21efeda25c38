"""One protocol for everything the core sends (bot/ports.py): the Discord messenger implements all of
it with the same signatures, and so does the recording fake tests use."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from bot import ports
from cogs.messenger import DiscordMessenger
from db.enums import ChatTaskKind
from tests.support.recording_messenger import RecordingMessenger


def _methods(protocol: type[Any]) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for klass in protocol.__mro__
        if getattr(klass, "_is_protocol", False) and klass is not ports.Messenger
        for name, member in vars(klass).items()
        if inspect.iscoroutinefunction(member)
    }


def test_the_protocol_names_every_send() -> None:
    names = set(_methods(ports.Messenger))
    assert {"welcome", "deliver", "offer_mentor", "ask_neighbour", "tell_moderators"} <= names
    assert len(names) >= 20


@pytest.mark.parametrize("adapter", [DiscordMessenger, RecordingMessenger])
def test_an_adapter_implements_all_of_it_with_the_same_signatures(adapter: type[Any]) -> None:
    for name, expected in _methods(ports.Messenger).items():
        implemented = getattr(adapter, name, None)
        assert implemented is not None, f"{adapter.__name__} has no {name}"
        assert inspect.iscoroutinefunction(implemented), name
        got = inspect.signature(implemented)
        assert list(got.parameters) == list(expected.parameters), (adapter.__name__, name, got, expected)
        kinds = [p.kind for p in got.parameters.values()]
        assert kinds == [p.kind for p in expected.parameters.values()], (adapter.__name__, name)


def test_every_durable_step_is_described() -> None:
    assert set(ports.STEPS) == set(ChatTaskKind)
    assert ports.missing_steps(ports.STEPS) == set()
    assert ports.missing_steps([ChatTaskKind.INTRODUCTION]) == set(ChatTaskKind) - {ChatTaskKind.INTRODUCTION}


def test_the_recording_fake_is_a_messenger() -> None:
    messenger: ports.Messenger = RecordingMessenger()  # mypy checks the whole protocol here
    assert messenger is not None
