"""Town offers: migration 0006 fills one per active region-only member; claiming sends each
once, never again after a restart or a crash, and nothing to members who left or gave a town."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import column, delete, insert, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.config import GuildDefaults
from bot.services import town_offers
from bot.services.gazetteer import Gazetteer, Place, get_gazetteer
from bot.services.locales import locale_id_for
from db.engine import SessionMaker, create_engine, create_session_maker
from db.enums import MemberStatus
from db.migrate import upgrade
from db.models import GuildSettings, Member, TownOffer

GUILD = 1000
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def _places(gazetteer: Gazetteer) -> dict[str, Place]:
    utah = gazetteer.place_by_key("region:US.UT")
    leeds = gazetteer.resolve("Leeds").best
    assert utah is not None and leeds is not None
    return {"region": utah, "city": leeds}


async def _columns(engine: AsyncEngine, table_name: str) -> set[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: {found["name"] for found in inspect(sync).get_columns(table_name)}
        )


async def _guild_settings_as_of_then(session: AsyncSession, present: set[str]) -> None:
    """The guild's settings row with the columns the table has at this revision (settings added
    by later revisions are not there yet)."""
    now = datetime.now(UTC)
    model_defaults = {
        c.name: c.default.arg
        for c in GuildSettings.__table__.columns
        if c.default is not None and c.default.is_scalar
    }
    values = {**model_defaults, "guild_id": GUILD, "created_at": now, "updated_at": now}
    values |= GuildDefaults().model_dump()
    values = {key: value for key, value in values.items() if key in present}
    then = table("guild_settings", *(column(key) for key in values))  # no defaults of later columns
    await session.execute(insert(then).values(**values))


async def test_the_migration_offers_each_active_region_only_member_once(
    empty_database: str, gazetteer: Gazetteer
) -> None:
    engine = create_engine(empty_database)
    try:
        await upgrade(engine, "0005")
        sessions = create_session_maker(engine)
        places = _places(gazetteer)
        present = await _columns(engine, "guild_settings")
        async with sessions() as session, session.begin():
            await _guild_settings_as_of_then(session, present)
            region = await locale_id_for(session=session, place=places["region"])
            city = await locale_id_for(session=session, place=places["city"])
            for user_id, status, locale_id in [
                (1, MemberStatus.ACTIVE, region),
                (2, MemberStatus.ACTIVE, region),
                (3, MemberStatus.LEFT, region),
                (4, MemberStatus.ACTIVE, city),
                (5, MemberStatus.ONBOARDING, None),
            ]:
                session.add(Member(guild_id=GUILD, user_id=user_id, status=status, locale_id=locale_id))
        before = datetime.now(UTC) - timedelta(seconds=5)
        await upgrade(engine)
        async with sessions() as session:
            rows = (
                await session.execute(
                    select(Member.user_id, TownOffer.status, TownOffer.due_at, TownOffer.attempts)
                    .join(Member, TownOffer.member_id == Member.id)
                    .order_by(Member.user_id)
                )
            ).all()
        assert [(user, status, attempts) for user, status, _, attempts in rows] == [
            (1, "due", 0),
            (2, "due", 0),
        ]
        for _, _, due_at, _ in rows:  # due now, and read back as an aware UTC time
            assert before <= due_at <= datetime.now(UTC) + timedelta(seconds=5)
        async with sessions() as session, session.begin():
            batch = await town_offers.claim_due(
                session=session, now=datetime.now(UTC) + timedelta(seconds=10), worker="w"
            )
        assert sorted(offer.user_id for offer in batch.due) == [1, 2]
    finally:
        await engine.dispose()


async def _offers(sessions: SessionMaker, gazetteer: Gazetteer, members: list[tuple[int, str, str]]) -> None:
    """Members (user id, status, precision) with an offer due at NOW."""
    places = _places(gazetteer)
    async with sessions() as session, session.begin():
        session.add(GuildSettings(guild_id=GUILD, **GuildDefaults().model_dump()))
        await session.flush()
        for user_id, status, precision in members:
            locale_id = await locale_id_for(session=session, place=places[precision])
            member = Member(guild_id=GUILD, user_id=user_id, status=MemberStatus(status), locale_id=locale_id)
            session.add(member)
            await session.flush()
            session.add(TownOffer(member_id=member.id, status="due", due_at=NOW))


async def _statuses(sessions: SessionMaker) -> dict[int, str]:
    async with sessions() as session:
        rows = (
            await session.execute(
                select(Member.user_id, TownOffer.status).join(Member, TownOffer.member_id == Member.id)
            )
        ).all()
    return dict(rows)  # type: ignore[arg-type]


async def test_each_offer_is_claimed_once_and_settled_as_it_went(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _offers(
        sessions,
        gazetteer,
        [(1, "active", "region"), (2, "active", "region"), (3, "left", "region"), (4, "active", "city")],
    )
    async with sessions() as session, session.begin():
        batch = await town_offers.claim_due(session=session, now=NOW, worker="w")
    assert batch.claimed == 4
    assert sorted(o.user_id for o in batch.due) == [1, 2]
    assert batch.due[0].region_name == "Utah"
    async with sessions() as session, session.begin():
        again = await town_offers.claim_due(session=session, now=NOW, worker="w2")
    assert again.claimed == 0  # claimed already: a second process gets nothing
    outcomes = {1: "sent", 2: "dms_closed"}
    for offer in batch.due:
        async with sessions() as session, session.begin():
            await town_offers.record(
                session=session, offer_id=offer.offer_id, worker="w", outcome=outcomes[offer.user_id], now=NOW
            )  # type: ignore[arg-type]
    assert await _statuses(sessions) == {1: "sent", 2: "failed", 3: "cancelled", 4: "cancelled"}
    later = NOW + timedelta(days=30)
    async with sessions() as session, session.begin():
        assert (await town_offers.claim_due(session=session, now=later, worker="w3")).claimed == 0


async def test_a_passing_error_retries_a_few_times_then_gives_up(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _offers(sessions, gazetteer, [(1, "active", "region")])
    now = NOW
    for _ in range(town_offers.MAX_ATTEMPTS):
        async with sessions() as session, session.begin():
            [offer] = (await town_offers.claim_due(session=session, now=now, worker="w")).due
        async with sessions() as session, session.begin():
            await town_offers.record(
                session=session, offer_id=offer.offer_id, worker="w", outcome="retry", now=now
            )
        now += town_offers.RETRY_AFTER
    assert await _statuses(sessions) == {1: "failed"}


async def test_an_offer_a_dead_process_left_claimed_is_never_sent_again(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await _offers(sessions, gazetteer, [(1, "active", "region")])
    async with sessions() as session, session.begin():
        assert len((await town_offers.claim_due(session=session, now=NOW, worker="dead")).due) == 1
    # The process died between sending and recording: after a restart the offer is not sent again.
    later = NOW + town_offers.STALE_AFTER + timedelta(minutes=1)
    async with sessions() as session, session.begin():
        assert await town_offers.give_up_stale(session=session, now=later) == 1
        assert (await town_offers.claim_due(session=session, now=later, worker="new")).claimed == 0
    async with sessions() as session, session.begin():
        await town_offers.record(session=session, offer_id=1, worker="dead", outcome="sent", now=later)
    assert await _statuses(sessions) == {1: "failed"}


async def test_deleting_a_member_deletes_their_offer(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await _offers(sessions, gazetteer, [(1, "active", "region")])
    async with sessions() as session, session.begin():
        await session.execute(delete(Member))
    async with sessions() as session:
        assert (await session.execute(select(TownOffer.id))).all() == []
