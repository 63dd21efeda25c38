"""Errors the domain raises on purpose, each with words for the member who caused it."""

from __future__ import annotations

from collections.abc import Callable


class GroundworkError(Exception):
    """A refusal or problem the member should be told about, in plain words.

    ``people`` names the members the words are about, by user id, for the template's fields
    ("{who}"): the adapter renders each as a mention in its own markup (``render``), so a
    service never writes chat markup.
    """

    def __init__(self, user_message: str, **people: int) -> None:
        super().__init__(user_message)
        self.template = user_message
        self.people = people

    def render(self, mention: Callable[[int], str]) -> str:
        """The words, each person named as ``mention`` writes them."""
        if not self.people:
            return self.template
        return self.template.format(**{field: mention(user_id) for field, user_id in self.people.items()})

    @property
    def user_message(self) -> str:
        """The words, people named plainly (for logs and adapters without mentions)."""
        return self.render(lambda user_id: f"member {user_id}")


class NotAllowedError(GroundworkError):
    """The member may not do this."""


class NotFoundError(GroundworkError):
    """What the member refers to does not exist (any more)."""
