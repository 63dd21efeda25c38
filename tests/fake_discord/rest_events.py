"""Guild scheduled events (create, list, get, edit, delete, who is interested) and the voice
states they are measured by, as Discord serves them.

What Discord insists on beyond the spec's schema (``contract_rules.scheduled_event_rules`` checks
the shape of every body): a voice event (entity type 2) is in a voice channel of the guild and has
no entity metadata; an external one (3) has a location, an end time and no channel; the start is
in the future (the fake's ``clock``: Discord's now, which tests set to the bot's test clock), the
end after the start; the bot needs CREATE_EVENTS or MANAGE_EVENTS, and VIEW_CHANNEL and CONNECT in
a voice event's channel. Status moves SCHEDULED -> ACTIVE -> COMPLETED, or SCHEDULED -> CANCELED;
a finished event (completed or canceled) cannot be edited (180000). Unknown event 10070.

Events go out as GUILD_SCHEDULED_EVENT_CREATE / _UPDATE / _DELETE (GUILD_SCHEDULED_EVENTS intent);
voice states as VOICE_STATE_UPDATE (GUILD_VOICE_STATES intent), and in GUILD_CREATE.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import payloads
from .errors import INVALID_FORM_BODY, MISSING_PERMISSIONS, DiscordError
from .gateway import GUILD_SCHEDULED_EVENTS
from .permissions import has
from .rest_guilds import requested_guild
from .state import GUILD_VOICE, Guild, ScheduledEvent

if TYPE_CHECKING:
    from .fake import FakeDiscord
    from .server import Ctx

UNKNOWN_SCHEDULED_EVENT = 10070
EVENT_FINISHED = 180000
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
VOICE, EXTERNAL = 2, 3
MOVES = {SCHEDULED: {SCHEDULED, ACTIVE, CANCELED}, ACTIVE: {ACTIVE, COMPLETED}}


def _invalid(field: str, message: str) -> DiscordError:
    errors = {field: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": message}]}}
    return DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body", errors=errors)


def _time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _event_of(ctx: Ctx, guild: Guild) -> ScheduledEvent:
    event = guild.scheduled_events.get(ctx.id("guild_scheduled_event_id"))
    if event is None:
        raise DiscordError(404, UNKNOWN_SCHEDULED_EVENT, "Unknown Guild Scheduled Event")
    return event


def _require_events_permission(ctx: Ctx, guild: Guild) -> None:
    state = ctx.state
    if not (
        has(state, guild.id, state.bot_id, "CREATE_EVENTS")
        or has(state, guild.id, state.bot_id, "MANAGE_EVENTS")
    ):
        raise DiscordError.of(MISSING_PERMISSIONS)


def _check_event(ctx: Ctx, guild: Guild, event: ScheduledEvent, *, start_changed: bool) -> None:
    """What Discord checks on the event a create or an edit would leave."""
    if event.entity_type == VOICE:
        channel = ctx.state.channels.get(event.channel_id or 0)
        if channel is None or channel.guild_id != guild.id or channel.type != GUILD_VOICE:
            raise _invalid("channel_id", "a voice event needs a voice channel of this guild")
        for permission in ("VIEW_CHANNEL", "CONNECT"):
            if not has(ctx.state, guild.id, ctx.state.bot_id, permission, channel.id):
                raise DiscordError.of(MISSING_PERMISSIONS)
    elif event.entity_type == EXTERNAL:
        if not event.location:
            raise _invalid("entity_metadata", "an external event needs a location")
        if event.scheduled_end_time is None:
            raise _invalid("scheduled_end_time", "an external event needs an end time")
        if event.channel_id is not None:
            raise _invalid("channel_id", "an external event has no channel")
    else:
        raise _invalid("entity_type", "the fake serves voice and external events")
    start = _time(event.scheduled_start_time)
    if start_changed and start <= ctx.fake.now():
        raise _invalid("scheduled_start_time", "Cannot schedule event in the past.")
    if event.scheduled_end_time is not None and _time(event.scheduled_end_time) <= start:
        raise _invalid("scheduled_end_time", "the end must come after the start")


async def _dispatch(ctx: Ctx, name: str, event: ScheduledEvent) -> None:
    data = payloads.scheduled_event(ctx.state, event)
    await ctx.fake.gateway.dispatch(name, data, intent=GUILD_SCHEDULED_EVENTS)


async def create_event(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    _require_events_permission(ctx, guild)
    body = ctx.body
    metadata = body.get("entity_metadata") or {}
    event = ScheduledEvent(
        id=ctx.state.new_id(),
        guild_id=guild.id,
        name=str(body["name"]),
        creator_id=ctx.state.bot_id,
        entity_type=int(body["entity_type"]),
        scheduled_start_time=str(body["scheduled_start_time"]),
        scheduled_end_time=body.get("scheduled_end_time"),
        channel_id=int(body["channel_id"]) if body.get("channel_id") is not None else None,
        location=metadata.get("location"),
        description=body.get("description"),
        privacy_level=int(body["privacy_level"]),
    )
    _check_event(ctx, guild, event, start_changed=True)
    guild.scheduled_events[event.id] = event
    await _dispatch(ctx, "GUILD_SCHEDULED_EVENT_CREATE", event)
    return payloads.scheduled_event(ctx.state, event)


async def list_events(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    counted = ctx.request.query.get("with_user_count") == "true"
    return [
        payloads.scheduled_event(ctx.state, e, user_count=counted) for e in guild.scheduled_events.values()
    ]


async def get_event(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    counted = ctx.request.query.get("with_user_count") == "true"
    return payloads.scheduled_event(ctx.state, _event_of(ctx, guild), user_count=counted)


async def edit_event(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    event = _event_of(ctx, guild)
    _require_events_permission(ctx, guild)
    if event.status in (COMPLETED, CANCELED):
        raise DiscordError(400, EVENT_FINISHED, "Cannot update a finished event")
    body = ctx.body
    edited = ScheduledEvent(**{**event.__dict__, "interested": event.interested})
    if body.get("status") is not None:
        status = int(body["status"])
        if status not in MOVES[event.status]:
            raise _invalid("status", f"an event cannot go from status {event.status} to {status}")
        edited.status = status
    for key in ("name", "description", "scheduled_start_time", "scheduled_end_time"):
        if key in body:
            setattr(edited, key, body[key])
    if body.get("entity_type") is not None:
        edited.entity_type = int(body["entity_type"])
    if "channel_id" in body:
        edited.channel_id = int(body["channel_id"]) if body["channel_id"] is not None else None
    metadata = body.get("entity_metadata")
    if isinstance(metadata, dict) and metadata.get("location"):
        edited.location = str(metadata["location"])
    if edited.entity_type == VOICE:
        edited.location = None
    start_changed = (
        "scheduled_start_time" in body and body["scheduled_start_time"] != event.scheduled_start_time
    )
    _check_event(ctx, guild, edited, start_changed=start_changed)
    guild.scheduled_events[event.id] = edited
    await _dispatch(ctx, "GUILD_SCHEDULED_EVENT_UPDATE", edited)
    return payloads.scheduled_event(ctx.state, edited)


async def delete_event(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    event = _event_of(ctx, guild)
    if (
        not has(ctx.state, guild.id, ctx.state.bot_id, "MANAGE_EVENTS")
        and event.creator_id != ctx.state.bot_id
    ):
        raise DiscordError.of(MISSING_PERMISSIONS)
    del guild.scheduled_events[event.id]
    await _dispatch(ctx, "GUILD_SCHEDULED_EVENT_DELETE", event)
    return None


async def event_users(ctx: Ctx) -> Any:
    guild = requested_guild(ctx)
    event = _event_of(ctx, guild)
    query = ctx.request.query
    limit = int(query.get("limit", 100))
    users = sorted(event.interested)
    if query.get("before"):
        users = [u for u in users if u < int(query["before"])][-limit:]
    else:
        users = [u for u in users if u > int(query.get("after", 0))][:limit]
    with_member = query.get("with_member") == "true"
    out = []
    for user_id in users:
        item: dict[str, Any] = {
            "guild_scheduled_event_id": str(event.id),
            "user_id": str(user_id),
            "user": payloads.user(ctx.state.user(user_id)),
            "response": 1,
        }
        member = guild.members.get(user_id)
        if with_member and member is not None:
            item["member"] = payloads.member(ctx.state, member)
        out.append(item)
    return out


def register(fake: FakeDiscord) -> None:
    add = fake.add_route
    add("GET", "/guilds/{guild_id}/scheduled-events", list_events)
    add("POST", "/guilds/{guild_id}/scheduled-events", create_event)
    add("GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", get_event)
    add("PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", edit_event)
    add("DELETE", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", delete_event)
    add("GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}/users", event_users)
