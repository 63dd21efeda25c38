"""What moderators see of the calls (`listing`, `plan`) and what /privacy shows a member
(`stored_about`)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.welcome_calls._model import (
    CallsPlan,
    Listed,
)
from bot.services.welcome_calls._pool import waiting_for_attention
from bot.services.welcome_calls._rows import (
    _busy,
    _call_event,
    guild_size,
)
from bot.services.welcome_calls._rules import (
    _OPEN,
    Band,
    best_band,
    offset_minutes,
    presence_in,
)
from db.enums import (
    CallAnswer,
    WelcomeCallStatus,
)
from db.models import Member, WelcomeCall, WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCallPresence


async def listing(*, session: AsyncSession, guild_id: int) -> list[Listed]:
    """The guild's calls that are on, each with its next occurrence and how many are coming."""
    rows = await session.execute(
        select(WelcomeCall, WelcomeCallOccurrence)
        .join(WelcomeCallOccurrence, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(
            WelcomeCall.guild_id == guild_id,
            WelcomeCall.status == WelcomeCallStatus.ACTIVE,
            WelcomeCallOccurrence.status.in_(_OPEN),
        )
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCall.id)
    )
    listed = []
    for call, occurrence in rows.all():
        answers = Counter(
            (
                await session.execute(
                    select(WelcomeCallInvite.answer).where(WelcomeCallInvite.occurrence_id == occurrence.id)
                )
            ).scalars()
        )
        host_member = await session.get_one(Member, call.host_member_id)
        listed.append(
            Listed(
                _call_event(call, occurrence, host_member.user_id),
                call.weekday,
                call.local_minute,
                call.timezone,
                invited=sum(answers.values()),
                interested=answers[CallAnswer.INTERESTED],
            )
        )
    return listed


async def plan(*, session: AsyncSession, guild_id: int, now: datetime) -> CallsPlan:
    """Calls scheduled, who is coming, and where one more weekly call would reach the most of
    those still waiting that no call invites (at most one call's size)."""
    listed = await listing(session=session, guild_id=guild_id)
    waiting = await waiting_for_attention(session, guild_id, now)
    invited = await _busy(session, guild_id=guild_id)
    offsets = [
        offset
        for member in waiting
        if member.member_id not in invited and (offset := offset_minutes(member.timezone, now)) is not None
    ]
    band, count = best_band(offsets)
    return CallsPlan(
        scheduled=len(listed),
        invited=sum(item.invited for item in listed),
        interested=sum(item.interested for item in listed),
        band=band,
        would_reach=min(count, await guild_size(session, guild_id)),
    )


async def stored_about(*, session: AsyncSession, member_id: int) -> dict[str, Any]:
    """What /privacy shows of a member's welcome calls: each invitation (the call's time and
    band, their answer, the reminders, whether they came and how long, what they said), and the
    calls they host; never who else was invited or came."""
    rows = await session.execute(
        select(WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCall)
        .join(WelcomeCallOccurrence, WelcomeCallInvite.occurrence_id == WelcomeCallOccurrence.id)
        .join(WelcomeCall, WelcomeCallOccurrence.call_id == WelcomeCall.id)
        .where(WelcomeCallInvite.member_id == member_id)
        .order_by(WelcomeCallOccurrence.starts_at, WelcomeCallInvite.id)
    )
    stays = await session.execute(
        select(WelcomeCallPresence).where(WelcomeCallPresence.member_id == member_id)
    )
    spans: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for stay in stays.scalars():
        spans.setdefault(stay.occurrence_id, []).append((stay.joined_at, stay.left_at))
    hosted = await session.execute(
        select(WelcomeCall).where(WelcomeCall.host_member_id == member_id).order_by(WelcomeCall.created_at)
    )

    def at(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment else None

    invitations = []
    for invite, occurrence, call in rows.all():
        present = presence_in(spans.get(occurrence.id, []), occurrence.starts_at, occurrence.ends_at)
        invitations.append(
            {
                "call_at": at(occurrence.starts_at),
                "band": Band(call.band_low_minutes, call.band_high_minutes).label,
                "answer": str(invite.answer),
                "invited_at": at(invite.invited_at),
                "answered_at": at(invite.answered_at),
                "reminded_day_at": at(invite.reminded_day_at),
                "reminded_hour_at": at(invite.reminded_hour_at),
                "attended": invite.attended,
                "minutes_in_call": int(present / timedelta(minutes=1)),
                "how_it_was": str(invite.feedback) if invite.feedback else None,
                "answered_how_it_was_at": at(invite.feedback_at),
            }
        )
    return {
        "invitations": invitations,
        "hosted": [
            {
                "band": Band(call.band_low_minutes, call.band_high_minutes).label,
                "weekday": call.weekday,
                "local_time": f"{call.local_minute // 60:02d}:{call.local_minute % 60:02d}",
                "timezone": call.timezone,
                "voice_channel_id": call.channel_id,
                "location": call.location,
                "size": call.size,
                "status": str(call.status),
                "created_at": at(call.created_at),
                "cancelled_at": at(call.cancelled_at),
            }
            for call in hosted.scalars()
        ],
    }
