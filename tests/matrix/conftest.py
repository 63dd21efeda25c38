"""A real Synapse for the Matrix tests: started once per test session, stopped at its end."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.matrix.synapse import Account, Synapse

_names = itertools.count(1)


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    server = Synapse.start(tmp_path_factory.mktemp("synapse"))
    print(f"\nSynapse answered {server.started_in:.2f} s after start at {server.url}")  # noqa: T201
    try:
        yield server
    finally:
        server.stop()


def account(synapse: Synapse, role: str) -> Account:
    """A fresh account per call (tests share one server, never one account)."""
    return synapse.register(f"{role}{next(_names)}")
