"""What the fake Discord knows: users, guilds, roles, members, channels (DMs and threads included),
messages with their attachments' bytes, and the bot's application commands.

The state lives on the :class:`~tests.fake_discord.server.FakeDiscord` object, not on a gateway
session, so it survives a bot disconnecting; a new bot instance logging in sees the same world.
Ids are ints here; :mod:`.payloads` turns them into the string snowflakes Discord sends.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

DISCORD_EPOCH_MS = 1420070400000

# Channel types
GUILD_TEXT, DM, GUILD_VOICE, GUILD_CATEGORY = 0, 1, 2, 4
PUBLIC_THREAD, PRIVATE_THREAD = 11, 12
THREAD_TYPES = frozenset({10, PUBLIC_THREAD, PRIVATE_THREAD})

EPHEMERAL = 1 << 6
LOADING = 1 << 7


class HasId(Protocol):
    @property
    def id(self) -> int: ...


IdLike = int | str | HasId


def as_id(value: IdLike) -> int:
    """An int id from an int, a numeric string, or anything with ``.id``."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value)
    return int(value.id)


def iso(ts: float | None = None) -> str:
    return dt.datetime.fromtimestamp(time.time() if ts is None else ts, dt.UTC).isoformat()


class Snowflakes:
    """Real-looking snowflakes (their timestamp is now), strictly increasing."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (1 << 17) | (next(self._counter) & 0xFFF)
        self._last = value = max(value, self._last + 1)
        return value


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    dms_closed: bool = False


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False


@dataclass
class RoleChange:
    """One change of a member's roles, as the bot made it (or a test did)."""

    action: str  # "add" | "remove"
    role_id: int
    reason: str | None
    at: float


@dataclass
class Member:
    guild_id: int
    user_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso)
    role_changes: list[RoleChange] = field(default_factory=list)


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    recipient_id: int | None = None  # DM channels
    owner_id: int | None = None  # threads
    thread_members: set[int] = field(default_factory=set)
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    overwrites: list[Overwrite] = field(default_factory=list)
    starter_message_id: int | None = None
    created_by_bot: bool = False

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def text(self, encoding: str = "utf-8") -> str:
        return self.data.decode(encoding)


def _components_walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for comp in components:
        out.append(comp)
        out.extend(_components_walk(comp.get("components") or []))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                out.extend(_components_walk([comp[key]]))
    return out


@dataclass
class Message:
    """A message as the fake stores it; ``author_id`` is the bot for everything the bot sent."""

    id: int
    channel_id: int
    author_id: int
    content: str = ""
    guild_id: int | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    timestamp: str = field(default_factory=iso)
    edited_timestamp: str | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    sticker_ids: list[int] = field(default_factory=list)
    deleted: bool = False
    edits: int = 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def all_components(self) -> list[dict[str, Any]]:
        """Every component, flattened (rows, containers, sections, their children)."""
        return _components_walk(self.components)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.all_components() if isinstance(c.get("custom_id"), str)]

    def component(self, custom_id: str) -> dict[str, Any]:
        """The component with this custom_id; KeyError naming the ones there are."""
        for comp in self.all_components():
            if comp.get("custom_id") == custom_id:
                return comp
        raise KeyError(f"message {self.id} has no component {custom_id!r}; it has {self.custom_ids}")

    def attachment(self, filename: str) -> Attachment:
        for att in self.attachments:
            if att.filename == filename:
                return att
        raise KeyError(
            f"message {self.id} has no attachment {filename!r}; it has {[a.filename for a in self.attachments]}"
        )

    @property
    def text(self) -> str:
        """Content plus every embed's title, description and fields, for easy ``in`` assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for f in embed.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)


@dataclass
class ScheduledEvent:
    """A guild scheduled event (``rest_events``): voice (entity type 2) or external (3)."""

    id: int
    guild_id: int
    name: str
    creator_id: int
    entity_type: int
    scheduled_start_time: str
    scheduled_end_time: str | None = None
    channel_id: int | None = None
    location: str | None = None
    description: str | None = None
    status: int = 1  # SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
    privacy_level: int = 2
    interested: set[int] = field(default_factory=set)  # users who marked the event Interested


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    denied: dict[int | None, int] = field(default_factory=dict)  # fake.deny: channel (None = guild) -> bits
    voice_states: dict[int, int] = field(default_factory=dict)  # user id -> the voice channel they are in
    scheduled_events: dict[int, ScheduledEvent] = field(default_factory=dict)

    @property
    def everyone_role_id(self) -> int:
        return self.id


@dataclass
class AppCommand:
    id: int
    name: str
    guild_id: int | None
    payload: dict[str, Any]

    @property
    def type(self) -> int:
        value = self.payload.get("type") or 1
        return int(value)


class State:
    """Everything the fake Discord holds, with lookups that know nothing about HTTP."""

    def __init__(self, *, bot_id: int | None = None, bot_name: str = "groundwork-test") -> None:
        self.snowflakes = Snowflakes()
        self.bot_id = bot_id or self.snowflakes.next()
        self.users: dict[int, User] = {self.bot_id: User(self.bot_id, bot_name, bot=True)}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[Message]] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.commands: dict[int | None, dict[tuple[int, str], AppCommand]] = {}  # scope -> (type, name)
        self.bot_role_ids: dict[int, int] = {}  # guild id -> the bot's managed role
        self.loose_attachments: dict[int, Attachment] = {}  # uploaded with a slash command option

    def attachment(self, attachment_id: int) -> Attachment | None:
        found = self.loose_attachments.get(attachment_id)
        if found is not None:
            return found
        for message in self.messages.values():
            for att in message.attachments:
                if att.id == attachment_id:
                    return att
        return None

    @property
    def application_id(self) -> int:
        return self.bot_id

    def new_id(self) -> int:
        return self.snowflakes.next()

    def user(self, user_id: int, *, create: bool = True) -> User:
        found = self.users.get(user_id)
        if found is None:
            if not create:
                raise KeyError(user_id)
            found = self.users[user_id] = User(user_id, f"user{user_id}")
        return found

    def dm_channel(self, user_id: int) -> Channel:
        """The DM channel between the bot and ``user_id`` (made on first use, as Discord does)."""
        channel_id = self.dm_channels.get(user_id)
        if channel_id is None:
            self.user(user_id)
            channel = Channel(self.new_id(), DM, recipient_id=user_id)
            self.channels[channel.id] = channel
            self.dm_channels[user_id] = channel.id
            return channel
        return self.channels[channel_id]

    def add_message(self, message: Message) -> Message:
        self.messages[message.id] = message
        self.channel_messages.setdefault(message.channel_id, []).append(message)
        return message

    def messages_in(self, channel_id: int, *, include_deleted: bool = False) -> list[Message]:
        return [m for m in self.channel_messages.get(channel_id, []) if include_deleted or not m.deleted]

    def find_command(self, name: str, guild_id: int | None, *, kind: int = 1) -> AppCommand | None:
        for scope in (guild_id, None) if guild_id is not None else (None,):
            cmd = self.commands.get(scope, {}).get((kind, name))
            if cmd is not None:
                return cmd
        return None
