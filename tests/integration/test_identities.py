"""Platform identities: Matrix users, communities and rooms get stable negative local ids that the
services use like Discord snowflakes, in the same database as a Discord guild."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.services import identities
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform
from db.models import GuildSettings, Member, PlatformIdentity

ALICE = "@alice:example.org"
SPACE = "!space:example.org"


async def _local(sessions: SessionMaker, kind: IdentityKind, external_id: str) -> int:
    async with sessions() as session, session.begin():
        return await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=kind, external_id=external_id
        )


async def test_an_identity_gets_one_negative_id_for_ever(sessions: SessionMaker) -> None:
    alice = await _local(sessions, IdentityKind.USER, ALICE)
    assert alice < 0
    assert await _local(sessions, IdentityKind.USER, ALICE) == alice
    bob = await _local(sessions, IdentityKind.USER, "@bob:example.org")
    space = await _local(sessions, IdentityKind.COMMUNITY, SPACE)
    # One local id names one thing, whatever its kind; the same string as another kind is another thing.
    same_string_as_room = await _local(sessions, IdentityKind.ROOM, SPACE)
    assert len({alice, bob, space, same_string_as_room}) == 4
    async with sessions() as session:
        found = await identities.external(session=session, local_id=alice)
        assert found == identities.ExternalIdentity(Platform.MATRIX, IdentityKind.USER, ALICE)
        assert await identities.external(session=session, local_id=space) == identities.ExternalIdentity(
            Platform.MATRIX, IdentityKind.COMMUNITY, SPACE
        )
        assert await identities.external(session=session, local_id=123456789012345678) is None
        assert await identities.external(session=session, local_id=-999_999) is None
        assert (
            await identities.find_local_id(
                session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id="@x:y"
            )
            is None
        )


async def test_a_matrix_community_and_a_discord_guild_share_the_database(sessions: SessionMaker) -> None:
    """The services' tables take the local ids as they take snowflakes."""
    space = await _local(sessions, IdentityKind.COMMUNITY, SPACE)
    alice = await _local(sessions, IdentityKind.USER, ALICE)
    discord_guild, discord_user = 1_100_000_000_000_000_001, 1_200_000_000_000_000_002
    async with sessions() as session, session.begin():
        session.add_all([GuildSettings(guild_id=space), GuildSettings(guild_id=discord_guild)])
        await session.flush()
        session.add_all(
            [Member(guild_id=space, user_id=alice), Member(guild_id=discord_guild, user_id=discord_user)]
        )
    async with sessions() as session:
        rows = await session.execute(
            select(Member.guild_id, Member.user_id, PlatformIdentity.external_id)
            .outerjoin(PlatformIdentity, PlatformIdentity.local_id == Member.user_id)
            .order_by(Member.guild_id)
        )
        assert [tuple(row) for row in rows] == [(space, alice, ALICE), (discord_guild, discord_user, None)]


async def test_concurrent_first_sightings_agree(sessions: SessionMaker) -> None:
    """Two units of work meeting the same new member at once get the same id; different members
    met at once get different ids."""
    same = await asyncio.gather(*(_local(sessions, IdentityKind.USER, ALICE) for _ in range(4)))
    assert len(set(same)) == 1
    others = await asyncio.gather(
        *(_local(sessions, IdentityKind.USER, f"@m{i}:example.org") for i in range(6))
    )
    assert len({*others, same[0]}) == 7


@pytest.mark.parametrize("external_id", ["", "@" + "a" * 255 + ":x"])
async def test_an_impossible_external_id_is_refused(sessions: SessionMaker, external_id: str) -> None:
    with pytest.raises(ValueError, match="external id"):
        await _local(sessions, IdentityKind.USER, external_id)


async def test_discord_ids_are_not_mapped(sessions: SessionMaker) -> None:
    async with sessions() as session:
        with pytest.raises(ValueError, match="snowflakes"):
            await identities.local_id(
                session=session, platform=Platform.DISCORD, kind=IdentityKind.USER, external_id="1"
            )


async def test_the_schema_keeps_ids_unique_and_negative(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        session.add(
            PlatformIdentity(platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=ALICE, local_id=-1)
        )
    bad = [
        PlatformIdentity(platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=ALICE, local_id=-2),
        PlatformIdentity(platform=Platform.MATRIX, kind=IdentityKind.ROOM, external_id="!r:x", local_id=-1),
        PlatformIdentity(platform=Platform.MATRIX, kind=IdentityKind.ROOM, external_id="!r:x", local_id=5),
    ]
    for row in bad:
        with pytest.raises(IntegrityError):
            async with sessions() as session, session.begin():
                session.add(row)
