"""Errors the domain raises on purpose, each with words for the member who caused it."""

from __future__ import annotations


class GroundworkError(Exception):
    """A refusal or problem the member should be told about, in plain words."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotAllowedError(GroundworkError):
    """The member may not do this."""


class NotFoundError(GroundworkError):
    """What the member refers to does not exist (any more)."""
