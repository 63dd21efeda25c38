"""Which of Discord's refusals a durable chat step waits out and tries again."""

from __future__ import annotations

import discord

TOO_MANY_REQUESTS = 429


def retry_later(error: discord.HTTPException) -> bool:
    """Whether a step that met `error` should be tried again later rather than settled as not
    done: Discord's 5xx, and a 429 discord.py stopped waiting out (Discord was only busy: under
    its global limit a 429 can come back several times in a row). Any other 4xx is a refusal."""
    return isinstance(error, discord.DiscordServerError) or error.status == TOO_MANY_REQUESTS
