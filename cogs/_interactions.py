"""Shared helpers for answering interactions, and the one place errors are turned into replies."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import discord
from discord import app_commands

from bot.errors import GroundworkError
from bot.texts import errors as texts

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
        return original.user_message
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


class GroundworkModal(discord.ui.Modal):
    """A modal whose errors reach the member as a short apology, never as silence."""

    async def on_error(  # type: ignore[override]  # discord.py's Modal narrows BaseView's signature
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        await report_error(interaction, error)


class ReportsErrors:
    """Mixin for dynamic items: discord.py only logs what their callbacks raise, so the member
    would see "This interaction failed"; this turns it into a reply like every other error."""

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.handle(interaction)
        except Exception as error:
            await report_error(interaction, error)
