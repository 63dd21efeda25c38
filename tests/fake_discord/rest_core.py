"""Login and application routes: ``/users/@me``, ``/oauth2/applications/@me``, users, gateway
discovery, and application commands (bulk overwrite keeps a command's id across syncs, as Discord)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import payloads
from .errors import UNKNOWN_USER, DiscordError
from .state import AppCommand

if TYPE_CHECKING:
    from .fake import FakeDiscord
    from .server import Ctx


async def me(ctx: Ctx) -> Any:
    bot = ctx.state.users[ctx.state.bot_id]
    return {**payloads.user(bot), "verified": True, "mfa_enabled": False, "flags": 0, "email": None}


async def application(ctx: Ctx) -> Any:
    state = ctx.state
    owner = payloads.user(state.user(state.bot_id + 1))
    return {
        "id": str(state.application_id),
        "name": state.users[state.bot_id].username,
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": owner,
        "team": None,
        "flags": 0,
        "summary": "",
        "bot": payloads.user(state.users[state.bot_id]),
    }


async def get_user(ctx: Ctx) -> Any:
    user = ctx.state.users.get(ctx.id("user_id"))
    if user is None:
        raise DiscordError.of(UNKNOWN_USER)
    return payloads.user(user)


async def gateway(ctx: Ctx) -> Any:
    return {
        "url": ctx.fake.gateway_url,
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
    }


def _scope(ctx: Ctx) -> int | None:
    return ctx.id("guild_id") if "guild_id" in ctx.request.params else None


async def overwrite_commands(ctx: Ctx) -> Any:
    scope = _scope(ctx)
    old = ctx.state.commands.get(scope, {})
    new: dict[tuple[int, str], AppCommand] = {}
    for raw in ctx.request.json or []:
        key = (int(raw.get("type") or 1), str(raw["name"]))
        previous = old.get(key)
        new[key] = AppCommand(previous.id if previous else ctx.state.new_id(), key[1], scope, dict(raw))
    ctx.state.commands[scope] = new
    return [payloads.command(ctx.state, c) for c in new.values()]


async def list_commands(ctx: Ctx) -> Any:
    return [payloads.command(ctx.state, c) for c in ctx.state.commands.get(_scope(ctx), {}).values()]


async def create_command(ctx: Ctx) -> Any:
    scope = _scope(ctx)
    raw = ctx.body
    key = (int(raw.get("type") or 1), str(raw["name"]))
    commands = ctx.state.commands.setdefault(scope, {})
    previous = commands.get(key)
    commands[key] = cmd = AppCommand(
        previous.id if previous else ctx.state.new_id(), key[1], scope, dict(raw)
    )
    ctx.status = 200 if previous else 201
    return payloads.command(ctx.state, cmd)


def _find_command(ctx: Ctx) -> tuple[tuple[int, str], AppCommand]:
    wanted = ctx.id("command_id")
    for key, cmd in ctx.state.commands.get(_scope(ctx), {}).items():
        if cmd.id == wanted:
            return key, cmd
    raise DiscordError(404, 10063, "Unknown application command")


async def get_command(ctx: Ctx) -> Any:
    return payloads.command(ctx.state, _find_command(ctx)[1])


async def delete_command(ctx: Ctx) -> Any:
    key, _ = _find_command(ctx)
    del ctx.state.commands[_scope(ctx)][key]
    return None


def register(fake: FakeDiscord) -> None:
    fake.add_route("GET", "/users/@me", me)
    fake.add_route("GET", "/oauth2/applications/@me", application)
    fake.add_route("GET", "/applications/@me", application)
    fake.add_route("GET", "/users/{user_id}", get_user)
    fake.add_route("GET", "/gateway", gateway)
    fake.add_route("GET", "/gateway/bot", gateway)
    for base in (
        "/applications/{application_id}/commands",
        "/applications/{application_id}/guilds/{guild_id}/commands",
    ):
        fake.add_route("PUT", base, overwrite_commands)
        fake.add_route("GET", base, list_commands)
        fake.add_route("POST", base, create_command)
        fake.add_route("GET", base + "/{command_id}", get_command)
        fake.add_route("DELETE", base + "/{command_id}", delete_command)
