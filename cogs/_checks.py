"""Who may use moderator features: checked in code on every use, not only hidden by Discord."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.errors import NotAllowedError
from bot.texts import errors as texts

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

T = TypeVar("T")


async def is_moderator(interaction: discord.Interaction[Any], guild_id: int | None = None) -> bool:
    """Manage Server, or the guild's configured moderator role, in the guild acted upon."""
    guild_id = guild_id if guild_id is not None else interaction.guild_id
    if guild_id is None or interaction.guild_id != guild_id:
        return False  # a moderator of another server, or a DM: never
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if interaction.permissions.manage_guild or interaction.permissions.administrator:
        return True
    bot: GroundworkBot = interaction.client
    async with bot.sessions() as session:
        settings = await bot.guild_settings(session, guild_id)
        role_id = settings.moderator_role_id
    return role_id is not None and any(role.id == role_id for role in member.roles)


async def require_moderator(interaction: discord.Interaction[Any], guild_id: int | None = None) -> None:
    """Refuse (with a polite reply through the error handler) anyone who is not a moderator."""
    if not await is_moderator(interaction, guild_id):
        raise NotAllowedError(texts.NOT_ALLOWED)


async def _moderator_check(interaction: discord.Interaction[Any]) -> bool:
    # False, not an exception: discord.py turns it into a CheckFailure for the error handler.
    return await is_moderator(interaction)


def moderator_only() -> Callable[[T], T]:
    """A check for moderator slash commands (also hide them with `default_permissions`)."""
    return app_commands.check(_moderator_check)


def for_moderators(command: app_commands.Command[Any, ..., Any]) -> bool:
    """Whether only moderators may use `command` (its group is hidden behind a permission, or
    it carries the `moderator_only` check)."""
    root = command.root_parent or command
    return root.default_permissions is not None or _moderator_check in command.checks
