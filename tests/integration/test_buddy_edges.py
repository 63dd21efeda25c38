"""Peer buddies' bad input and edges (issue 17): a buddy who leaves and comes back is never put
with the same buddy again; an offer called off because someone left says so to whoever answers
it, and the others are offered again; a trio whose member deletes their data goes on as a pair.
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.errors import GroundworkError
from bot.services import buddies, members, privacy
from bot.texts import buddies as texts
from db.engine import SessionMaker
from db.enums import BuddyStatus
from tests.integration.test_buddies import (
    NORWICH,
    PLYMOUTH,
    TRURO,
    _answer,
    _groups,
    _introduce,
    _onboard,
    _sweep,
)
from tests.integration.test_local_support import DEFAULTS, GUILD, NOW


async def _leave(sessions: SessionMaker, user_id: int) -> list[int]:
    async with sessions() as session, session.begin():
        await members.record_leave(session=session, guild_id=GUILD, user_id=user_id, now=NOW)
        return await buddies.member_left(session=session, guild_id=GUILD, user_id=user_id, now=NOW)


async def test_a_buddy_who_leaves_and_comes_back_is_never_paired_with_them_again(
    sessions: SessionMaker,
) -> None:
    await _onboard(sessions, PLYMOUTH, TRURO)
    await _introduce(sessions, await _sweep(sessions))
    assert await _leave(sessions, TRURO) == [PLYMOUTH]  # told, and free for someone new
    assert await _sweep(sessions) == []  # nobody else yet
    async with sessions() as session, session.begin():
        back = await members.record_join(
            session=session, guild_id=GUILD, user_id=TRURO, now=NOW, defaults=DEFAULTS
        )
    assert back.returning and back.onboarded
    assert await _sweep(sessions) == []  # back, but never the same pair twice
    await _onboard(sessions, NORWICH)
    # Norwich goes with Plymouth; Truro may not join them (they were Plymouth's buddy).
    assert _groups(await _sweep(sessions)) == {frozenset({PLYMOUTH, NORWICH})}


async def test_an_offer_called_off_by_a_departure_says_so_and_the_others_are_offered_again(
    sessions: SessionMaker,
) -> None:
    await _onboard(sessions, PLYMOUTH, TRURO, NORWICH)
    offers = {offer.user_id: offer for offer in await _sweep(sessions)}
    assert set(offers) == {PLYMOUTH, TRURO, NORWICH}  # one trio
    await _answer(sessions, offers[PLYMOUTH])
    assert await _leave(sessions, NORWICH) == []  # nobody was named yet: nobody is left alone
    with pytest.raises(GroundworkError) as refused:
        await _answer(sessions, offers[TRURO])  # a late yes to the offer that is off
    assert str(refused.value) == texts.CALLED_OFF  # not "you've already answered"
    # The two left (who never met and never said no) are offered each other in the next sweep.
    assert _groups(await _sweep(sessions)) == {frozenset({PLYMOUTH, TRURO})}


async def test_a_trio_whose_buddy_deletes_their_data_goes_on_as_a_pair(sessions: SessionMaker) -> None:
    await _onboard(sessions, PLYMOUTH, TRURO, NORWICH)
    intro = await _introduce(sessions, await _sweep(sessions))
    assert len(intro.buddies) == 3
    async with sessions() as session, session.begin():
        deletion = await privacy.delete_member_data(
            session=session, guild_id=GUILD, user_id=NORWICH, now=NOW, reason="request"
        )
    assert deletion.buddies_alone == ()  # the two keep each other: nobody to re-offer
    async with sessions() as session, session.begin():
        mine = await buddies.mine(session=session, guild_id=GUILD, user_id=PLYMOUTH)
        due = await buddies.due_followups(session=session, now=NOW + buddies.FOLLOWUP_AFTER)
    assert mine.status == BuddyStatus.INTRODUCED and mine.other_user_ids == (TRURO,)
    assert {(f.user_id, f.other_user_ids) for f in due} == {(PLYMOUTH, (TRURO,)), (TRURO, (PLYMOUTH,))}
    assert await _sweep(sessions) == []  # neither is offered anyone while they have each other
