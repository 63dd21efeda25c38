"""Shared helpers for answering interactions, and the one place errors are turned into replies."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import discord
from discord import app_commands

from bot.errors import GroundworkError
from bot.texts import errors as texts
from cogs._text import mention

log = logging.getLogger(__name__)


async def reply(interaction: discord.Interaction[Any], content: str | None = None, **kwargs: Any) -> None:
    """Answer ephemerally, whether or not the interaction was already acknowledged."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        await interaction.followup.send(content if content is not None else discord.utils.MISSING, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


def _user_message(error: Exception) -> str | None:
    """The words for an error the member caused or can act on; None for our own faults."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, GroundworkError):
        return original.render(mention)
    if isinstance(error, app_commands.NoPrivateMessage):
        return texts.GUILD_ONLY
    if isinstance(error, app_commands.CommandOnCooldown):
        return texts.COOLDOWN.format(seconds=error.retry_after)
    if isinstance(error, app_commands.TransformerError):
        return texts.BAD_INPUT.format(detail=discord.utils.escape_markdown(str(error.value))[:200])
    if isinstance(error, app_commands.CheckFailure):
        return texts.NOT_ALLOWED
    return None


async def report_error(interaction: discord.Interaction[Any], error: Exception) -> str | None:
    """Tell the member what went wrong; log our own faults with an id they can quote.

    Returns the error id when the error was unexpected.
    """
    message = _user_message(error)
    error_id: str | None = None
    if message is None:
        error_id = uuid.uuid4().hex[:8]
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = interaction.data.get("custom_id") if interaction.data else None
        log.error(
            "error %s in interaction (command=%s, custom_id=%s, guild=%s, channel=%s, user=%s)",
            error_id,
            command,
            custom_id,
            interaction.guild_id,
            interaction.channel_id,
            interaction.user.id,
            exc_info=error,
        )
        message = texts.UNEXPECTED.format(error_id=error_id)
    try:
        await reply(interaction, message)
    except discord.HTTPException as exc:
        # Too late (the 3-second window or the 15-minute token passed) or Discord refused.
        log.warning("could not tell user %s about an error: %s", interaction.user.id, exc)
    return error_id


class GroundworkView(discord.ui.View):
    """A view whose errors reach the member as a short apology, never as silence."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)


# Ids read back from custom_ids go to the database: a row id into an Integer column (int4 on
# PostgreSQL), a Discord id into a BigInteger one. A tampered custom_id can carry any digits.
ROW_ID_MAX = 2**31 - 1
SNOWFLAKE_MAX = 2**63 - 1


class OutOfRangeId(int):
    """An id from a custom_id that no row or Discord object can have (0 stands in for it).

    Raising in ``from_custom_id`` would make discord.py drop the interaction silently, so the
    item is made with this instead, and refused with a reply when it is used."""


def row_id(digits: str) -> int:
    """A row id (a page number too) read from a custom_id."""
    value = int(digits)
    return value if 0 <= value <= ROW_ID_MAX else OutOfRangeId(0)


def snowflake(digits: str) -> int:
    """A Discord id (user, guild) read from a custom_id."""
    value = int(digits)
    return value if 0 <= value <= SNOWFLAKE_MAX else OutOfRangeId(0)
