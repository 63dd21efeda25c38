"""Recording human contact: a member was put in touch with a person (issue 17, "nobody waits alone").

Each fact that brings people together (a delivered introduction, a circle joined) records a
contact for every member it touched, in the same unit of work as the fact, so a rolled-back
fact leaves no contact. A contact is unique per (member, kind, subject): a step that runs
again (an outbox task retried) records nothing twice. Reading them is bot.services.attention.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import HumanContactKind
from db.models import HumanContact, Member
from db.upsert import insert_all_unless_exist, insert_unless_exists

_ONE_PER_EVENT = ["member_id", "kind", "subject_id"]


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact as a moderator sees it: how, when, and with whom (a user id) if one person."""

    kind: HumanContactKind
    at: datetime
    counterpart_user_id: int | None


def _row(
    guild_id: int,
    kind: HumanContactKind,
    subject_id: int,
    at: datetime,
    member_id: int,
    counterpart_member_id: int | None,
) -> dict[str, object]:
    """A contact's column values."""
    return {
        "guild_id": guild_id,
        "member_id": member_id,
        "kind": kind,
        "subject_id": subject_id,
        "counterpart_member_id": counterpart_member_id,
        "at": at,
    }


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
    values = _row(guild_id, kind, subject_id, at, member_id, counterpart_member_id)
    return await insert_unless_exists(session, HumanContact, values, unique=_ONE_PER_EVENT) is not None


async def record_contacts(
    *,
    session: AsyncSession,
    guild_id: int,
    kind: HumanContactKind,
    subject_id: int,
    at: datetime,
    members: Iterable[tuple[int, int | None]],
) -> None:
    """The same event's contact for several members at once, each a member id and whom they met
    (None: more than one person), in one statement; one recorded already stays as it was."""
    rows = [
        _row(guild_id, kind, subject_id, at, member_id, counterpart) for member_id, counterpart in members
    ]
    await insert_all_unless_exist(session, HumanContact, rows, unique=_ONE_PER_EVENT)


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
    await record_contacts(
        session=session,
        guild_id=guild_id,
        kind=kind,
        subject_id=subject_id,
        at=at,
        members=((first, second), (second, first)),
    )


async def record_joined(
    *, session: AsyncSession, guild_id: int, member_ids: Iterable[int], circle_id: int, at: datetime
) -> None:
    """Members who joined a circle (its founding members when it opens, or one who joined later)."""
    await record_contacts(
        session=session,
        guild_id=guild_id,
        kind=HumanContactKind.CIRCLE_JOINED,
        subject_id=circle_id,
        at=at,
        members=((member_id, None) for member_id in member_ids),
    )


async def first_and_last(*, session: AsyncSession, member_id: int) -> tuple[Contact | None, Contact | None]:
    """A member's first and latest contact (the same one when they had one; None, None: nobody yet)."""
    found = []
    for order in (HumanContact.at, HumanContact.at.desc()):
        row = (
            await session.execute(
                select(HumanContact.kind, HumanContact.at, Member.user_id)
                .outerjoin(Member, HumanContact.counterpart_member_id == Member.id)
                .where(HumanContact.member_id == member_id)
                .order_by(order, HumanContact.id)
                .limit(1)
            )
        ).first()
        found.append(Contact(row.kind, row.at, row.user_id) if row is not None else None)
    return found[0], found[1]
