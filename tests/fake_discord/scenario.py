"""Setting the scene and looking at the result: guilds, members, channels, roles; members joining
and leaving; faults; and what the bot sent (DMs, channel messages, threads, role changes)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from . import payloads
from .errors import MISSING_PERMISSIONS, DiscordError, Fault, RequestPredicate, Slowdown
from .gateway import (
    DIRECT_MESSAGES,
    GUILD_MEMBERS,
    GUILD_MESSAGES,
    GUILD_SCHEDULED_EVENTS,
    GUILD_VOICE_STATES,
    GUILDS,
)
from .permissions import BOT_DEFAULT, EVERYONE_DEFAULT, bits, has
from .ratelimit import injected_429
from .server import FakeDiscordServer
from .state import (
    GUILD_TEXT,
    GUILD_VOICE,
    THREAD_TYPES,
    Channel,
    Guild,
    IdLike,
    Member,
    Message,
    Role,
    ScheduledEvent,
    as_id,
)

PermissionSpec = str | list[str] | int | None


class Scenario(FakeDiscordServer):
    """Part of :class:`~.fake.FakeDiscord`: building the world, events, faults, inspecting."""

    # -- building --------------------------------------------------------------------------
    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        guild_id: int | None = None,
        owner_id: int | None = None,
        channels: tuple[str, ...] = ("general",),
    ) -> Guild:
        """A guild with an @everyone role, the bot as a member (with its own managed role), an owner
        and the given text channels. Add guilds before the bot connects (or it sees them on its
        next IDENTIFY)."""
        state = self.state
        gid = guild_id or state.new_id()
        owner = owner_id or state.new_id()
        guild = Guild(gid, name, owner)
        state.guilds[gid] = guild
        guild.roles[gid] = Role(gid, gid, "@everyone", EVERYONE_DEFAULT, 0)
        bot_role = Role(
            state.new_id(), gid, state.users[state.bot_id].username, BOT_DEFAULT, 50, managed=True
        )
        guild.roles[bot_role.id] = bot_role
        state.bot_role_ids[gid] = bot_role.id
        guild.members[state.bot_id] = Member(gid, state.bot_id, [bot_role.id])
        self.add_member(gid, user_id=owner, name=f"owner{owner}")
        for channel_name in channels:
            self.add_channel(gid, name=channel_name)
        return guild

    def add_member(
        self,
        guild: IdLike,
        *,
        user_id: int | None = None,
        name: str | None = None,
        roles: list[IdLike] | None = None,
        permissions: PermissionSpec = None,
        bot: bool = False,
        global_name: str | None = None,
    ) -> Member:
        """Put a user in a guild (no event: use :meth:`member_join` for GUILD_MEMBER_ADD).
        ``permissions`` ("MANAGE_GUILD", a list, or bits) gives the member a role carrying them."""
        state = self.state
        g = state.guilds[as_id(guild)]
        uid = user_id or state.new_id()
        user = state.user(uid)
        user.username, user.bot = name or user.username, bot
        user.global_name = global_name or user.global_name
        role_ids = [as_id(r) for r in roles or []]
        if permissions is not None:
            role_ids.append(self.add_role(g.id, name=f"perms-{uid}", permissions=permissions).id)
        member = g.members[uid] = Member(g.id, uid, role_ids)
        return member

    def add_role(
        self,
        guild: IdLike,
        *,
        name: str = "role",
        permissions: PermissionSpec = None,
        position: int | None = None,
        role_id: int | None = None,
        **extra: Any,
    ) -> Role:
        """A role; by default placed under the bot's role (so the bot may assign it)."""
        g = self.state.guilds[as_id(guild)]
        pos = (
            position
            if position is not None
            else 1 + max((r.position for r in g.roles.values() if not r.managed), default=0)
        )
        role = Role(role_id or self.state.new_id(), g.id, name, bits(permissions), pos, **extra)
        g.roles[role.id] = role
        return role

    def add_channel(
        self,
        guild: IdLike,
        *,
        name: str = "channel",
        type: int = GUILD_TEXT,
        parent_id: int | None = None,
        channel_id: int | None = None,
    ) -> Channel:
        g = self.state.guilds[as_id(guild)]
        channel = Channel(channel_id or self.state.new_id(), type, name, g.id, parent_id, len(g.channel_ids))
        self.state.channels[channel.id] = channel
        g.channel_ids.append(channel.id)
        return channel

    def channel(self, guild: IdLike, name: str) -> Channel:
        """A guild's channel by name."""
        for cid in self.state.guilds[as_id(guild)].channel_ids:
            if self.state.channels[cid].name == name:
                return self.state.channels[cid]
        raise KeyError(f"no channel {name!r} in guild {as_id(guild)}")

    # -- events ----------------------------------------------------------------------------
    async def member_join(
        self,
        guild: IdLike,
        user_id: int | None = None,
        *,
        name: str | None = None,
        roles: list[IdLike] | None = None,
    ) -> Member:
        """Add a member and send GUILD_MEMBER_ADD (members intent only, as on Discord)."""
        member = self.add_member(guild, user_id=user_id, name=name, roles=roles)
        data = {**payloads.member(self.state, member), "guild_id": str(member.guild_id)}
        await self.gateway.dispatch("GUILD_MEMBER_ADD", data, intent=GUILD_MEMBERS)
        return member

    async def guild_available(self, guild: IdLike) -> None:
        """Send GUILD_CREATE for a guild added while the bot is connected (the bot joined it)."""
        g = self.state.guilds[as_id(guild)]
        await self.gateway.dispatch("GUILD_CREATE", payloads.guild_create(self.state, g), intent=GUILDS)

    async def member_leave(self, guild: IdLike, user_id: int) -> None:
        """Remove a member and send GUILD_MEMBER_REMOVE."""
        g = self.state.guilds[as_id(guild)]
        g.members.pop(user_id, None)
        data = {"guild_id": str(g.id), "user": payloads.user(self.state.user(user_id))}
        await self.gateway.dispatch("GUILD_MEMBER_REMOVE", data, intent=GUILD_MEMBERS)

    async def account_deleted(self, user_id: int, *, member_update: bool = False, leave: bool = True) -> None:
        """The user deletes their Discord account. Discord has no event or flag for it: the user is
        anonymised (username ``deleted_user_`` and 12 hex digits, no global name, no avatar; GET
        /users/{id} answers so from now on) and removed from every guild, each removal a
        GUILD_MEMBER_REMOVE carrying the anonymised user. ``member_update``: first a
        GUILD_MEMBER_UPDATE with the anonymised user in each guild, as for any change of a member's
        user object; ``leave=False``: the member stays listed (a "Deleted User" left in the list)."""
        user = self.state.user(user_id)
        user.username = f"deleted_user_{secrets.token_hex(6)}"
        user.global_name = None
        guilds = [g for g in self.state.guilds.values() if user_id in g.members]
        for g in guilds:
            g.members[user_id].nick = None
        if member_update:
            for g in guilds:
                data = {**payloads.member(self.state, g.members[user_id]), "guild_id": str(g.id)}
                await self.gateway.dispatch("GUILD_MEMBER_UPDATE", data, intent=GUILD_MEMBERS)
        if leave:
            for g in guilds:
                await self.member_leave(g.id, user_id)

    async def user_message(self, user_id: int, content: str, *, channel: IdLike | None = None) -> Message:
        """A user writes ``content`` in ``channel`` (default: their DM with the bot): MESSAGE_CREATE."""
        state = self.state
        ch = state.channels[as_id(channel)] if channel is not None else state.dm_channel(user_id)
        msg = state.add_message(Message(state.new_id(), ch.id, user_id, content, guild_id=ch.guild_id))
        await self.dispatch_message("MESSAGE_CREATE", msg)
        return msg

    async def dispatch_message(self, event: str, msg: Message) -> None:
        data = payloads.message(self.state, msg, self.base_url)
        if msg.guild_id is not None:
            member = self.state.guilds[msg.guild_id].members.get(msg.author_id)
            if member is not None:
                data["member"] = payloads.member(self.state, member, with_user=False)
        mentioned = f"<@{self.state.bot_id}>" in msg.content or msg.author_id == self.state.bot_id
        redact = None if msg.guild_id is None or mentioned else _without_content
        intent = DIRECT_MESSAGES if msg.guild_id is None else GUILD_MESSAGES
        await self.gateway.dispatch(event, data, intent=intent, redact=redact)

    async def dispatch_channel(self, event: str, channel: Channel, **extra: Any) -> None:
        data = {**payloads.channel(self.state, channel), **extra}
        await self.gateway.dispatch(event, data, intent=GUILDS)

    async def voice_join(self, guild: IdLike, user_id: int, channel: IdLike) -> None:
        """A member joins (or moves to) a voice channel: VOICE_STATE_UPDATE (voice states intent)."""
        g = self.state.guilds[as_id(guild)]
        channel_id = as_id(channel)
        if self.state.channels[channel_id].type != GUILD_VOICE:
            raise ValueError(f"channel {channel_id} is not a voice channel")
        g.voice_states[user_id] = channel_id
        data = payloads.voice_state(self.state, g, user_id, channel_id)
        await self.gateway.dispatch("VOICE_STATE_UPDATE", data, intent=GUILD_VOICE_STATES)

    async def voice_leave(self, guild: IdLike, user_id: int) -> None:
        """A member leaves voice: VOICE_STATE_UPDATE with a null channel."""
        g = self.state.guilds[as_id(guild)]
        g.voice_states.pop(user_id, None)
        data = payloads.voice_state(self.state, g, user_id, None)
        await self.gateway.dispatch("VOICE_STATE_UPDATE", data, intent=GUILD_VOICE_STATES)

    async def event_interest(self, guild: IdLike, event_id: int, user_id: int) -> None:
        """A member marks a scheduled event Interested: GUILD_SCHEDULED_EVENT_USER_ADD."""
        event = self.state.guilds[as_id(guild)].scheduled_events[event_id]
        event.interested.add(user_id)
        data = {
            "guild_scheduled_event_id": str(event_id),
            "user_id": str(user_id),
            "guild_id": str(event.guild_id),
        }
        await self.gateway.dispatch("GUILD_SCHEDULED_EVENT_USER_ADD", data, intent=GUILD_SCHEDULED_EVENTS)

    def scheduled_events(self, guild: IdLike) -> list[ScheduledEvent]:
        """A guild's scheduled events, oldest first."""
        return list(self.state.guilds[as_id(guild)].scheduled_events.values())

    # -- faults ----------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        route: str | None,
        status: int = 400,
        code: int = 0,
        message: str | None = None,
        *,
        times: int | None = 1,
        where: RequestPredicate | None = None,
        errors: dict[str, Any] | None = None,
    ) -> Fault:
        """Answer the next ``times`` (None: all) ``method route`` requests (route: spec template or
        concrete path; None: any) with Discord's error ``{"code", "message", "errors"?}``."""

        def make() -> DiscordError:
            err = DiscordError.of(code, message) if message is None else DiscordError(status, code, message)
            err.status, err.errors = status, errors
            return err

        return self.faults.add(Fault(method.upper(), route, make, times, where))

    def slow(self, method: str, route: str | None, seconds: float, *, times: int | None = 1) -> Slowdown:
        """Make the next ``times`` ``method route`` requests take ``seconds`` before Discord answers
        (for deadlines: a command that does slow work must defer within 3 s)."""
        slowdown = Slowdown(method.upper(), route, seconds, times)
        self.slowdowns.append(slowdown)
        return slowdown

    def rate_limit_once(
        self,
        method: str,
        route: str | None,
        retry_after: float = 0.05,
        *,
        is_global: bool = False,
        times: int = 1,
    ) -> Fault:
        """A 429 (``Via`` header, ``retry_after`` body, X-RateLimit-* headers) that discord.py retries."""
        return self.faults.add(
            Fault(method.upper(), route, lambda: injected_429(retry_after, is_global=is_global), times)
        )

    def close_dms(self, user_id: int) -> None:
        """The user accepts no DMs from the bot: sending into their DM channel is 403 / 50007."""
        self.state.user(user_id).dms_closed = True

    def open_dms(self, user_id: int) -> None:
        self.state.user(user_id).dms_closed = False

    def deny(self, guild: IdLike, *permissions: str, channel: IdLike | None = None) -> None:
        """Take permissions away from the bot (guild-wide, or in one channel and its threads);
        routes that need them answer 403 / 50013 Missing Permissions."""
        g = self.state.guilds[as_id(guild)]
        key = None if channel is None else as_id(channel)
        g.denied[key] = g.denied.get(key, 0) | bits(list(permissions))

    def allow(self, guild: IdLike, *permissions: str, channel: IdLike | None = None) -> None:
        g = self.state.guilds[as_id(guild)]
        key = None if channel is None else as_id(channel)
        g.denied[key] = g.denied.get(key, 0) & ~bits(list(permissions))

    # -- inspecting ------------------------------------------------------------------------
    def messages_in(self, channel: IdLike, *, include_deleted: bool = False) -> list[Message]:
        """Every message in a channel (the bot's and users'), oldest first; ephemeral ones included."""
        return self.state.messages_in(as_id(channel), include_deleted=include_deleted)

    def dms_to(self, user_id: int) -> list[Message]:
        """What the bot wrote in its DM channel with ``user_id`` (incl. interaction answers there)."""
        channel_id = self.state.dm_channels.get(user_id)
        if channel_id is None:
            return []
        return [m for m in self.state.messages_in(channel_id) if m.author_id == self.state.bot_id]

    async def wait_for_dm(self, user_id: int, *, count: int = 1, timeout: float = 2.0) -> Message:
        """The ``count``-th DM the bot sent ``user_id`` (waiting for it)."""
        result: list[Message] = await self.wait_for(
            lambda: (dms := self.dms_to(user_id)) and len(dms) >= count and dms,
            timeout=timeout,
            what=f"DM #{count} to user {user_id}",
        )
        return result[count - 1]

    async def wait_for_message(
        self,
        channel: IdLike,
        *,
        count: int = 1,
        timeout: float = 2.0,
        where: Callable[[Message], bool] | None = None,
    ) -> Message:
        def found() -> Message | None:
            msgs = [m for m in self.messages_in(channel) if where is None or where(m)]
            return msgs[count - 1] if len(msgs) >= count else None

        result: Message = await self.wait_for(
            found, timeout=timeout, what=f"message #{count} in {as_id(channel)}"
        )
        return result

    def threads(self, parent: IdLike | None = None) -> list[Channel]:
        """Threads (made by the bot or a test), optionally of one parent channel."""
        return [
            c
            for c in self.state.channels.values()
            if c.type in THREAD_TYPES and (parent is None or c.parent_id == as_id(parent))
        ]

    def member(self, guild: IdLike, user_id: int) -> Member:
        return self.state.guilds[as_id(guild)].members[user_id]

    def role_names(self, guild: IdLike, user_id: int) -> list[str]:
        g = self.state.guilds[as_id(guild)]
        return [g.roles[r].name for r in g.members[user_id].roles if r in g.roles]

    def require(self, guild_id: int, permission: str, channel_id: int | None = None) -> None:
        """Raise Discord's 403 / 50013 unless the bot has ``permission`` (in ``channel_id``)."""
        if not has(self.state, guild_id, self.state.bot_id, permission, channel_id):
            raise DiscordError.of(MISSING_PERMISSIONS)


def _without_content(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "content": "", "embeds": [], "attachments": [], "components": []}
