"""Interaction callbacks and the interaction webhook (follow-ups, ``@original`` edits).

Deadlines as on Discord: the first callback must arrive within ``fake.interaction_deadline``
seconds (3 s) of INTERACTION_CREATE, else 404 / 10062 "Unknown interaction" and the token is dead
(follow-ups then get 404 / 10015); a second callback is 400 / 40060 "Interaction has already been
acknowledged"; the token lives ``fake.token_lifetime`` seconds (15 min; ``itx.age(s)`` to age
one), after which every webhook call is 401 / 50027 "Invalid Webhook Token".

The callback answers ``with_response`` as discord.py 2.7 reads it:
``{"interaction": {"id", "type", "response_message_id", ...}, "resource": {"type", "message"?}}``.
After a type-5 defer, the first follow-up replaces the "thinking" message, as on Discord.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import payloads
from .errors import (
    ALREADY_ACKNOWLEDGED,
    INVALID_WEBHOOK_TOKEN,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    DiscordError,
)
from .interactions import Callback, InteractionHandle
from .messages import create_message, edit_message
from .state import EPHEMERAL, LOADING, Message

if TYPE_CHECKING:
    from .fake import FakeDiscord
    from .server import Ctx

CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE, MODAL = 4, 5, 6, 7, 8, 9


async def callback(ctx: Ctx) -> Any:
    itx = ctx.fake.interactions.by_id.get(ctx.id("interaction_id"))
    body = ctx.body
    kind = int(body.get("type") or 0)
    data = body.get("data") or {}
    if itx is None or itx.token != ctx.param("interaction_token"):
        raise DiscordError.of(UNKNOWN_INTERACTION)
    attempt = Callback(kind, data, 0)
    try:
        if itx.acknowledged is not None:
            raise DiscordError.of(ALREADY_ACKNOWLEDGED)
        if itx.missed_deadline or itx.elapsed > ctx.fake.interaction_deadline:
            itx.missed_deadline = True
            raise DiscordError.of(UNKNOWN_INTERACTION)
        message = await _apply(ctx, itx, kind, data)
    except DiscordError as error:
        attempt.status, attempt.error_code = error.status, error.code
        itx.callbacks.append(attempt)
        raise
    attempt.status, attempt.message = 200, message
    itx.callbacks.append(attempt)
    answer: dict[str, Any] = {
        "interaction": {
            "id": str(itx.id),
            "type": itx.type,
            "activity_instance_id": None,
            "response_message_id": str(message.id) if message else None,
            "response_message_loading": kind == DEFERRED_MESSAGE,
            "response_message_ephemeral": bool(message and message.ephemeral),
        },
        "resource": {"type": kind},
    }
    if message is not None and kind in (CHANNEL_MESSAGE, DEFERRED_MESSAGE, UPDATE_MESSAGE):
        answer["resource"]["message"] = payloads.message(ctx.state, message, ctx.fake.base_url)
    return answer


def _origin(ctx: Ctx, itx: InteractionHandle) -> dict[str, Any]:
    """What marks a message as an answer to ``itx`` (webhook author, ``interaction_metadata``)."""
    meta: dict[str, Any] = {
        "id": str(itx.id),
        "type": itx.type,
        "user": payloads.user(ctx.state.user(itx.user_id)),
        "authorizing_integration_owners": itx.payload.get("authorizing_integration_owners", {}),
    }
    if itx.message_id is not None:
        meta["interacted_message_id"] = str(itx.message_id)
    if itx.type == 2:
        meta["name"] = itx.data.get("name")
    return {"webhook": True, "interaction_id": itx.id, "interaction_metadata": meta}


async def _apply(ctx: Ctx, itx: InteractionHandle, kind: int, data: dict[str, Any]) -> Message | None:
    channel = ctx.state.channels[itx.channel_id]
    if kind == CHANNEL_MESSAGE:
        itx.original = create_message(ctx, channel, data, **_origin(ctx, itx))
        if not itx.original.ephemeral:
            await ctx.fake.dispatch_message("MESSAGE_CREATE", itx.original)
        return itx.original
    if kind == DEFERRED_MESSAGE:
        flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
        itx.original = create_message(ctx, channel, {}, extra_flags=flags, **_origin(ctx, itx))
        return itx.original
    if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
        target = ctx.state.messages.get(itx.message_id or 0)
        if target is None:
            raise DiscordError(400, 40004, "This interaction type cannot update a message")
        itx.original = target
        if kind == UPDATE_MESSAGE:
            edit_message(ctx, target, data)
            await ctx.fake.dispatch_message("MESSAGE_UPDATE", target)
        return target
    if kind == MODAL:
        itx.modal = data
        return None
    if kind == AUTOCOMPLETE:
        return None
    raise DiscordError(400, 50035, "Invalid Form Body")


def _token_owner(ctx: Ctx) -> InteractionHandle:
    """The interaction whose token this webhook call uses, with Discord's answers for bad ones."""
    itx = ctx.fake.interactions.by_token.get(ctx.param("webhook_token"))
    if itx is None or ctx.id("webhook_id") != ctx.state.application_id:
        raise DiscordError.of(UNKNOWN_WEBHOOK)
    if itx.elapsed > ctx.fake.token_lifetime:
        raise DiscordError.of(INVALID_WEBHOOK_TOKEN)
    if itx.missed_deadline or itx.acknowledged is None:
        raise DiscordError.of(UNKNOWN_WEBHOOK)
    return itx


