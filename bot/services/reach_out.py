"""Reaching out (issue 17 item 1's last contact kind): a mentor, to one of their mentees, or a
moderator, to any active member, sends a short personal message through the bot.

`check` says whether the sender may, and returns what to send (the text as it may be stored:
cleaned, at most `MAX_LENGTH` characters); the adapter sends it by DM after that unit of work;
`record_delivered` then records a human contact of kind REACHED_OUT for the member, naming the
sender, in a unit of work of its own. A DM that was refused records nothing (the sender is told).
The message itself is never stored: the contact and an audit entry say who reached out, how and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import GroundworkError, NotAllowedError, NotFoundError
from bot.services.audit import record
from bot.services.contacts import record_contact
from bot.services.members import get_member
from bot.services.typed import typed_text
from bot.texts import reach_out as texts
from db.enums import HumanContactKind, MemberStatus, MentorshipStatus
from db.models import HumanContact, Mentorship

MAX_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class ReachOut:
    """A message to send: to whom, from whom, as what, and the words."""

    guild_id: int
    member_user_id: int
    sender_user_id: int
    as_moderator: bool  # False: as their mentor
    text: str


def cleaned(text: str | None) -> str:
    """The words as they may be sent: a refusal when there are none or too many."""
    if text is not None and len(text.strip()) > MAX_LENGTH:
        raise GroundworkError(texts.TOO_LONG.format(limit=MAX_LENGTH))
    words = typed_text(text, limit=MAX_LENGTH)
    if not words:
        raise GroundworkError(texts.EMPTY)
    return words


async def check(
    *,
    session: AsyncSession,
    guild_id: int,
    sender_user_id: int,
    member_user_id: int,
    text: str | None,
    as_moderator: bool,
) -> ReachOut:
    """What `sender_user_id` may send `member_user_id`: a moderator (the caller checked that) to
    any active member; anyone else only to a mentee of theirs in an active mentorship."""
    words = cleaned(text)
    if sender_user_id == member_user_id:
        raise GroundworkError(texts.NOT_YOURSELF)
    member = await get_member(session=session, guild_id=guild_id, user_id=member_user_id)
    if not as_moderator:
        sender = await get_member(session=session, guild_id=guild_id, user_id=sender_user_id)
        mentoring = (
            member is not None
            and sender is not None
            and await session.scalar(
                select(Mentorship.id).where(
                    Mentorship.member_id == member.id,
                    Mentorship.mentor_id == sender.id,
                    Mentorship.status == MentorshipStatus.ACTIVE,
                )
            )
            is not None
        )
        if not mentoring:
            raise NotAllowedError(texts.NOT_YOUR_MENTEE)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise NotFoundError(texts.NOT_A_MEMBER)
    return ReachOut(guild_id, member_user_id, sender_user_id, as_moderator, words)


async def record_delivered(*, session: AsyncSession, reach: ReachOut, now: datetime) -> bool:
    """The message reached the member: a human contact for them (their n-th reach-out is its
    subject), naming the sender when they are a member; audited. False when the member is gone."""
    member = await get_member(session=session, guild_id=reach.guild_id, user_id=reach.member_user_id)
    if member is None:
        return False
    sender = await get_member(session=session, guild_id=reach.guild_id, user_id=reach.sender_user_id)
    recorded = False
    while not recorded:  # a reach-out recorded at the same moment took the number: the next one
        last = await session.scalar(
            select(func.max(HumanContact.subject_id)).where(
                HumanContact.member_id == member.id, HumanContact.kind == HumanContactKind.REACHED_OUT
            )
        )
        recorded = await record_contact(
            session=session,
            guild_id=reach.guild_id,
            member_id=member.id,
            kind=HumanContactKind.REACHED_OUT,
            subject_id=(last or 0) + 1,
            at=now,
            counterpart_member_id=sender.id if sender is not None else None,
        )
    await record(
        session=session,
        now=now,
        guild_id=reach.guild_id,
        actor_id=reach.sender_user_id,
        target_user_id=reach.member_user_id,
        action="member.reached_out",
        details={"as": "moderator" if reach.as_moderator else "mentor"},
    )
    return True
