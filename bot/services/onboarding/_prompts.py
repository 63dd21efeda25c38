"""The words of an onboarding question that are the same on every platform (the adapter adds
its own controls: buttons on Discord, numbered choices on Matrix)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.services.onboarding._conversation import Conversation
from bot.services.time_zones import local_time, zone_name
from bot.texts import onboarding as texts


def place_confirm_lines(
    conversation: Conversation, *, now: datetime, shown: Callable[[str], str]
) -> list[str]:
    """ "Is this your place?": the place found, its time zone and the time there now, and a word
    when it came from a postal code or is only an area. `shown`: a place name made safe to show."""
    place, timezone = conversation.place, conversation.answers.get("timezone", "UTC")
    lines = [
        texts.PLACE_CONFIRM_PROMPT.format(
            place=shown(place.label) if place else "?",
            timezone=zone_name(timezone),
            local_time=local_time(timezone, now),
        )
    ]
    if conversation.answers.get("place_from_postal"):
        lines.append(texts.PLACE_FROM_POSTAL)
    if place is not None and place.precision in texts.PLACE_PRECISION_NOTE:
        lines.append(texts.PLACE_PRECISION_NOTE[place.precision])
    return lines
