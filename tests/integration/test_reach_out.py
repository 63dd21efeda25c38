"""Reaching out through the bot: who may, what is sent, and the human contact recorded on delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.errors import GroundworkError, NotAllowedError, NotFoundError
from bot.services import attention, pairing, reach_out
from bot.services.gazetteer import Gazetteer
from db.engine import SessionMaker
from db.enums import HumanContactKind
from db.models import AuditEntry, GuildSettings, HumanContact, Member
from tests.integration.test_pairing_service import GUILD, NOW, _member, _organizer, gazetteer

__all__ = ["gazetteer"]

MENTOR, MENTEE, OTHER, MODERATOR = 100, 1, 2, 9


async def _people(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _organizer(sessions, gazetteer, MENTOR, "Manchester", capacity=2)
    await _member(sessions, gazetteer, MENTEE, "Leeds")
    await _member(sessions, gazetteer, OTHER, "York")
    async with sessions() as session, session.begin():
        await pairing.pair_manually(
            session=session,
            guild_id=GUILD,
            member_user_id=MENTEE,
            mentor_user_id=MENTOR,
            actor_id=MODERATOR,
            now=NOW,
        )


async def _check(
    sessions: SessionMaker, sender: int, member: int, text: str | None = "Hello!", *, moderator: bool = False
) -> reach_out.ReachOut:
    async with sessions() as session:
        return await reach_out.check(
            session=session,
            guild_id=GUILD,
            sender_user_id=sender,
            member_user_id=member,
            text=text,
            as_moderator=moderator,
        )


async def _contacts(sessions: SessionMaker, user_id: int) -> list[tuple[int, int | None]]:
    async with sessions() as session:
        rows = await session.execute(
            select(HumanContact.subject_id, HumanContact.counterpart_member_id)
            .join(Member, HumanContact.member_id == Member.id)
            .where(Member.user_id == user_id, HumanContact.kind == HumanContactKind.REACHED_OUT)
            .order_by(HumanContact.subject_id)
        )
    return [(row.subject_id, row.counterpart_member_id) for row in rows.all()]


async def test_a_mentor_reaches_their_own_mentee_only(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _people(sessions, gazetteer)
    reach = await _check(sessions, MENTOR, MENTEE, "  How did the meeting go?  ")
    assert reach == reach_out.ReachOut(GUILD, MENTEE, MENTOR, False, "How did the meeting go?")
    with pytest.raises(NotAllowedError):
        await _check(sessions, MENTOR, OTHER)  # not their mentee
    with pytest.raises(NotAllowedError):
        await _check(sessions, OTHER, MENTEE)  # not their mentor
    with pytest.raises(NotAllowedError):
        await _check(sessions, MENTEE, MENTOR)  # the mentee is nobody's mentor


async def test_a_moderator_reaches_any_active_member(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _people(sessions, gazetteer)
    assert (await _check(sessions, MODERATOR, OTHER, moderator=True)).as_moderator
    with pytest.raises(NotFoundError):
        await _check(sessions, MODERATOR, 555, moderator=True)  # not a member
    with pytest.raises(GroundworkError):
        await _check(sessions, OTHER, OTHER, moderator=True)  # themselves


async def test_the_words_are_checked(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _people(sessions, gazetteer)
    for empty in (None, "", "  \n\t "):
        with pytest.raises(GroundworkError):
            await _check(sessions, MENTOR, MENTEE, empty)
    with pytest.raises(GroundworkError):
        await _check(sessions, MENTOR, MENTEE, "x" * (reach_out.MAX_LENGTH + 1))
    assert (
        len((await _check(sessions, MENTOR, MENTEE, "x" * reach_out.MAX_LENGTH)).text) == reach_out.MAX_LENGTH
    )


async def test_a_delivered_message_is_a_human_contact(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _people(sessions, gazetteer)
    async with sessions() as session, session.begin():
        settings = await session.get(GuildSettings, GUILD)
        assert settings is not None
        unattended = await attention.unattended(
            session=session, guild_id=GUILD, now=NOW + timedelta(days=settings.unattended_days + 1), page=0
        )
    assert OTHER in {item.user_id for item in unattended.items}  # nobody has met them
    later = NOW + timedelta(days=10)
    for _ in range(2):  # twice: two contacts
        reach = await _check(sessions, MODERATOR, OTHER, moderator=True)
        async with sessions() as session, session.begin():
            assert await reach_out.record_delivered(session=session, reach=reach, now=later)
    assert await _contacts(sessions, OTHER) == [(1, None), (2, None)]  # the moderator is no member here
    reach = await _check(sessions, MENTOR, MENTEE)
    async with sessions() as session, session.begin():
        await reach_out.record_delivered(session=session, reach=reach, now=later)
        mentor_id = await session.scalar(select(Member.id).where(Member.user_id == MENTOR))
        actions = list(
            await session.scalars(select(AuditEntry.action).where(AuditEntry.action == "member.reached_out"))
        )
        unattended = await attention.unattended(session=session, guild_id=GUILD, now=later, page=0)
    assert await _contacts(sessions, MENTEE) == [(1, mentor_id)]
    assert len(actions) == 3
    assert OTHER not in {item.user_id for item in unattended.items}  # met someone now
