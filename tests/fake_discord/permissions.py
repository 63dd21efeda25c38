"""Permission arithmetic as Discord does it: @everyone, then roles, administrator, then channel
overwrites (@everyone, roles, member); threads use their parent's overwrites. ``fake.deny`` bits
are taken away from the bot last, so a test can remove one permission without building roles."""

from __future__ import annotations

import discord

from .state import Guild, State

ALL = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions.VALID_FLAGS["administrator"]
# What the bot's own managed role carries by default: everything but administrator.
BOT_DEFAULT = ALL & ~ADMINISTRATOR
EVERYONE_DEFAULT = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    read_message_history=True,
    add_reactions=True,
    embed_links=True,
    attach_files=True,
    use_application_commands=True,
    change_nickname=True,
    connect=True,
    speak=True,
).value
DM_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
    use_application_commands=True,
).value


def bit(name: str) -> int:
    """The bit of a permission given as ``"MANAGE_ROLES"`` or ``"manage_roles"``."""
    try:
        return int(discord.Permissions.VALID_FLAGS[name.lower()])
    except KeyError:
        raise ValueError(f"unknown permission {name!r}") from None


def bits(names: str | list[str] | int | None) -> int:
    if names is None:
        return 0
    if isinstance(names, int):
        return names
    if isinstance(names, str):
        names = [names]
    total = 0
    for name in names:
        total |= bit(name)
    return total


def names(value: int) -> list[str]:
    return [n.upper() for n, b in discord.Permissions.VALID_FLAGS.items() if value & b == b and b]


def base_permissions(guild: Guild, user_id: int) -> int:
    if user_id == guild.owner_id:
        return ALL
    member = guild.members.get(user_id)
    everyone = guild.roles.get(guild.everyone_role_id)
    perms = everyone.permissions if everyone else 0
    for role_id in member.roles if member else []:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    return ALL if perms & ADMINISTRATOR else perms


def permissions_for(state: State, guild_id: int, user_id: int, channel_id: int | None = None) -> int:
    """``user_id``'s permissions in the guild, or in ``channel_id`` when given."""
    guild = state.guilds[guild_id]
    perms = base_permissions(guild, user_id)
    channel = state.channels.get(channel_id) if channel_id is not None else None
    if channel is not None and channel.is_thread and channel.parent_id is not None:
        channel = state.channels.get(channel.parent_id, channel)
    if perms != ALL and channel is not None:
        member = guild.members.get(user_id)
        member_roles = set(member.roles if member else [])
        by_id = {o.id: o for o in channel.overwrites}
        everyone = by_id.get(guild.everyone_role_id)
        if everyone is not None:
            perms = (perms & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for o in channel.overwrites:
            if o.type == 0 and o.id in member_roles:
                allow, deny = allow | o.allow, deny | o.deny
        perms = (perms & ~deny) | allow
        own = by_id.get(user_id)
        if own is not None and own.type == 1:
            perms = (perms & ~own.deny) | own.allow
    if user_id == state.bot_id:
        perms &= ~guild.denied.get(None, 0)
        if channel_id is not None:
            perms &= ~guild.denied.get(channel_id, 0)
            parent = state.channels.get(channel_id)
            if parent is not None and parent.parent_id is not None:
                perms &= ~guild.denied.get(parent.parent_id, 0)
    return perms


def has(state: State, guild_id: int, user_id: int, permission: str, channel_id: int | None = None) -> bool:
    needed = bit(permission)
    return permissions_for(state, guild_id, user_id, channel_id) & needed == needed
