"""Showing what members wrote: never a live mention, never broken markdown."""

from __future__ import annotations

import discord

ZERO_WIDTH_SPACE = "\u200b"


def mention(user_id: int) -> str:
    """A member named as Discord shows a person (services give ids; this is the one place
    a user id becomes markup)."""
    return f"<@{user_id}>"


def member_text(text: str | None, *, limit: int = 1000) -> str:
    """Member-written text made safe to show to others: markdown escaped, mentions defused,
    cut to `limit` characters."""
    if not text:
        return ""
    cleaned = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    # escape_mentions leaves <@id> and <#id> forms rendered as mentions in some clients; break them too.
    cleaned = cleaned.replace("<@", f"<{ZERO_WIDTH_SPACE}@").replace("<#", f"<{ZERO_WIDTH_SPACE}#")
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned
