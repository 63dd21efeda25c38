"""Every audit row carries the time of the caller's clock, never the machine's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.services import activity, pairing
from bot.services.gazetteer import Gazetteer
from db.engine import SessionMaker
from db.models import AuditEntry
from tests.integration.test_pairing_service import GUILD, NOW, _member, _organizer, gazetteer

__all__ = ["gazetteer"]  # the fixture, shared with the pairing tests

LATER = datetime(2027, 3, 4, 5, 6, 7, tzinfo=UTC)  # the clock moved on: far from the machine's time


async def _audit(sessions: SessionMaker) -> list[tuple[str, datetime]]:
    async with sessions() as session:
        return [
            (action, at)
            for action, at in (
                await session.execute(select(AuditEntry.action, AuditEntry.at).order_by(AuditEntry.id))
            ).all()
        ]


async def test_audit_rows_take_their_time_from_the_callers_clock(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _organizer(sessions, gazetteer, 100, "Manchester")  # onboarding, at NOW
    await _member(sessions, gazetteer, 1, "Leeds")
    onboarding = await _audit(sessions)
    assert onboarding and {at for _, at in onboarding} == {NOW}
    async with sessions() as session, session.begin():
        await pairing.request_mentor(session=session, guild_id=GUILD, user_id=1, now=LATER)
        await pairing.set_paused(session=session, guild_id=GUILD, user_id=100, paused=True, now=LATER)
        await activity.set_sharing(session=session, guild_id=GUILD, user_id=1, share=True, now=LATER)
    later = (await _audit(sessions))[len(onboarding) :]
    assert len(later) == 3 and {at for _, at in later} == {LATER}
