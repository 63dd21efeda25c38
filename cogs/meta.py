"""/about: what the bot does and which commands it has."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.texts import meta as texts
from cogs._interactions import reply

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

EMBED_FIELD_LIMIT = 1024


def _command_lines(tree: app_commands.CommandTree[Any]) -> list[str]:
    lines = []
    for command in sorted(tree.walk_commands(), key=lambda c: c.qualified_name):
        if isinstance(command, app_commands.Command):
            lines.append(f"`/{command.qualified_name}`: {command.description}")
    return lines


def about_embed(tree: app_commands.CommandTree[Any]) -> discord.Embed:
    """The /about card: the features, then the commands."""
    embed = discord.Embed(
        title=texts.ABOUT_TITLE, description=texts.ABOUT_INTRO, colour=discord.Colour.green()
    )
    for name, value in texts.ABOUT_FEATURES:
        embed.add_field(name=name, value=value, inline=False)
    commands_text = ""
    for line in _command_lines(tree):
        if len(commands_text) + len(line) + 1 > EMBED_FIELD_LIMIT:
            break
        commands_text += line + "\n"
    embed.add_field(
        name=texts.ABOUT_COMMANDS_TITLE, value=commands_text or texts.ABOUT_NO_COMMANDS, inline=False
    )
    embed.set_footer(text=texts.ABOUT_FOOTER)
    return embed


class Meta(commands.Cog):
    """About the bot itself."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What groundwork does and how to use it")
    async def about(self, interaction: discord.Interaction[Any]) -> None:
        await reply(interaction, embed=about_embed(self.bot.tree))


async def setup(bot: GroundworkBot) -> None:
    """Load the Meta cog."""
    await bot.add_cog(Meta(bot))
