"""The place index (bot/services/gazetteer) as the Matrix onboarding uses it: loaded once per
process, off the event loop, and what it tells about a member's step (the area a place was
understood in, a country's time zones)."""

from __future__ import annotations

import asyncio

from bot.services import onboarding
from bot.services.gazetteer import Gazetteer, get_gazetteer


class PlaceIndex:
    def __init__(self) -> None:
        self._gazetteer: Gazetteer | None = None

    async def gazetteer(self) -> Gazetteer:
        """The place index (loaded once per process, off the event loop)."""
        if self._gazetteer is None:
            self._gazetteer = await asyncio.to_thread(get_gazetteer)
        return self._gazetteer

    async def understood_area(self, shown: onboarding.Conversation) -> str | None:
        """The area the member's place was understood in, if any."""
        if shown.understood is not None:
            return shown.understood.area_name
        key = shown.answers.get("place_understood")
        place = (await self.gazetteer()).place_by_key(key) if key else None
        return place.area_name if place is not None else None

    async def timezones(self, shown: onboarding.Conversation) -> list[str]:
        """The time zones to choose from at the time zone step (none at the other steps)."""
        if shown.step != onboarding.Step.TIMEZONE or shown.place is None:
            return []
        return (await self.gazetteer()).timezones_for_country(shown.place.country_code)
