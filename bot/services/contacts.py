"""Recording human contact: a member was put in touch with a person (issue 17, "nobody waits alone").

Each fact that brings people together (a delivered introduction, a circle joined) records a
contact for every member it touched, in the same unit of work as the fact, so a rolled-back
fact leaves no contact. A contact is unique per (member, kind, subject): a step that runs
again (an outbox task retried) records nothing twice. Reading them is bot.services.attention.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import HumanContactKind
from db.models import HumanContact
from db.upsert import insert_unless_exists

_ONE_PER_EVENT = ["member_id", "kind", "subject_id"]


async def record_contact(
    *,
    session: AsyncSession,
    guild_id: int,
    member_id: int,
    kind: HumanContactKind,
    subject_id: int,
    at: datetime,
    counterpart_member_id: int | None = None,
) -> bool:
    """One member's contact; False when this event was recorded for them already."""
    values = {
        "guild_id": guild_id,
        "member_id": member_id,
        "kind": kind,
        "subject_id": subject_id,
        "counterpart_member_id": counterpart_member_id,
        "at": at,
    }
    return await insert_unless_exists(session, HumanContact, values, unique=_ONE_PER_EVENT) is not None


async def record_met(
    *,
    session: AsyncSession,
    guild_id: int,
    pair: tuple[int, int],
    kind: HumanContactKind,
    subject_id: int,
    at: datetime,
) -> None:
    """Two members who were introduced to each other: a contact for each, naming the other."""
    first, second = pair
    for member_id, other in ((first, second), (second, first)):
        await record_contact(
            session=session,
            guild_id=guild_id,
            member_id=member_id,
            kind=kind,
            subject_id=subject_id,
            at=at,
            counterpart_member_id=other,
        )


async def record_joined(
    *, session: AsyncSession, guild_id: int, member_ids: Iterable[int], circle_id: int, at: datetime
) -> None:
    """Members who joined a circle (its founding members when it opens, or one who joined later)."""
    for member_id in member_ids:
        await record_contact(
            session=session,
            guild_id=guild_id,
            member_id=member_id,
            kind=HumanContactKind.CIRCLE_JOINED,
            subject_id=circle_id,
            at=at,
        )
