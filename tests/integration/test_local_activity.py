"""The activity log through the service layer: who sees what, and only with the member's consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.errors import GroundworkError, NotAllowedError
from bot.services import activity, circles, privacy
from db.engine import SessionMaker
from db.enums import ActivityKind
from db.models import ActivityEntry, NeighbourIntroduction
from tests.integration.test_local_support import (
    GUILD,
    NOW,
    meet_everyone,
    member_row,
    mentor,
    onboard,
    organizer,
)

MEMBER, MENTOR, STRANGER, MOD, NEIGHBOUR, THIRD = 1, 2, 3, 4, 5, 6


async def _log(
    sessions: SessionMaker, user_id: int, kind: ActivityKind, note: str | None = None
) -> activity.Logged:
    async with sessions() as session, session.begin():
        return await activity.log(
            session=session, guild_id=GUILD, user_id=user_id, kind=kind, note=note, now=NOW
        )


async def _share(sessions: SessionMaker, user_id: int, share: bool) -> None:
    async with sessions() as session, session.begin():
        await activity.set_sharing(session=session, guild_id=GUILD, user_id=user_id, share=share, now=NOW)


async def _view(
    sessions: SessionMaker, viewer: int, subject: int, *, moderator: bool = False
) -> activity.LogView:
    async with sessions() as session:
        return await activity.view(
            session=session,
            guild_id=GUILD,
            viewer_user_id=viewer,
            subject_user_id=subject,
            viewer_is_moderator=moderator,
            now=NOW + timedelta(hours=1),
        )


async def test_the_mentor_sees_the_log_only_while_the_member_shares_it(sessions: SessionMaker) -> None:
    await onboard(sessions, MEMBER, "Leeds")
    await organizer(sessions, MENTOR, "Manchester")
    await onboard(sessions, STRANGER, "London")
    await onboard(sessions, MOD, "Paris")
    await mentor(sessions, MEMBER, MENTOR)

    private = await _log(sessions, MEMBER, ActivityKind.TALKED_TO_NEIGHBOURS, "Knocked on <@123> doors")
    assert private.audience is None  # nobody is shown anything
    own = await _view(sessions, MEMBER, MEMBER)
    assert own.entries is not None and own.entries[0].note == "Knocked on <@123> doors"
    with pytest.raises(NotAllowedError):
        await _view(sessions, MENTOR, MEMBER)
    counts = await _view(sessions, MOD, MEMBER, moderator=True)
    assert counts.entries is None and counts.counts == {ActivityKind.TALKED_TO_NEIGHBOURS: 1}

    await _share(sessions, MEMBER, True)
    shared = await _log(sessions, MEMBER, ActivityKind.ATTENDED_MEETING)
    assert shared.audience is not None and shared.audience.mentor_user_id == MENTOR
    seen = await _view(sessions, MENTOR, MEMBER)
    assert seen.entries is not None and [e.kind for e in seen.entries] == [
        ActivityKind.ATTENDED_MEETING,
        ActivityKind.TALKED_TO_NEIGHBOURS,
    ]
    with pytest.raises(NotAllowedError):
        await _view(sessions, STRANGER, MEMBER)  # sharing is for mentor and circle, not everyone
    assert (await _view(sessions, MOD, MEMBER, moderator=True)).entries is None  # still counts only

    await _share(sessions, MEMBER, False)
    with pytest.raises(NotAllowedError):
        await _view(sessions, MENTOR, MEMBER)


async def test_the_circle_sees_a_shared_log(sessions: SessionMaker) -> None:
    ids = []
    for user_id, place in ((MEMBER, "Leeds"), (NEIGHBOUR, "Bradford"), (THIRD, "Harrogate")):
        ids.append(await onboard(sessions, user_id, place))
        if len(ids) > 1:
            await meet_everyone(sessions, ids[-1], user_id)
    async with sessions() as session, session.begin():
        [proposal] = (await circles.sweep(session=session, guild_id=GUILD, now=NOW)).proposals
        await circles.decide(
            session=session, circle_id=proposal.circle_id, actor_id=MOD, approve=True, now=NOW
        )
    await _share(sessions, MEMBER, True)
    await _log(sessions, MEMBER, ActivityKind.STARTED_GROUP, "A reading group")
    seen = await _view(sessions, NEIGHBOUR, MEMBER)
    assert seen.entries is not None and seen.entries[0].note == "A reading group"


async def test_notes_are_trimmed_and_strangers_are_refused(sessions: SessionMaker) -> None:
    await onboard(sessions, MEMBER, "Leeds")
    logged = await _log(sessions, MEMBER, ActivityKind.OTHER, "  " + "x" * 600)
    assert logged.note is not None and len(logged.note) == activity.MAX_NOTE
    blank = await _log(sessions, MEMBER, ActivityKind.OTHER, "   ")
    assert blank.note is None
    with pytest.raises(GroundworkError):
        await _log(sessions, 999, ActivityKind.OTHER)
    with pytest.raises(GroundworkError):
        await _view(sessions, MEMBER, 999)


async def test_the_export_holds_local_life_without_the_other_side_and_deletion_removes_it(
    sessions: SessionMaker,
) -> None:
    await onboard(sessions, MEMBER, "Leeds")
    await onboard(sessions, NEIGHBOUR, "Bradford")
    bradford = (await member_row(sessions, NEIGHBOUR)).id
    await meet_everyone(sessions, bradford, NEIGHBOUR)
    await _log(sessions, MEMBER, ActivityKind.FILED_PAPERS, "Papers in!")
    async with sessions() as session:
        data = await privacy.everything_about(session=session, guild_id=GUILD, user_id=MEMBER)
    local = data["local"]
    assert local["activity_log"][0]["note"] == "Papers in!"
    assert local["neighbour_introductions"] == [
        {"asked_by_you": False, "your_answer": "yes", "status": "introduced", "at": NOW.isoformat()}
    ]
    assert "distance" not in str(local)
    async with sessions() as session, session.begin():
        await privacy.delete_member_data(
            session=session, guild_id=GUILD, user_id=MEMBER, now=NOW, reason="asked"
        )
    async with sessions() as session:
        for table in (ActivityEntry, NeighbourIntroduction):
            assert (await session.execute(select(func.count()).select_from(table))).scalar_one() == 0
