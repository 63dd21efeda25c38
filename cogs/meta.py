"""/about: what the bot does and which commands it has."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import members
from bot.texts import commands as command_texts
from bot.texts import meta as texts
from cogs._checks import for_moderators, is_moderator
from cogs._interactions import reply

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

EMBED_FIELD_LIMIT = 1024


class Section(enum.StrEnum):
    """What a command is for, as /about groups them (titles in bot/texts/meta.py)."""

    START = "start"
    MENTOR = "mentor"
    CHECKINS = "checkins"
    LOCAL = "local"
    DATA = "data"
    ORGANIZERS = "organizers"
    MODERATORS = "moderators"


# Members' commands by their top-level name; an organizer's own commands are those of /organizer
# that are not for moderators; moderators' commands are found by their permission or check.
SECTION_OF = {
    "about": Section.START,
    "join": Section.START,
    "onboard": Section.START,
    "profile": Section.START,
    "locale": Section.START,
    "nearby": Section.START,
    "mentor": Section.MENTOR,
    "buddy": Section.MENTOR,
    "checkin": Section.CHECKINS,
    "neighbours": Section.LOCAL,
    "circle": Section.LOCAL,
    "practice": Section.LOCAL,
    "log": Section.LOCAL,
    "privacy": Section.DATA,
    "organizer": Section.ORGANIZERS,
    "call": Section.ORGANIZERS,
    "reach": Section.ORGANIZERS,
}


def section_of(command: app_commands.Command[Any, ..., Any]) -> Section | None:
    """Where /about lists a command; None for a command it does not know (a test keeps it at none)."""
    if for_moderators(command):
        return Section.MODERATORS
    root = command.root_parent or command
    return SECTION_OF.get(root.name)


def command_lines(tree: app_commands.CommandTree[Any], sections: set[Section]) -> dict[Section, list[str]]:
    """One line per slash command, in the sections that are shown."""
    lines: dict[Section, list[str]] = {section: [] for section in Section if section in sections}
    for command in sorted(tree.walk_commands(), key=lambda c: c.qualified_name):
        if isinstance(command, app_commands.Command) and (section := section_of(command)) in lines:
            lines[section].append(f"`/{command.qualified_name}`: {command.description}")
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


def about_embed(tree: app_commands.CommandTree[Any], *, organizer: bool, moderator: bool) -> discord.Embed:
    """The /about card: the features, then the commands grouped by what they are for; an
    organizer's and a moderator's own only to those who can use them."""
    embed = discord.Embed(
        title=texts.ABOUT_TITLE, description=texts.ABOUT_INTRO, colour=discord.Colour.green()
    )
    for name, value in texts.ABOUT_FEATURES:
        embed.add_field(name=name, value=value, inline=False)
    shown = {Section.START, Section.MENTOR, Section.CHECKINS, Section.LOCAL, Section.DATA}
    if organizer:
        shown.add(Section.ORGANIZERS)
    if moderator:
        shown.add(Section.MODERATORS)
    grouped = command_lines(tree, shown)
    if not any(grouped.values()):
        embed.add_field(name=texts.ABOUT_COMMANDS_TITLE, value=texts.ABOUT_NO_COMMANDS, inline=False)
    for section, lines in grouped.items():
        for index, value in enumerate(_fields(lines)):
            title = texts.SECTION_TITLES[section] if index == 0 else "\u200b"
            embed.add_field(name=title, value=value, inline=False)
    embed.set_footer(text=texts.ABOUT_FOOTER)
    return embed


class Meta(commands.Cog):
    """About the bot itself."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description=command_texts.ABOUT)
    async def about(self, interaction: discord.Interaction[Any]) -> None:
        organizer = False
        if interaction.guild_id is not None:
            async with self.bot.sessions() as session:
                organizer = await members.is_organizer(
                    session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
                )
        moderator = await is_moderator(interaction)
        await reply(interaction, embed=about_embed(self.bot.tree, organizer=organizer, moderator=moderator))


async def setup(bot: GroundworkBot) -> None:
    """Load the Meta cog."""
    await bot.add_cog(Meta(bot))
