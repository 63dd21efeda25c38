"""What a newcomer is offered nearby once onboarded, on any platform: a circle near them first,
else to meet their neighbours; nothing when they are isolated (nobody within the guild's radius,
so neither could be near)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import circles, neighbours

NearbyOffer = circles.Offer | neighbours.Offer


async def offer_nearby(
    *, session: AsyncSession, member_id: int, isolated: bool, now: datetime
) -> NearbyOffer | None:
    """The one offer to make a member who just onboarded (`Completion.isolated` says whether
    anyone lives near them), or None."""
    if isolated:
        return None
    circle = await circles.offer_to_newcomer(session=session, member_id=member_id, now=now)
    if circle is not None:
        return circle
    return await neighbours.make_offer(session=session, member_id=member_id, now=now)
