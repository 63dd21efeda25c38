"""Platform identities: the integer id the services use for a Matrix user, community or room.

Every service takes integer ids. Discord's snowflakes are used as they are; a platform whose ids
are strings (Matrix: `@alice:example.org`, `!room:example.org`) maps each to a negative local id
here (db/models/identity.py), made on first sight and the same ever after.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.enums import IdentityKind, Platform
from db.models import Member, PlatformIdentity
from db.models.identity import EXTERNAL_ID_LENGTH

# Tries at allocating a new local id when concurrent creators take the same next id.
ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    platform: Platform
    kind: IdentityKind
    external_id: str


def _check(platform: Platform, external_id: str) -> None:
    if platform is Platform.DISCORD:
        raise ValueError("Discord ids are snowflakes, used as they are")
    if not external_id or len(external_id.encode()) > EXTERNAL_ID_LENGTH:
        raise ValueError(f"an external id has 1 to {EXTERNAL_ID_LENGTH} bytes")


async def find_local_id(
    *, session: AsyncSession, platform: Platform, kind: IdentityKind, external_id: str
) -> int | None:
    """The local id of a known identity, None for one never seen."""
    return await session.scalar(
        select(PlatformIdentity.local_id).where(
            PlatformIdentity.platform == platform,
            PlatformIdentity.kind == kind,
            PlatformIdentity.external_id == external_id,
        )
    )


async def local_id(*, session: AsyncSession, platform: Platform, kind: IdentityKind, external_id: str) -> int:
    """The local id of an identity, made on first sight; safe when two units of work make it at once
    (one inserts, the other reads the same row)."""
    _check(platform, external_id)
    for _ in range(ATTEMPTS):
        known = await find_local_id(session=session, platform=platform, kind=kind, external_id=external_id)
        if known is not None:
            return known
        lowest = await session.scalar(select(func.min(PlatformIdentity.local_id)))
        candidate = min(lowest or 0, 0) - 1
        insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
        created = await session.scalar(
            insert(PlatformIdentity)
            .values(platform=platform, kind=kind, external_id=external_id, local_id=candidate)
            .on_conflict_do_nothing()
            .returning(PlatformIdentity.local_id)
        )
        if created is not None:
            return int(created)
        # Someone made this identity meanwhile (found on the next round), or took `candidate`.
    raise RuntimeError(f"could not allocate a local id for a {platform} {kind}")


async def external(*, session: AsyncSession, local_id: int) -> ExternalIdentity | None:
    """What a local id stands for; None for a Discord snowflake or an unknown id."""
    if local_id >= 0:
        return None
    row = (
        await session.execute(
            select(PlatformIdentity.platform, PlatformIdentity.kind, PlatformIdentity.external_id).where(
                PlatformIdentity.local_id == local_id
            )
        )
    ).one_or_none()
    if row is None:
        return None
    return ExternalIdentity(platform=row.platform, kind=row.kind, external_id=row.external_id)


def on_platform(guild_id: InstrumentedAttribute[int], platform: Platform | None) -> ColumnElement[bool]:
    """A condition on a guild id column: the guild is one of `platform`'s communities (Discord's
    are snowflakes, every other platform's are its community identities; None: any). One database
    can hold both, and each adapter handles only its own rows."""
    if platform is None:
        return true()
    if platform is Platform.DISCORD:
        return guild_id >= 0
    return guild_id.in_(
        select(PlatformIdentity.local_id).where(
            PlatformIdentity.platform == platform, PlatformIdentity.kind == IdentityKind.COMMUNITY
        )
    )


def member_on_platform(
    member_id: InstrumentedAttribute[int], platform: Platform | None
) -> ColumnElement[bool]:
    """A condition on a member id column: the member belongs to one of `platform`'s communities
    (None: any). Discord's is written as "not another platform's member": its subquery reads the
    few members with negative guild ids (an index range), where "a Discord member" would list
    every member of the database on each use (a claim of due check-ins, say)."""
    if platform is None:
        return true()
    if platform is Platform.DISCORD:
        return member_id.not_in(select(Member.id).where(Member.guild_id < 0))
    return member_id.in_(select(Member.id).where(on_platform(Member.guild_id, platform)))


async def forget(*, session: AsyncSession, platform: Platform, kind: IdentityKind, external_id: str) -> bool:
    """The identity's row gone (a member who deleted their data: nothing links their account to
    a local id any more; seen again, they get a new one). False when there was none."""
    removed = await session.execute(
        delete(PlatformIdentity)
        .where(
            PlatformIdentity.platform == platform,
            PlatformIdentity.kind == kind,
            PlatformIdentity.external_id == external_id,
        )
        .returning(PlatformIdentity.id)
    )
    return removed.first() is not None
