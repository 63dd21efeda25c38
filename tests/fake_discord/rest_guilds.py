"""Guild routes: members (get, list, edit, kick), member roles (add/remove, with Discord's role
hierarchy: the bot may only manage roles below its own top role), roles and channels.

Unknown guild 10004, member 10007, role 10011; missing permissions (``fake.deny`` or hierarchy)
403 50013. Role changes are kept per member (``fake.member(g, u).role_changes``) and dispatched as
GUILD_MEMBER_UPDATE (members intent)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from . import payloads
from .errors import MISSING_PERMISSIONS, UNKNOWN_GUILD, UNKNOWN_MEMBER, UNKNOWN_ROLE, DiscordError
from .gateway import GUILD_MEMBERS, GUILDS
from .permissions import ALL, bits, permissions_for
from .state import GUILD_TEXT, Channel, Guild, Member, Overwrite, Role, RoleChange

if TYPE_CHECKING:
    from .fake import FakeDiscord
    from .server import Ctx


def requested_guild(ctx: Ctx) -> Guild:
    guild = ctx.state.guilds.get(ctx.id("guild_id"))
    if guild is None:
        raise DiscordError.of(UNKNOWN_GUILD)
    return guild


def member_of(ctx: Ctx, guild: Guild) -> Member:
    member = guild.members.get(ctx.id("user_id"))
    if member is None:
        raise DiscordError.of(UNKNOWN_MEMBER)
    return member


def role_of(ctx: Ctx, guild: Guild) -> Role:
    role = guild.roles.get(ctx.id("role_id"))
    if role is None:
        raise DiscordError.of(UNKNOWN_ROLE)
    return role


def bot_top_position(ctx: Ctx, guild: Guild) -> int:
    roles = guild.members[ctx.state.bot_id].roles
    return max((guild.roles[r].position for r in roles if r in guild.roles), default=0)


def check_manageable(ctx: Ctx, guild: Guild, role: Role) -> None:
    """MANAGE_ROLES, and the role strictly below the bot's top role (owner excepted)."""
    ctx.fake.require(guild.id, "MANAGE_ROLES")
    if ctx.state.bot_id != guild.owner_id and (role.position >= bot_top_position(ctx, guild) or role.managed):
        raise DiscordError.of(MISSING_PERMISSIONS)


async def member_update(ctx: Ctx, member: Member) -> None:
    data = {**payloads.member(ctx.state, member), "guild_id": str(member.guild_id)}
    await ctx.fake.gateway.dispatch("GUILD_MEMBER_UPDATE", data, intent=GUILD_MEMBERS)


