"""Building interaction data the way the Discord client does: slash command options (with
``resolved`` users, members, roles, channels and attachments), select values, modal submissions.
Whatever a Discord client would refuse is a ``ValueError`` naming what is allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import payloads
from .permissions import ALL, base_permissions, names, permissions_for
from .state import Attachment, State

if TYPE_CHECKING:
    from .server import FakeDiscordServer as FakeDiscord

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
TEXT_INPUT, LABEL, TEXT_DISPLAY = 4, 18, 10


def check_visible(
    state: State, command: dict[str, Any], guild_id: int | None, user_id: int, *, in_dm: bool
) -> None:
    """Refuse a command the user could not see in that place."""
    name = command.get("name")
    contexts = command.get("contexts")
    if isinstance(contexts, list) and (1 if in_dm else 0) not in contexts:
        raise ValueError(f"/{name} is not offered {'in DMs' if in_dm else 'in guilds'} (contexts {contexts})")
    if in_dm and command.get("dm_permission") is False:
        raise ValueError(f"/{name} has dm_permission false")
    needed = command.get("default_member_permissions")
    if guild_id is not None and needed is not None:
        bits = int(needed)
        have = base_permissions(state.guilds[guild_id], user_id)
        if have != ALL and have & bits != bits:
            raise ValueError(f"user {user_id} cannot see /{name}: it needs {names(bits) or 'administrator'}")


def build_options(
    fake: FakeDiscord, command: dict[str, Any], path: list[str], values: dict[str, Any], guild_id: int | None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    defs: list[dict[str, Any]] = command.get("options") or []
    chain: list[dict[str, Any]] = []
    for part in path:
        sub = next(
            (o for o in defs if o["name"] == part and o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)), None
        )
        if sub is None:
            subs = [o["name"] for o in defs if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
            raise ValueError(f"/{command['name']} has no subcommand {part!r} here; it has {subs}")
        chain.append(sub)
        defs = sub.get("options") or []
    subs = [o["name"] for o in defs if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if subs:
        raise ValueError(f"/{' '.join([command['name'], *path])} needs a subcommand: one of {subs}")
    resolved: dict[str, Any] = {}
    options = [_option(fake, defs, name, value, guild_id, resolved) for name, value in values.items()]
    missing = [o["name"] for o in defs if o.get("required") and o["name"] not in values]
    if missing:
        raise ValueError(f"/{command['name']} requires option(s) {missing}")
    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    return options, resolved


def _option(
    fake: FakeDiscord,
    defs: list[dict[str, Any]],
    name: str,
    value: Any,
    guild_id: int | None,
    resolved: dict[str, Any],
) -> dict[str, Any]:
    spec = next((o for o in defs if o["name"] == name), None)
    if spec is None:
        raise ValueError(f"no option {name!r}; the options are {[o['name'] for o in defs]}")
    kind = spec["type"]
    if kind in (STRING, INTEGER, NUMBER, BOOLEAN):
        value = {STRING: str, INTEGER: int, NUMBER: float, BOOLEAN: bool}[kind](value)
        _check_choice(spec, value)
        return {"name": name, "type": kind, "value": value}
    if kind == ATTACHMENT:
        filename, data = value
        att = Attachment(fake.state.new_id(), filename, data)
        fake.state.loose_attachments[att.id] = att
        resolved.setdefault("attachments", {})[str(att.id)] = payloads.attachment(att, fake.base_url)
        return {"name": name, "type": kind, "value": str(att.id)}
    target = int(getattr(value, "id", value))
    _resolve(fake, kind, target, guild_id, resolved)
    return {"name": name, "type": kind, "value": str(target)}


def _check_choice(spec: dict[str, Any], value: Any) -> None:
    choices = [c["value"] for c in spec.get("choices") or []]
    if choices and value not in choices:
        raise ValueError(f"option {spec['name']!r} must be one of {choices}, got {value!r}")
    if isinstance(value, str):
        lo, hi = spec.get("min_length", 0), spec.get("max_length", 6000)
        if not lo <= len(value) <= hi:
            raise ValueError(f"option {spec['name']!r} takes {lo}..{hi} characters, got {len(value)}")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        lo, hi = spec.get("min_value"), spec.get("max_value")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ValueError(f"option {spec['name']!r} takes {lo}..{hi}, got {value}")


def _resolve(
    fake: FakeDiscord, kind: int, target: int, guild_id: int | None, resolved: dict[str, Any]
) -> None:
    state = fake.state
    guild = state.guilds.get(guild_id) if guild_id is not None else None
    if kind == MENTIONABLE:
        kind = ROLE if guild is not None and target in guild.roles else USER
    if kind == USER:
        resolved.setdefault("users", {})[str(target)] = payloads.user(state.user(target))
        if guild is not None and target in guild.members:
            member = payloads.member(state, guild.members[target], with_user=False)
            member["permissions"] = str(permissions_for(state, guild.id, target))
            resolved.setdefault("members", {})[str(target)] = member
    elif kind == ROLE:
        if guild is None or target not in guild.roles:
            raise ValueError(f"no role {target} in guild {guild_id}")
        resolved.setdefault("roles", {})[str(target)] = payloads.role(guild.roles[target])
    elif kind == CHANNEL:
        channel = state.channels.get(target)
        if channel is None:
            raise ValueError(f"no channel {target}")
        data = payloads.channel(state, channel)
        perms = permissions_for(state, guild.id, state.bot_id, target) if guild is not None else 0
        resolved.setdefault("channels", {})[str(target)] = {**data, "permissions": str(perms)}
    else:
        raise ValueError(f"option type {kind} is not supported by the fake")


def resolved_for_select(
    fake: FakeDiscord, ctype: int, values: list[Any], guild_id: int | None
) -> dict[str, Any]:
    kind = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}[ctype]
    resolved: dict[str, Any] = {}
    for value in values:
        _resolve(fake, kind, int(getattr(value, "id", value)), guild_id, resolved)
    return resolved


def submit_components(modal: dict[str, Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``components`` of a MODAL_SUBMIT for ``values`` ({custom_id: text or [values]})."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for comp in modal.get("components") or []:
        if comp.get("type") == 1:
            row = [_submitted(c, values, seen) for c in comp.get("components") or []]
            out.append({"type": 1, "components": row})
        elif comp.get("type") == LABEL and isinstance(comp.get("component"), dict):
            out.append({"type": LABEL, "component": _submitted(comp["component"], values, seen)})
    unknown = sorted(set(values) - seen)
    if unknown:
        raise ValueError(f"the modal has no field(s) {unknown}; it has {sorted(seen)}")
    return out


def _submitted(comp: dict[str, Any], values: dict[str, Any], seen: set[str]) -> dict[str, Any]:
    custom_id = str(comp.get("custom_id"))
    seen.add(custom_id)
    value = values.get(custom_id)
    if comp.get("type") == TEXT_INPUT:
        text = "" if value is None else str(value)
        if comp.get("required", True) and not text:
            raise ValueError(f"modal field {custom_id!r} is required")
        lo, hi = comp.get("min_length") or 0, comp.get("max_length") or 4000
        if text and not lo <= len(text) <= hi:
            raise ValueError(f"modal field {custom_id!r} takes {lo}..{hi} characters, got {len(text)}")
        return {"type": TEXT_INPUT, "custom_id": custom_id, "value": text}
    chosen = [] if value is None else [str(v) for v in (value if isinstance(value, list) else [value])]
    return {"type": comp.get("type"), "custom_id": custom_id, "values": chosen}
