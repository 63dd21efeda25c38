"""A circle's nearest organizer is measured only to organizers who gave a town."""

from __future__ import annotations

from bot.services.circles._model import nearest_organizers
from db.engine import SessionMaker
from tests.integration.test_local_support import GUILD, organizer

MOAB = (38.57332, -109.54984)


async def test_an_organizer_who_gave_only_a_region_is_never_the_nearest(sessions: SessionMaker) -> None:
    await organizer(sessions, 1, "Utah")  # stored at Salt Lake City's point, 300 km from Moab
    in_leeds = await organizer(sessions, 2, "Leeds")
    async with sessions() as session:
        [nearest] = await nearest_organizers(session, GUILD, [MOAB])
    assert nearest is not None and nearest.member_id == in_leeds
    assert nearest.distance_km > 7000
