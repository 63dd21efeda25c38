"""The onboarding cog's memory of what each member was last shown."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services import onboarding
from bot.services.onboarding import Step
from cogs.onboarding._shown import ShownConversations


def _shown(session_id: int, user_id: int = 1, version: int = 0) -> onboarding.Conversation:
    return onboarding.Conversation(
        session_id=session_id,
        guild_id=10,
        user_id=user_id,
        step=Step.PLACE,
        answers={},
        member_id=session_id,
        version=version,
        expires_at=datetime(2026, 11, 28, tzinfo=UTC),
    )


def test_the_latest_shown_is_kept_per_conversation() -> None:
    shown = ShownConversations()
    shown.keep(_shown(1, version=0))
    shown.keep(_shown(1, version=1))
    kept = shown.get(1, 1)
    assert kept is not None and kept.version == 1 and len(shown) == 1


def test_only_the_member_it_was_shown_to_gets_it() -> None:
    shown = ShownConversations()
    shown.keep(_shown(1, user_id=5))
    assert shown.get(1, 6) is None
    assert shown.get(1, 5) is not None


def test_the_least_recently_used_go_first_when_full() -> None:
    shown = ShownConversations(capacity=2)
    shown.keep(_shown(1))
    shown.keep(_shown(2))
    assert shown.get(1, 1) is not None  # 1 was used: 2 is now the oldest
    shown.keep(_shown(3))
    assert shown.get(2, 1) is None
    assert shown.get(1, 1) is not None and shown.get(3, 1) is not None


def test_a_finished_conversation_is_forgotten() -> None:
    shown = ShownConversations()
    shown.keep(_shown(1))
    shown.forget(1)
    shown.forget(99)  # unknown: nothing happens
    assert shown.get(1, 1) is None and len(shown) == 0
