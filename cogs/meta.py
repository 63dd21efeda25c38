"""/about: what the bot does and which commands it has."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.texts import commands as command_texts
from bot.texts import meta as texts
from cogs._interactions import reply

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

EMBED_FIELD_LIMIT = 1024


def _root(
    command: app_commands.Command[Any, ..., Any],
) -> app_commands.Command[Any, ..., Any] | app_commands.Group:
    return command.root_parent or command


def _command_lines(tree: app_commands.CommandTree[Any], *, moderators: bool) -> list[str]:
    """One line per slash command: those for everyone, or those hidden behind a permission."""
    lines = []
    for command in sorted(tree.walk_commands(), key=lambda c: c.qualified_name):
        if not isinstance(command, app_commands.Command):
            continue
        restricted = _root(command).default_permissions is not None
        if restricted == moderators:
            lines.append(f"`/{command.qualified_name}`: {command.description}")
    return lines


def _fields(lines: list[str]) -> list[str]:
    """Lines grouped into embed field values of at most 1,024 characters each."""
    fields: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > EMBED_FIELD_LIMIT:
            fields.append(current)
            current = ""
        current += line + "\n"
    if current:
        fields.append(current)
    return fields


def about_embed(tree: app_commands.CommandTree[Any]) -> discord.Embed:
    """The /about card: the features, then the commands (moderators' ones named only by group)."""
    embed = discord.Embed(
        title=texts.ABOUT_TITLE, description=texts.ABOUT_INTRO, colour=discord.Colour.green()
    )
    for name, value in texts.ABOUT_FEATURES:
        embed.add_field(name=name, value=value, inline=False)
    for index, value in enumerate(
        _fields(_command_lines(tree, moderators=False)) or [texts.ABOUT_NO_COMMANDS]
    ):
        embed.add_field(
            name=texts.ABOUT_COMMANDS_TITLE if index == 0 else "\u200b", value=value, inline=False
        )
    groups = sorted(
        {
            _root(c).name
            for c in tree.walk_commands()
            if isinstance(c, app_commands.Command) and _root(c).default_permissions is not None
        }
    )
    if groups:
        embed.add_field(
            name=texts.ABOUT_MODERATORS_TITLE,
            value=", ".join(f"`/{group}`" for group in groups),
            inline=False,
        )
    embed.set_footer(text=texts.ABOUT_FOOTER)
    return embed


class Meta(commands.Cog):
    """About the bot itself."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description=command_texts.ABOUT)
    async def about(self, interaction: discord.Interaction[Any]) -> None:
        await reply(interaction, embed=about_embed(self.bot.tree))


async def setup(bot: GroundworkBot) -> None:
    """Load the Meta cog."""
    await bot.add_cog(Meta(bot))