async def get_guild(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    data = payloads.guild_create(ctx.state, guild)
    for key in ("members", "channels", "threads", "voice_states", "presences"):
        data.pop(key)
    return data


async def get_member(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    return payloads.member(ctx.state, member_of(ctx, guild))


async def list_members(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    after = int(ctx.request.query.get("after", 0))
    limit = int(ctx.request.query.get("limit", 1))
    members = sorted((m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id)
    return [payloads.member(ctx.state, m) for m in members[:limit]]


async def edit_member(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    member = member_of(ctx, guild)
    body = ctx.body
    if "nick" in body:
        ctx.fake.require(guild.id, "MANAGE_NICKNAMES")
        member.nick = body["nick"]
    if body.get("roles") is not None:
        wanted = [int(r) for r in body["roles"]]
        for role_id in set(wanted) ^ set(member.roles):
            if role_id not in guild.roles:
                raise DiscordError.of(UNKNOWN_ROLE)
            check_manageable(ctx, guild, guild.roles[role_id])
        for role_id in set(wanted) ^ set(member.roles):
            action = "add" if role_id in wanted else "remove"
            member.role_changes.append(RoleChange(action, role_id, ctx.request.reason, time.monotonic()))
        member.roles = wanted
    await member_update(ctx, member)
    return payloads.member(ctx.state, member)


async def kick_member(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    member = member_of(ctx, guild)
    ctx.fake.require(guild.id, "KICK_MEMBERS")
    del guild.members[member.user_id]
    data = {"guild_id": str(guild.id), "user": payloads.user(ctx.state.user(member.user_id))}
    await ctx.fake.gateway.dispatch("GUILD_MEMBER_REMOVE", data, intent=GUILD_MEMBERS)
    return None


async def add_member_role(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    member = member_of(ctx, guild)
    role = role_of(ctx, guild)
    check_manageable(ctx, guild, role)
    if role.id not in member.roles:
        member.roles.append(role.id)
        member.role_changes.append(RoleChange("add", role.id, ctx.request.reason, time.monotonic()))
        await member_update(ctx, member)
    return None


async def remove_member_role(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    member = member_of(ctx, guild)
    role = role_of(ctx, guild)
    check_manageable(ctx, guild, role)
    if role.id in member.roles:
        member.roles.remove(role.id)
        member.role_changes.append(RoleChange("remove", role.id, ctx.request.reason, time.monotonic()))
        await member_update(ctx, member)
    return None


async def list_roles(ctx: Ctx) -> Any:
    return [payloads.role(r) for r in requested_guild(ctx).roles.values()]


async def create_role(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    ctx.fake.require(guild.id, "MANAGE_ROLES")
    body = ctx.body
    wanted = bits(int(body.get("permissions") or 0))
    mine = permissions_for(ctx.state, guild.id, ctx.state.bot_id)
    if mine != ALL and wanted & ~mine:
        raise DiscordError.of(MISSING_PERMISSIONS)
    for other in guild.roles.values():
        if other.id != guild.id:
            other.position += 1
    role = Role(ctx.state.new_id(), guild.id, str(body.get("name") or "new role"), wanted, 1)
    role.color = int(body.get("color") or 0)
    role.hoist, role.mentionable = bool(body.get("hoist")), bool(body.get("mentionable"))
    guild.roles[role.id] = role
    await ctx.fake.gateway.dispatch(
        "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)}, intent=GUILDS
    )
    return payloads.role(role)


async def edit_role(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    role = role_of(ctx, guild)
    check_manageable(ctx, guild, role)
    body = ctx.body
    for key in ("name", "color", "hoist", "mentionable"):
        if body.get(key) is not None:
            setattr(role, key, body[key])
    if body.get("permissions") is not None:
        role.permissions = int(body["permissions"])
    await ctx.fake.gateway.dispatch(
        "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": payloads.role(role)}, intent=GUILDS
    )
    return payloads.role(role)


async def delete_role(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    role = role_of(ctx, guild)
    check_manageable(ctx, guild, role)
    del guild.roles[role.id]
    for member in guild.members.values():
        if role.id in member.roles:
            member.roles.remove(role.id)
    data = {"guild_id": str(guild.id), "role_id": str(role.id)}
    await ctx.fake.gateway.dispatch("GUILD_ROLE_DELETE", data, intent=GUILDS)
    return None


async def list_channels(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    channels = (ctx.state.channels[c] for c in guild.channel_ids)
    return [payloads.channel(ctx.state, c) for c in channels if not c.is_thread]


async def create_channel(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    ctx.fake.require(guild.id, "MANAGE_CHANNELS")
    body = ctx.body
    overwrites = [
        Overwrite(int(o["id"]), int(o.get("type") or 0), int(o.get("allow") or 0), int(o.get("deny") or 0))
        for o in body.get("permission_overwrites") or []
    ]
    if overwrites:
        ctx.fake.require(guild.id, "MANAGE_ROLES")
    channel = Channel(
        ctx.state.new_id(),
        int(body.get("type") or GUILD_TEXT),
        str(body.get("name")),
        guild.id,
        int(body["parent_id"]) if body.get("parent_id") else None,
        int(body.get("position") or len(guild.channel_ids)),
        topic=body.get("topic"),
        overwrites=overwrites,
        created_by_bot=True,
    )
    ctx.state.channels[channel.id] = channel
    guild.channel_ids.append(channel.id)
    await ctx.fake.dispatch_channel("CHANNEL_CREATE", channel)
    ctx.status = 201
    return payloads.channel(ctx.state, channel)


def register(fake: FakeDiscord) -> None:
    add = fake.add_route
    add("GET", "/guilds/{guild_id}", get_guild)
    add("GET", "/guilds/{guild_id}/members", list_members)
    add("GET", "/guilds/{guild_id}/members/{user_id}", get_member)
    add("PATCH", "/guilds/{guild_id}/members/{user_id}", edit_member)
    add("DELETE", "/guilds/{guild_id}/members/{user_id}", kick_member)
    add("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", add_member_role)
    add("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", remove_member_role)
    add("GET", "/guilds/{guild_id}/roles", list_roles)
    add("POST", "/guilds/{guild_id}/roles", create_role)
    add("PATCH", "/guilds/{guild_id}/roles/{role_id}", edit_role)
    add("DELETE", "/guilds/{guild_id}/roles/{role_id}", delete_role)
    add("GET", "/guilds/{guild_id}/channels", list_channels)
    add("POST", "/guilds/{guild_id}/channels", create_channel)
