"""What moderators read is words, not stored values (issue 18: one name for each thing)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services import moderation
from bot.texts import checkins as checkin_texts
from bot.texts import onboarding as onboarding_texts
from cogs.moderation._render import audit_text
from db.enums import ReadinessDimension

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_audit_lines_are_words() -> None:
    text = audit_text(
        [moderation.AuditLine(AT, 4000, 5001, "member.onboarded", {"precision": "city", "isolated": True})]
    )
    assert "finished onboarding" in text
    assert "known as: town" in text and "alone in their area: yes" in text
    assert "=" not in text and "member.onboarded" not in text


def test_an_action_without_words_is_shown_as_stored() -> None:
    assert "something.new" in audit_text([moderation.AuditLine(AT, None, None, "something.new", {})])


def test_a_dimension_has_one_short_name_everywhere() -> None:
    assert onboarding_texts.SHORT_DIMENSION_LABELS is checkin_texts.SHORT_NAMES
    assert checkin_texts.SHORT_NAMES[ReadinessDimension.ARTICULATION] == "Explaining"
