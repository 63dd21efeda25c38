"""Every time the bot writes comes from its clock (tests set it by hand), never the system's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from db.base import Base, UTCDateTime
from tests.e2e.conftest import StartBot
from tests.e2e.onboarding_driver import onboard
from tests.fake_discord import FakeDiscord, Guild
from tests.support.clock import TestClock


async def test_rows_written_during_onboarding_carry_the_bots_clock(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    clock.now = datetime(2031, 6, 1, 9, 30, tzinfo=UTC)  # years away from the real date
    bot = await start_bot()
    await onboard(fake_discord, guild, 5001, "Leeds")
    real_now = datetime.now(UTC)
    seen = 0
    async with bot.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, UTCDateTime):
                    continue
                for value in (await session.execute(select(column))).scalars():
                    if value is not None:
                        seen += 1
                        assert abs(value - real_now) > timedelta(days=365), (table.name, column.name, value)
    assert seen >= 10