def _target(ctx: Ctx, itx: InteractionHandle) -> Message:
    if "message_id" in ctx.request.params:
        wanted = ctx.id("message_id")
        msg = next((m for m in itx.followup_messages if m.id == wanted), None)
        if msg is None and itx.original is not None and itx.original.id == wanted:
            msg = itx.original
    else:
        msg = itx.original
    if msg is None or msg.deleted:
        raise DiscordError.of(UNKNOWN_MESSAGE)
    return msg


async def followup(ctx: Ctx) -> Any:
    itx = _token_owner(ctx)
    original = itx.original
    if original is not None and original.loading and original.edits == 0:
        msg = edit_message(ctx, original, ctx.body)  # the first follow-up after a defer fills it in
    else:
        channel = ctx.state.channels[itx.channel_id]
        msg = create_message(ctx, channel, ctx.body, **_origin(ctx, itx))
    itx.followup_messages.append(msg)
    if not msg.ephemeral:
        await ctx.fake.dispatch_message("MESSAGE_CREATE", msg)
    wait = ctx.request.query.get("wait", "false").lower() in ("1", "true")
    return payloads.message(ctx.state, msg, ctx.fake.base_url) if wait else None


async def edit_webhook_message(ctx: Ctx) -> Any:
    itx = _token_owner(ctx)
    msg = edit_message(ctx, _target(ctx, itx), ctx.body)
    if not msg.ephemeral:
        await ctx.fake.dispatch_message("MESSAGE_UPDATE", msg)
    return payloads.message(ctx.state, msg, ctx.fake.base_url)


async def get_webhook_message(ctx: Ctx) -> Any:
    itx = _token_owner(ctx)
    return payloads.message(ctx.state, _target(ctx, itx), ctx.fake.base_url)


async def delete_webhook_message(ctx: Ctx) -> Any:
    itx = _token_owner(ctx)
    _target(ctx, itx).deleted = True
    return None


def register(fake: FakeDiscord) -> None:
    fake.add_route("POST", "/interactions/{interaction_id}/{interaction_token}/callback", callback)
    fake.add_route("POST", "/webhooks/{webhook_id}/{webhook_token}", followup)
    for tail in ("@original", "{message_id}"):
        route = "/webhooks/{webhook_id}/{webhook_token}/messages/" + tail
        fake.add_route("PATCH", route, edit_webhook_message)
        fake.add_route("GET", route, get_webhook_message)
        fake.add_route("DELETE", route, delete_webhook_message)
