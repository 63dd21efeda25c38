"""Rules Discord enforces that its OpenAPI spec does not encode (see ``spec/SOURCE.md``).

Each rule yields ``(json_path, message)``. Message rules apply to channel messages, interaction
callback data (types 4 and 7), follow-ups and webhook message edits; modal rules to callback type 9.
Rules that the spec also encodes (label and custom_id lengths, 25 options, ...) are kept here too,
so a check never depends on how a ``oneOf`` failure was reported; duplicates are merged by path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Finding = tuple[str, str]

MAX_CONTENT = 2000
MAX_ACTION_ROWS = 5
MAX_MODAL_COMPONENTS = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_SELECT_OPTIONS = 25
MAX_MODAL_TITLE = 45
MAX_EMBED_DESCRIPTION = 4096
MAX_EMBEDS_TOTAL = 6000
IS_COMPONENTS_V2 = 1 << 15

ACTION_ROW, BUTTON, STRING_SELECT = 1, 2, 3
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
LINK_STYLE, PREMIUM_STYLE = 5, 6


def _walk(components: Any, at: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every component dict below ``components`` (rows, containers, sections, labels), with its path."""
    if not isinstance(components, list):
        return
    for i, comp in enumerate(components):
        if not isinstance(comp, dict):
            continue
        here = f"{at}[{i}]"
        yield here, comp
        yield from _walk(comp.get("components"), f"{here}.components")
        for key in ("accessory", "component"):
            child = comp.get(key)
            if isinstance(child, dict):
                yield f"{here}.{key}", child
                yield from _walk(child.get("components"), f"{here}.{key}.components")


def _count(n: int, unit: str, limit: int, word: str = "at most") -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}, {word} {limit}"


def component_rules(components: Any, at: str, *, v2: bool = False) -> Iterator[Finding]:
    """Rules for a message's (or a modal's) component tree."""
    if not isinstance(components, list):
        return
    rows = sum(1 for c in components if isinstance(c, dict) and c.get("type") == ACTION_ROW)
    if not v2 and rows > MAX_ACTION_ROWS:
        yield at, _count(rows, "action row", MAX_ACTION_ROWS)
    seen: dict[str, str] = {}
    for path, comp in _walk(components, at):
        ctype = comp.get("type")
        custom_id = comp.get("custom_id")
        if isinstance(custom_id, str):
            if len(custom_id) > MAX_CUSTOM_ID:
                yield f"{path}.custom_id", _count(len(custom_id), "character", MAX_CUSTOM_ID)
            if custom_id in seen:
                yield f"{path}.custom_id", f"custom_id {custom_id!r} already used at {seen[custom_id]}"
            else:
                seen[custom_id] = path
        if ctype == ACTION_ROW:
            children = comp.get("components") or []
            if len(children) > 1 and any(
                isinstance(c, dict) and c.get("type") in SELECT_TYPES for c in children
            ):
                yield f"{path}.components", "a select menu must be alone in its action row"
        elif ctype == BUTTON:
            yield from _button_rules(comp, path)
        elif ctype in SELECT_TYPES:
            yield from _select_rules(comp, path)


def _button_rules(comp: dict[str, Any], path: str) -> Iterator[Finding]:
    label = comp.get("label")
    if isinstance(label, str) and len(label) > MAX_BUTTON_LABEL:
        yield f"{path}.label", _count(len(label), "character", MAX_BUTTON_LABEL)
    style = comp.get("style")
    if style == LINK_STYLE:
        if not comp.get("url"):
            yield path, "a link button needs a url"
        if comp.get("custom_id") is not None:
            yield f"{path}.custom_id", "a link button must not have a custom_id"
    elif style == PREMIUM_STYLE:
        if not comp.get("sku_id"):
            yield path, "a premium button needs a sku_id"
    else:
        if not comp.get("custom_id"):
            yield path, "a non-link button needs a custom_id"
        if comp.get("url") is not None:
            yield f"{path}.url", "only link buttons have a url"


def _select_rules(comp: dict[str, Any], path: str) -> Iterator[Finding]:
    options = comp.get("options")
    n_options = len(options) if isinstance(options, list) else None
    if n_options is not None and n_options > MAX_SELECT_OPTIONS:
        yield f"{path}.options", _count(n_options, "option", MAX_SELECT_OPTIONS)
    lo = comp.get("min_values")
    hi = comp.get("max_values")
    lo_v = lo if isinstance(lo, int) else 1
    hi_v = hi if isinstance(hi, int) else 1
    if lo_v > hi_v:
        yield f"{path}.min_values", f"min_values {lo_v} is greater than max_values {hi_v}"
    if comp.get("type") == STRING_SELECT and n_options is not None and hi_v > n_options:
        yield f"{path}.max_values", f"max_values {hi_v} is greater than the number of options ({n_options})"


def _embed_text_length(embed: dict[str, Any]) -> int:
    def text(obj: Any, key: str) -> int:
        value = obj.get(key) if isinstance(obj, dict) else None
        return len(value) if isinstance(value, str) else 0

    total = text(embed, "title") + text(embed, "description")
    total += text(embed.get("footer"), "text") + text(embed.get("author"), "name")
    for f in embed.get("fields") or []:
        total += text(f, "name") + text(f, "value")
    return total


