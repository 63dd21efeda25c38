"""Channel routes: DMs, messages (JSON or multipart with files), threads and thread members.

Natural errors, as Discord gives them: unknown channel 10003 / message 10008 / member 10007,
closed DMs 403 50007, missing permissions 403 50013 (per ``fake.deny``), an unknown recipient
400 50033. Changes are dispatched on the gateway (MESSAGE_*, THREAD_*, CHANNEL_*) before the
REST answer, so the bot's cache agrees with the fake when its call returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import payloads
from .errors import CANNOT_DM, UNKNOWN_CHANNEL, UNKNOWN_MEMBER, UNKNOWN_MESSAGE, DiscordError
from .gateway import GUILD_MEMBERS
from .messages import create_message, edit_message
from .state import DM, PRIVATE_THREAD, PUBLIC_THREAD, Channel, Message, Overwrite, iso

if TYPE_CHECKING:
    from .fake import FakeDiscord
    from .server import Ctx

THREAD_PARENTS = frozenset({0, 5, 15})


def channel_of(ctx: Ctx, name: str = "channel_id") -> Channel:
    channel = ctx.state.channels.get(ctx.id(name))
    if channel is None:
        raise DiscordError.of(UNKNOWN_CHANNEL)
    return channel


def message_of(ctx: Ctx, channel: Channel) -> Message:
    msg = ctx.state.messages.get(ctx.id("message_id"))
    if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
        raise DiscordError.of(UNKNOWN_MESSAGE)  # ephemeral messages exist only for their interaction
    return msg


def require(ctx: Ctx, channel: Channel, *permissions: str) -> None:
    if channel.guild_id is None:
        return
    for permission in ("VIEW_CHANNEL", *permissions):
        ctx.fake.require(channel.guild_id, permission, channel.id)


async def create_dm(ctx: Ctx) -> Any:
    recipient = ctx.body.get("recipient_id")
    if recipient is None or int(recipient) not in ctx.state.users:
        raise DiscordError(400, 50033, "Invalid Recipient(s)")
    return payloads.channel(ctx.state, ctx.state.dm_channel(int(recipient)))


async def get_channel(ctx: Ctx) -> Any:
    channel = channel_of(ctx)
    require(ctx, channel)
    return payloads.channel(ctx.state, channel)


async def edit_channel(ctx: Ctx) -> Any:
    channel = channel_of(ctx)
    require(ctx, channel, "MANAGE_THREADS" if channel.is_thread else "MANAGE_CHANNELS")
    body = ctx.body
    for key in ("name", "topic", "archived", "locked", "invitable", "auto_archive_duration", "position"):
        if key in body and body[key] is not None:
            setattr(channel, key, body[key])
    await ctx.fake.dispatch_channel("THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE", channel)
    return payloads.channel(ctx.state, channel)


async def delete_channel(ctx: Ctx) -> Any:
    channel = channel_of(ctx)
    require(ctx, channel, "MANAGE_THREADS" if channel.is_thread else "MANAGE_CHANNELS")
    data = payloads.channel(ctx.state, channel)
    del ctx.state.channels[channel.id]
    if channel.guild_id is not None:
        ctx.state.guilds[channel.guild_id].channel_ids.remove(channel.id)
    await ctx.fake.dispatch_channel("THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE", channel)
    return data


async def send_message(ctx: Ctx) -> Any:
    channel = channel_of(ctx)
    if channel.type == DM:
        if ctx.state.user(channel.recipient_id or 0).dms_closed:
            raise DiscordError.of(CANNOT_DM)
    else:
        require(ctx, channel, "SEND_MESSAGES_IN_THREADS" if channel.is_thread else "SEND_MESSAGES")
        if ctx.request.files:
            require(ctx, channel, "ATTACH_FILES")
        if channel.is_thread and channel.archived:
            if channel.locked:
                require(ctx, channel, "MANAGE_THREADS")
            channel.archived = False  # sending to an archived thread unarchives it
    msg = create_message(ctx, channel, ctx.body)
    await ctx.fake.dispatch_message("MESSAGE_CREATE", msg)
    return payloads.message(ctx.state, msg, ctx.fake.base_url)


async def get_message(ctx: Ctx) -> Any:
    channel = channel_of(ctx)
    require(ctx, channel, "READ_MESSAGE_HISTORY")
    return payloads.message(ctx.state, message_of(ctx, channel), ctx.fake.base_url)


async def list_messages(ctx: Ctx) -> Any:
    channel = channel_of(ctx)
    require(ctx, channel, "READ_MESSAGE_HISTORY")
    query = ctx.request.query
    msgs = [m for m in ctx.state.messages_in(channel.id) if not m.ephemeral]
    if "before" in query:
        msgs = [m for m in msgs if m.id < int(query["before"])]
    if "after" in query:
        msgs = [m for m in msgs if m.id > int(query["after"])]
    limit = int(query.get("limit", 50))
    newest = sorted(msgs, key=lambda m: m.id, reverse=True)[:limit]
    return [payloads.message(ctx.state, m, ctx.fake.base_url) for m in newest]


async def patch_message(ctx: Ctx) -> Any:
    channel = channel_of(ctx)
    msg = message_of(ctx, channel)
    if msg.author_id != ctx.state.bot_id:
        raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
    edit_message(ctx, msg, ctx.body)
    await ctx.fake.dispatch_message("MESSAGE_UPDATE", msg)
    return payloads.message(ctx.state, msg, ctx.fake.base_url)


async def delete_message(ctx: Ctx) -> Any:
    channel = channel_of(ctx)
    msg = message_of(ctx, channel)
    if msg.author_id != ctx.state.bot_id:
        require(ctx, channel, "MANAGE_MESSAGES")
    msg.deleted = True
    data = {"id": str(msg.id), "channel_id": str(channel.id)}
    if channel.guild_id is not None:
        data["guild_id"] = str(channel.guild_id)
    await ctx.fake.gateway.dispatch("MESSAGE_DELETE", data)
    return None


async def _new_thread(ctx: Ctx, parent: Channel, thread_id: int, kind: int) -> Any:
    body = ctx.body
    thread = Channel(
        thread_id,
        kind,
        str(body.get("name") or "thread"),
        parent.guild_id,
        parent.id,
        owner_id=ctx.state.bot_id,
        thread_members={ctx.state.bot_id},
        invitable=bool(body.get("invitable", True)),
        auto_archive_duration=int(body.get("auto_archive_duration") or 4320),
        created_by_bot=True,
    )
    ctx.state.channels[thread.id] = thread
    if parent.guild_id is not None:
        ctx.state.guilds[parent.guild_id].channel_ids.append(thread.id)
    if isinstance(body.get("message"), dict):  # forum / media post
        create_message(ctx, thread, body["message"])
    await ctx.fake.dispatch_channel("THREAD_CREATE", thread, newly_created=True)
    ctx.status = 201
    return payloads.channel(ctx.state, thread)


async def create_thread(ctx: Ctx) -> Any:
    parent = channel_of(ctx)
    if parent.type not in THREAD_PARENTS:
        raise DiscordError(400, 50024, "Cannot execute action on this channel type")
    kind = int(ctx.body.get("type") or PRIVATE_THREAD)
    require(ctx, parent, "CREATE_PRIVATE_THREADS" if kind == PRIVATE_THREAD else "CREATE_PUBLIC_THREADS")
    return await _new_thread(ctx, parent, ctx.state.new_id(), kind)


async def create_thread_from_message(ctx: Ctx) -> Any:
    parent = channel_of(ctx)
    msg = message_of(ctx, parent)
    require(ctx, parent, "CREATE_PUBLIC_THREADS")
    if msg.id in ctx.state.channels:
        raise DiscordError(400, 160004, "A thread has already been created for this message")
    thread = await _new_thread(ctx, parent, msg.id, PUBLIC_THREAD)
    ctx.state.channels[msg.id].starter_message_id = msg.id
    return thread


def _thread(ctx: Ctx) -> Channel:
    thread = channel_of(ctx)
    if not thread.is_thread:
        raise DiscordError(400, 50024, "Cannot execute action on this channel type")
    return thread


async def add_thread_member(ctx: Ctx) -> Any:
    thread = _thread(ctx)
    user_id = ctx.state.bot_id if ctx.request.params.get("user_id") in (None, "@me") else ctx.id("user_id")
    guild = ctx.state.guilds[thread.guild_id or 0]
    if user_id not in guild.members:
        raise DiscordError.of(UNKNOWN_MEMBER)
    require(ctx, thread, "SEND_MESSAGES_IN_THREADS")
    thread.thread_members.add(user_id)
    added = {"id": str(thread.id), "user_id": str(user_id), "join_timestamp": iso(), "flags": 0}
    data = {
        "id": str(thread.id),
        "guild_id": str(guild.id),
        "member_count": len(thread.thread_members),
        "added_members": [added],
    }
    await ctx.fake.gateway.dispatch("THREAD_MEMBERS_UPDATE", data, intent=GUILD_MEMBERS)
    return None


async def remove_thread_member(ctx: Ctx) -> Any:
    thread = _thread(ctx)
    user_id = ctx.state.bot_id if ctx.request.params.get("user_id") in (None, "@me") else ctx.id("user_id")
    if user_id != ctx.state.bot_id:
        require(ctx, thread, "MANAGE_THREADS")
    thread.thread_members.discard(user_id)
    return None


async def get_thread_member(ctx: Ctx) -> Any:
    thread = _thread(ctx)
    user_id = ctx.id("user_id")
    if user_id not in thread.thread_members:
        raise DiscordError.of(UNKNOWN_MEMBER)
    return {"id": str(thread.id), "user_id": str(user_id), "join_timestamp": iso(), "flags": 0}


async def typing(ctx: Ctx) -> Any:
    channel_of(ctx)
    return None


async def put_permission_overwrite(ctx: Ctx) -> None:
    channel = ctx.state.channels[ctx.id("channel_id")]
    ctx.fake.require(channel.guild_id or 0, "MANAGE_ROLES", channel.id)
    target, body = ctx.id("overwrite_id"), ctx.body
    channel.overwrites = [o for o in channel.overwrites if o.id != target] + [
        Overwrite(target, int(body.get("type") or 0), int(body.get("allow") or 0), int(body.get("deny") or 0))
    ]
    await ctx.fake.dispatch_channel("CHANNEL_UPDATE", channel)
    ctx.status = 204


async def delete_permission_overwrite(ctx: Ctx) -> None:
    channel = ctx.state.channels[ctx.id("channel_id")]
    ctx.fake.require(channel.guild_id or 0, "MANAGE_ROLES", channel.id)
    channel.overwrites = [o for o in channel.overwrites if o.id != ctx.id("overwrite_id")]
    await ctx.fake.dispatch_channel("CHANNEL_UPDATE", channel)
    ctx.status = 204


def register(fake: FakeDiscord) -> None:
    add = fake.add_route
    add("POST", "/users/@me/channels", create_dm)
    add("GET", "/channels/{channel_id}", get_channel)
    add("PATCH", "/channels/{channel_id}", edit_channel)
    add("DELETE", "/channels/{channel_id}", delete_channel)
    add("POST", "/channels/{channel_id}/messages", send_message)
    add("GET", "/channels/{channel_id}/messages", list_messages)
    add("GET", "/channels/{channel_id}/messages/{message_id}", get_message)
    add("PATCH", "/channels/{channel_id}/messages/{message_id}", patch_message)
    add("DELETE", "/channels/{channel_id}/messages/{message_id}", delete_message)
    add("POST", "/channels/{channel_id}/threads", create_thread)
    add("POST", "/channels/{channel_id}/messages/{message_id}/threads", create_thread_from_message)
    add("PUT", "/channels/{channel_id}/thread-members/{user_id}", add_thread_member)
    add("PUT", "/channels/{channel_id}/thread-members/@me", add_thread_member)
    add("DELETE", "/channels/{channel_id}/thread-members/{user_id}", remove_thread_member)
    add("DELETE", "/channels/{channel_id}/thread-members/@me", remove_thread_member)
    add("GET", "/channels/{channel_id}/thread-members/{user_id}", get_thread_member)
    add("POST", "/channels/{channel_id}/typing", typing)
    add("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", put_permission_overwrite)
    add("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", delete_permission_overwrite)
