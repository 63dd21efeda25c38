"""The error handler for every slash command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs._interactions import report_error

if TYPE_CHECKING:
    from bot.bot import GroundworkBot


class ErrorHandler(commands.Cog):
    """Installs one handler on the command tree: a short apology with an error id, the traceback in the log.

    Order: our own `GroundworkError`s show their message; missing permissions, DM-only
    and cooldowns get a polite explanation; anything else is unexpected and logged.
    """

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)


async def setup(bot: GroundworkBot) -> None:
    """Load the ErrorHandler cog."""
    await bot.add_cog(ErrorHandler(bot))
