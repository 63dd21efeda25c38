"""The conversations last shown to members, kept so the next click need not read them again.

Only a shortcut: the service writes an answer over a kept conversation only if its row is
still at the version that was shown, and reads the row otherwise. So an entry lost to a
restart, evicted, or out of date costs one read, never a wrong answer.
"""

from __future__ import annotations

from collections import OrderedDict

from bot.services import onboarding

DEFAULT_CAPACITY = 10_000  # members in the middle of a conversation at once; a few KiB each


class ShownConversations:
    """The last conversation shown per onboarding session, least recently used dropped first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._shown: OrderedDict[int, onboarding.Conversation] = OrderedDict()

    def __len__(self) -> int:
        return len(self._shown)

    def get(self, session_id: int, user_id: int) -> onboarding.Conversation | None:
        """What `user_id` was last shown of conversation `session_id`, if it is kept."""
        shown = self._shown.get(session_id)
        if shown is None or shown.user_id != user_id:
            return None
        self._shown.move_to_end(session_id)
        return shown

    def keep(self, conversation: onboarding.Conversation) -> None:
        self._shown[conversation.session_id] = conversation
        self._shown.move_to_end(conversation.session_id)
        while len(self._shown) > self._capacity:
            self._shown.popitem(last=False)

    def forget(self, session_id: int) -> None:
        self._shown.pop(session_id, None)
