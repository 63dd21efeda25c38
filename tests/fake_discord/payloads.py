"""Bot-facing JSON, shaped the way discord.py 2.7.1 reads it (every key it insists on, string
snowflakes, ``permissions`` as strings). See ``research/discord-e2e.md`` section 3."""

from __future__ import annotations

from typing import Any

from .permissions import permissions_for
from .state import (
    DISCORD_EPOCH_MS,
    DM,
    GUILD_VOICE,
    AppCommand,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    ScheduledEvent,
    State,
    User,
    iso,
)


def user(u: User) -> dict[str, Any]:
    return {
        "id": str(u.id),
        "username": u.username,
        "global_name": u.global_name,
        "discriminator": "0",
        "avatar": None,
        "bot": u.bot,
        "public_flags": 0,
    }


def role(r: Role) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": r.color,
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": r.hoist,
        "managed": r.managed,
        "mentionable": r.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def member(
    state: State, m: Member, *, with_user: bool = True, channel_id: int | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "roles": [str(r) for r in m.roles],
        "nick": m.nick,
        "avatar": None,
        "joined_at": m.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        out["user"] = user(state.user(m.user_id))
    if channel_id is not None:
        out["permissions"] = str(permissions_for(state, m.guild_id, m.user_id, channel_id))
    return out


def channel(state: State, c: Channel) -> dict[str, Any]:
    if c.type == DM:
        recipient = state.user(c.recipient_id or 0)
        return {
            "id": str(c.id),
            "type": DM,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user(recipient)],
        }
    out: dict[str, Any] = {
        "id": str(c.id),
        "type": c.type,
        "guild_id": str(c.guild_id),
        "name": c.name,
        "position": c.position,
        "flags": 0,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "parent_id": str(c.parent_id) if c.parent_id else None,
    }
    if c.is_thread:
        out.update(
            owner_id=str(c.owner_id),
            member_count=len(c.thread_members),
            message_count=len(state.messages_in(c.id)),
            total_message_sent=len(state.messages_in(c.id)),
            thread_metadata={
                "archived": c.archived,
                "locked": c.locked,
                "invitable": c.invitable,
                "auto_archive_duration": c.auto_archive_duration,
                "archive_timestamp": state.messages[c.starter_message_id].timestamp
                if c.starter_message_id in state.messages
                else _created(c.id),
                "create_timestamp": _created(c.id),
            },
        )
        if state.bot_id in c.thread_members:
            out["member"] = {
                "id": str(c.id),
                "user_id": str(state.bot_id),
                "join_timestamp": _created(c.id),
                "flags": 0,
            }
    else:
        out.update(
            topic=c.topic,
            permission_overwrites=[
                {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
                for o in c.overwrites
            ],
            last_message_id=None,
        )
    if c.type == GUILD_VOICE:
        out.update(bitrate=64000, user_limit=0, rtc_region=None, video_quality_mode=1)
    return out


def _created(snowflake: int) -> str:
    return iso(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000)


def attachment(a: Attachment, base_url: str) -> dict[str, Any]:
    url = f"{base_url}/attachments/{a.id}/{a.filename}"
    out: dict[str, Any] = {
        "id": str(a.id),
        "filename": a.filename,
        "size": a.size,
        "url": url,
        "proxy_url": url,
    }
    if a.content_type:
        out["content_type"] = a.content_type
    if a.description:
        out["description"] = a.description
    return out


def message(state: State, m: Message, base_url: str) -> dict[str, Any]:
    author = state.user(m.author_id)
    out: dict[str, Any] = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "type": m.type,
        "content": m.content,
        "author": user(author),
        "timestamp": m.timestamp,
        "edited_timestamp": m.edited_timestamp,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [attachment(a, base_url) for a in m.attachments],
        "embeds": m.embeds,
        "components": m.components,
        "pinned": False,
        "flags": m.flags,
    }
    if m.guild_id is not None:
        out["guild_id"] = str(m.guild_id)
    if m.webhook_id is not None:
        out["webhook_id"] = str(m.webhook_id)
        out["application_id"] = str(state.application_id)
    if m.interaction_metadata is not None:
        out["interaction_metadata"] = m.interaction_metadata
    if m.message_reference is not None:
        out["message_reference"] = m.message_reference
    return out


def guild_create(state: State, g: Guild) -> dict[str, Any]:
    channels = [state.channels[c] for c in g.channel_ids]
    members = [member(state, m) for m in g.members.values()]
    return {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(g.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role(r) for r in g.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": g.members[state.bot_id].joined_at if state.bot_id in g.members else None,
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "members": members,
        "channels": [channel(state, c) for c in channels if not c.is_thread],
        "threads": [channel(state, c) for c in channels if c.is_thread and not c.archived],
        "voice_states": [voice_state(state, g, u, c, in_guild=False) for u, c in g.voice_states.items()],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [scheduled_event(state, e) for e in g.scheduled_events.values()],
        "soundboard_sounds": [],
    }


def voice_state(
    state: State, g: Guild, user_id: int, channel_id: int | None, *, in_guild: bool = True
) -> dict[str, Any]:
    """A voice state (``channel_id`` None: left voice); in GUILD_CREATE without ``guild_id``/``member``."""
    out: dict[str, Any] = {
        "channel_id": str(channel_id) if channel_id is not None else None,
        "user_id": str(user_id),
        "session_id": f"voice-{user_id}",
        "deaf": False,
        "mute": False,
        "self_deaf": False,
        "self_mute": False,
        "self_video": False,
        "suppress": False,
        "request_to_speak_timestamp": None,
    }
    if in_guild:
        out["guild_id"] = str(g.id)
        if user_id in g.members:
            out["member"] = member(state, g.members[user_id])
    return out


def scheduled_event(state: State, e: ScheduledEvent, *, user_count: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(e.id),
        "guild_id": str(e.guild_id),
        "name": e.name,
        "description": e.description,
        "channel_id": str(e.channel_id) if e.channel_id is not None else None,
        "creator_id": str(e.creator_id),
        "creator": user(state.user(e.creator_id)),
        "image": None,
        "scheduled_start_time": e.scheduled_start_time,
        "scheduled_end_time": e.scheduled_end_time,
        "status": e.status,
        "entity_type": e.entity_type,
        "entity_id": None,
        "recurrence_rule": None,
        "privacy_level": e.privacy_level,
        "guild_scheduled_event_exceptions": [],
        "entity_metadata": {"location": e.location} if e.entity_type == 3 else None,
    }
    if user_count:
        out["user_count"] = len(e.interested)
    return out


def command(state: State, cmd: AppCommand) -> dict[str, Any]:
    """An application command as Discord answers it (ids filled in, defaults set)."""
    payload = dict(cmd.payload)
    dmp = payload.get("default_member_permissions")
    payload.update(
        id=str(cmd.id),
        application_id=str(state.application_id),
        version=str(cmd.id),
        type=cmd.type,
        description=payload.get("description") or "",
        default_member_permissions=None if dmp is None else str(dmp),
        nsfw=bool(payload.get("nsfw")),
    )
    if cmd.guild_id is not None:
        payload["guild_id"] = str(cmd.guild_id)
    return payload