def embed_rules(embeds: Any, at: str) -> Iterator[Finding]:
    if not isinstance(embeds, list):
        return
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        description = embed.get("description")
        if isinstance(description, str) and len(description) > MAX_EMBED_DESCRIPTION:
            yield f"{at}[{i}].description", _count(len(description), "character", MAX_EMBED_DESCRIPTION)
        total += _embed_text_length(embed)
    if total > MAX_EMBEDS_TOTAL:
        yield at, f"{total} characters in all embeds together, at most {MAX_EMBEDS_TOTAL}"


def is_empty_message(payload: dict[str, Any], *, has_files: bool = False) -> bool:
    """True when a message would have no content, embed, attachment, component, sticker or poll."""
    if has_files:
        return False
    content = payload.get("content")
    if isinstance(content, str) and content.strip():
        return False
    if any(payload.get(key) for key in ("embeds", "attachments", "components", "sticker_ids", "poll")):
        return False
    ref = payload.get("message_reference")
    return not (isinstance(ref, dict) and ref.get("type") == 1)  # a forward carries no content


def message_rules(payload: Any, at: str, *, create: bool, has_files: bool = False) -> Iterator[Finding]:
    """Rules for a message body; ``create`` adds the must-not-be-empty rule (edits are checked on
    the resulting message by the fake instead)."""
    if not isinstance(payload, dict):
        return
    content = payload.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        yield f"{at}.content", _count(len(content), "character", MAX_CONTENT)
    flags = payload.get("flags")
    v2 = isinstance(flags, int) and bool(flags & IS_COMPONENTS_V2)
    yield from component_rules(payload.get("components"), f"{at}.components", v2=v2)
    yield from embed_rules(payload.get("embeds"), f"{at}.embeds")
    if create and is_empty_message(payload, has_files=has_files):
        yield at, "empty message: no content, embeds, attachments, components, sticker or poll"


def modal_rules(payload: Any, at: str) -> Iterator[Finding]:
    if not isinstance(payload, dict):
        return
    title = payload.get("title")
    if isinstance(title, str) and len(title) > MAX_MODAL_TITLE:
        yield f"{at}.title", _count(len(title), "character", MAX_MODAL_TITLE)
    components = payload.get("components")
    if isinstance(components, list) and len(components) > MAX_MODAL_COMPONENTS:
        yield f"{at}.components", _count(len(components), "component", MAX_MODAL_COMPONENTS)
    yield from component_rules(components, f"{at}.components", v2=True)


MESSAGE_CREATE_ROUTES = frozenset(
    {("POST", "/channels/{channel_id}/messages"), ("POST", "/webhooks/{webhook_id}/{webhook_token}")}
)
MESSAGE_EDIT_ROUTES = frozenset(
    {
        ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
        ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
        ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
    }
)
CALLBACK_ROUTE = ("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
THREAD_ROUTE = ("POST", "/channels/{channel_id}/threads")


EVENTS_ROUTE = ("POST", "/guilds/{guild_id}/scheduled-events")
EVENT_ROUTE = ("PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")
VOICE_EVENT, EXTERNAL_EVENT = 2, 3


def scheduled_event_rules(body: Any, *, create: bool) -> Iterator[Finding]:
    """What Discord's docs require of a scheduled event by entity type: a voice event has a channel
    and no entity metadata; an external one a location, an end time and no channel. An edit that
    does not name the entity type is checked by the fake against the event it would leave."""
    if not isinstance(body, dict):
        return
    kind = body.get("entity_type")
    metadata = body.get("entity_metadata")
    if kind == VOICE_EVENT:
        if (create or "channel_id" in body) and body.get("channel_id") is None:
            yield "$.channel_id", "a voice event needs a channel_id"
        if metadata:
            yield "$.entity_metadata", "a voice event has no entity_metadata"
    elif kind == EXTERNAL_EVENT:
        if not (isinstance(metadata, dict) and metadata.get("location")):
            yield "$.entity_metadata.location", "an external event needs a location"
        if create and body.get("scheduled_end_time") is None:
            yield "$.scheduled_end_time", "an external event needs a scheduled_end_time"
        if body.get("channel_id") is not None:
            yield "$.channel_id", "an external event must have a null channel_id"


def rules_for(method: str, route: str, body: Any, *, has_files: bool = False) -> list[Finding]:
    """The extra rules that apply to one request body."""
    key = (method, route)
    if key in MESSAGE_CREATE_ROUTES:
        return list(message_rules(body, "$", create=True, has_files=has_files))
    if key in MESSAGE_EDIT_ROUTES:
        return list(message_rules(body, "$", create=False))
    if key == CALLBACK_ROUTE and isinstance(body, dict):
        kind = body.get("type")
        data = body.get("data")
        if kind == 4:
            return list(message_rules(data, "$.data", create=True, has_files=has_files))
        if kind == 7:
            return list(message_rules(data, "$.data", create=False))
        if kind == 9:
            return list(modal_rules(data, "$.data"))
    if key in (EVENTS_ROUTE, EVENT_ROUTE):
        return list(scheduled_event_rules(body, create=key == EVENTS_ROUTE))
    if key == THREAD_ROUTE and isinstance(body, dict) and isinstance(body.get("message"), dict):
        return list(message_rules(body["message"], "$.message", create=True, has_files=has_files))
    return []
