"""/privacy export as a person reads it: labelled sections, words not stored values, people by name,
no bookkeeping; still every piece of personal data (what they typed, their place, their answers,
their dates); every stored name labelled or knowingly left out; and a sentence saying what is kept."""

from __future__ import annotations

import json
from typing import Any

from bot.services import privacy, privacy_export
from db.engine import SessionMaker
from tests.integration.test_privacy_scan import GUILD, MEMBER, MENTOR, MOD, NEIGHBOUR_1, NOW, _build, _typed


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [key for key, item in value.items() for key in [key, *_keys(item)]]
    if isinstance(value, list):
        return [key for item in value for key in _keys(item)]
    return []


async def _exported(sessions: SessionMaker, user_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    async with sessions() as session:
        data = await privacy.everything_about(session=session, guild_id=GUILD, user_id=user_id)
    names = {MENTOR: "Mira", MOD: "Moderator Mo", NEIGHBOUR_1: "Nell"}
    return data, privacy_export.readable(data, server="Organizers United", now=NOW, names=names)


async def test_the_export_reads_as_labelled_sections_and_keeps_everything_personal(
    sessions: SessionMaker,
) -> None:
    await _build(sessions)
    data, readable = await _exported(sessions, MEMBER)
    assert privacy_export.unaccounted(data) == set()  # every stored name is labelled or internal
    assert list(readable)[:5] == [
        "About this file",
        "Your profile",
        "Your choices",
        "Check-in settings",
        "Where you live",
    ]
    assert {"Check-ins", "Mentoring", "Local life", "Getting to know you (onboarding)"} <= set(readable)
    # Labels only: no stored names (snake_case), none of the bookkeeping.
    keys = _keys(readable)
    assert [key for key in keys if "_" in key] == []
    text = json.dumps(readable, ensure_ascii=False)
    for internal in ("version", "claimed_at", "claimed_by", "locale_id", "member_id", "lookup", "city:"):
        assert internal not in text, internal
    # The place as she sees it, her mentor by name, words for stored values.
    assert readable["Where you live"]["Place, as shown to you"] == "Leeds, England, United Kingdom"
    [mentorship] = readable["Mentoring"]
    assert mentorship["You were"] == "the mentee" and mentorship["Mentor"] == "Mira"
    assert mentorship["How it was matched"] == "paired by a moderator"
    assert readable["Your profile"]["Time zone"] == "British Time (London)"
    assert readable["Your profile"]["Experience"] == "Some experience"
    assert readable["Your choices"]["Who may see where you live"] == "Other members may see my town"
    baseline = readable["Check-ins"][0]
    assert baseline["Kind"] == "the first one, while getting to know you"
    assert baseline["Your answers (1 = not at all, 5 = very)"]["Speaking"] == 3
    approved = next(
        e for e in readable["What was recorded about you (the log moderators see)"] if "approved" in e["What"]
    )
    assert approved["Done by"] == "Moderator Mo" and approved["Details"]["Mentor"] == "Mira"
    # Everything she typed, and every date kept about her, is in it.
    for typed in _typed(MEMBER).values():
        assert typed in text
    assert readable["Your profile"]["Your Discord account id"] == MEMBER
    assert readable["Suggested as a future organizer"]["Your average readiness then (1-5)"] == 4.5
    assert readable["Buddies"]["You asked not to be offered buddies"] == "2026-11-25 12:00 UTC"


async def test_a_mentor_sees_their_mentees_by_name_and_nobody_left_unnamed_by_an_id(
    sessions: SessionMaker,
) -> None:
    await _build(sessions)
    data, readable = await _exported(sessions, MENTOR)
    assert privacy_export.unaccounted(data) == set()
    mentees = [m for m in readable["Mentoring"] if m["You were"] == "the mentor"]
    assert len(mentees) == 2 and all(m["Mentee"] == "someone no longer in the server" for m in mentees)
    ended = next(m for m in mentees if m["Status"] == "ended")
    assert ended["Why it ended"] == "ended by a moderator"
    text = json.dumps(readable)
    # Other people appear by name or not at all: no Discord id but their own.
    assert str(MEMBER) not in text and str(MOD) not in text and str(MENTOR) in text


async def test_the_summary_says_what_is_kept_in_a_sentence(sessions: SessionMaker) -> None:
    await _build(sessions)
    data, _ = await _exported(sessions, MEMBER)
    said = privacy_export.summary(data)
    assert said.startswith("Here is everything groundwork keeps about you: your profile, where you live, ")
    assert "1 check-in," in said and "1 mentorship" in said and "1 circle" in said
    assert "1 thing you logged" in said and " and " in said and len(said) < 2000


async def test_nothing_new_is_lost_unlabelled() -> None:
    """A column someone adds later still appears (under its own name in words) and is reported."""
    data: dict[str, Any] = {
        "member": {"user_id": 1, "status": "active", "favourite_colour": "green"},
        "readiness_checkins": [{"id": 3, "status": "sent", "answers": [], "mood_ring": "blue"}],
    }
    readable = privacy_export.readable(data, server="s", now=NOW, names={})
    assert readable["Your profile"]["Favourite colour"] == "green"
    assert readable["Check-ins"][0]["Mood ring"] == "blue"
    assert privacy_export.unaccounted(data) == {"member.favourite_colour", "checkins.mood_ring"}
