"""Making and editing messages from a request body (JSON or multipart), shared by channel
messages, interaction callbacks, follow-ups and webhook edits. Attachments keep their bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .contract import Violation
from .contract_rules import is_empty_message
from .errors import EMPTY_MESSAGE, DiscordError
from .state import EPHEMERAL, LOADING, Attachment, Channel, Message, iso

if TYPE_CHECKING:
    from .server import Ctx, UploadedFile

SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
SETTABLE_FLAGS = EPHEMERAL | SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2


def _new_attachments(
    ctx: Ctx, body: dict[str, Any], files: list[UploadedFile], keep: set[str]
) -> list[Attachment]:
    """Attachments for uploaded ``files[n]`` parts, named by the body's ``attachments`` entries."""
    described = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
    out: list[Attachment] = []
    for index, upload in enumerate(files):
        key = upload.field[len("files[") : -1] if upload.field.startswith("files[") else str(index)
        if key in keep:
            continue
        meta = described.get(key, {})
        out.append(
            Attachment(
                ctx.state.new_id(),
                str(meta.get("filename") or upload.filename),
                upload.data,
                upload.content_type,
                meta.get("description"),
            )
        )
    return out


def _embeds(raw: Any) -> list[dict[str, Any]]:
    return [{"type": "rich", **e} for e in raw or [] if isinstance(e, dict)]


def create_message(
    ctx: Ctx,
    channel: Channel,
    body: dict[str, Any] | None,
    *,
    webhook: bool = False,
    interaction_id: int | None = None,
    interaction_metadata: dict[str, Any] | None = None,
    extra_flags: int = 0,
) -> Message:
    """A new bot message in ``channel`` from a create body (the contract check ran already)."""
    body = body or {}
    state = ctx.state
    msg = Message(
        state.new_id(),
        channel.id,
        state.bot_id,
        body.get("content") or "",
        guild_id=channel.guild_id,
        embeds=_embeds(body.get("embeds")),
        components=list(body.get("components") or []),
        attachments=_new_attachments(ctx, body, ctx.request.files, set()),
        flags=(int(body.get("flags") or 0) & SETTABLE_FLAGS) | extra_flags,
        type=0 if interaction_id is None else 20,
        webhook_id=state.application_id if webhook else None,
        interaction_id=interaction_id,
        interaction_metadata=interaction_metadata,
        message_reference=body.get("message_reference"),
        sticker_ids=[int(s) for s in body.get("sticker_ids") or []],
    )
    if msg.message_reference is not None:
        msg.message_reference = {
            k: str(v) if k.endswith("_id") else v for k, v in msg.message_reference.items()
        }
        msg.type = 19 if msg.message_reference.get("type", 0) == 0 else 0
    return state.add_message(msg)


def edit_message(ctx: Ctx, msg: Message, body: dict[str, Any] | None) -> Message:
    """Apply an edit body; an edit that leaves the message empty is Discord's 400 / 50006 (and a
    contract violation: the bot should not do it)."""
    body = body or {}
    content = (body["content"] or "") if "content" in body else msg.content
    embeds = _embeds(body["embeds"]) if "embeds" in body else msg.embeds
    components = list(body["components"] or []) if "components" in body else msg.components
    attachments = msg.attachments
    if "attachments" in body:
        keep = {str(a.get("id")) for a in body["attachments"] or [] if isinstance(a, dict)}
        attachments = [a for a in msg.attachments if str(a.id) in keep]
        # Entries naming an existing attachment keep it; the others ({"id": 0, ...}) describe new uploads.
        existing = {str(a.id) for a in msg.attachments}
        attachments += _new_attachments(ctx, body, ctx.request.files, existing)
    elif ctx.request.files:
        attachments = attachments + _new_attachments(ctx, body, ctx.request.files, set())
    after = {"content": content, "embeds": embeds, "components": components, "attachments": attachments}
    if is_empty_message({**after, "sticker_ids": msg.sticker_ids}):
        ctx.fake.record_violation(
            Violation(ctx.request.method, ctx.request.route, "$", "the edit leaves the message empty", "rule")
        )
        raise DiscordError.of(EMPTY_MESSAGE)
    msg.content, msg.embeds, msg.components, msg.attachments = content, embeds, components, attachments
    if "flags" in body and body["flags"] is not None:
        msg.flags = (msg.flags & (EPHEMERAL | IS_COMPONENTS_V2)) | (int(body["flags"]) & SETTABLE_FLAGS)
    msg.flags &= ~LOADING
    msg.edited_timestamp = iso()
    msg.edits += 1
    return msg
