"""An in-process fake Discord that the real discord.py 2.7.1 client talks to (REST under
``/api/v10`` and the gateway websocket, on 127.0.0.1 and a free port), with Discord's published
OpenAPI spec as the contract every request of the bot is checked against.

Usage (the ``fake_discord`` and ``bot_runner`` fixtures come from ``pytest_plugin``)::

    async def test_about(fake_discord: FakeDiscord, bot_runner: BotRunner) -> None:
        guild = fake_discord.add_guild("Org")                     # @everyone, bot, owner, #general
        alice = fake_discord.add_member(guild, user_id=5000, name="alice")
        await bot_runner.start(make_bot())                         # logs in, syncs, READY
        itx = await fake_discord.slash("about", guild_id=guild.id, user_id=alice.user_id)
        answer = await itx.response()                              # Callback(type=4, data=..., message=...)
        assert answer.type == 4 and "groundwork" in answer.message.text
        press = await fake_discord.click(answer.message, "join", user_id=5000)
        modal = await press.response()                             # type 9: press.modal holds it
        done = await fake_discord.submit_modal(press, {"city": "Lyon"})
        [note] = await done.followups(1)
        assert fake_discord.role_names(guild, 5000) == ["member"]

Building the world: ``add_guild``, ``add_member``, ``add_role``, ``add_channel``, ``channel``;
events: ``member_join``, ``member_leave``, ``user_message``, ``guild_available``,
``gateway.request_reconnect()``, ``voice_join`` / ``voice_leave`` (VOICE_STATE_UPDATE),
``event_interest``; guild scheduled events (``rest_events``, ``scheduled_events(guild)``; ``clock``
is Discord's now, which a test may set to the bot's); driving: ``slash``, ``click``, ``select``, ``submit_modal``;
inspecting: ``requests`` / ``requests_to`` / ``wait_for_request``, ``messages_in`` /
``wait_for_message``, ``dms_to`` / ``wait_for_dm``, ``threads``, ``member(...).role_changes``,
``role_names``, ``violations``, ``ratelimits.stats``, ``validation_times``; any condition:
``await fake.wait_for(lambda: ..., what="...")``.

Faults, as Discord answers them: ``close_dms(user)`` (403 / 50007), ``deny(guild, "MANAGE_ROLES",
channel=None)`` and the role hierarchy (403 / 50013), unknown objects (404 / 10003, 10007, 10008,
...), ``fail(method, route, status, code, times=1|None)``, ``rate_limit_once(method, route)`` and
``ratelimits.set_global(50)`` / ``ratelimits.set_bucket(...)`` (429 with ``Via``, ``retry_after``
and ``X-RateLimit-*``), ``interaction_deadline`` (10062), a second callback (40060),
``token_lifetime`` / ``itx.age()`` (401 / 50027). The gateway honours intents (no
GUILD_MEMBER_ADD without the members intent).

Extending: ``fake.add_route(method, spec_template, handler)`` serves a route the fake lacks (a
route it lacks fails the test that used it). One fake at a time per process: ``start()`` patches
``discord.http.Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``; ``stop()`` restores them.
The fake's state lives on the ``FakeDiscord`` object, so a new bot can log in to the same world.

Modules: ``server`` (app, pipeline, ``FakeDiscord``), ``state`` / ``payloads`` / ``permissions``
(the world and how it is sent), ``gateway``, ``interactions`` / ``options`` (driving), ``rest_*``
(routes), ``messages``, ``contract`` / ``contract_rules`` (the spec check), ``errors`` (error
bodies, fault injection), ``ratelimit``, ``runner`` and ``pytest_plugin``.
"""

from .contract import ContractChecker, Violation, default_checker, format_violations
from .errors import DiscordError, Fault
from .fake import FakeDiscord
from .interactions import Callback, InteractionHandle
from .runner import BotRunner, running
from .server import RecordedRequest
from .state import Attachment, Channel, Guild, Member, Message, Role

__all__ = [
    "Attachment",
    "BotRunner",
    "Callback",
    "Channel",
    "ContractChecker",
    "DiscordError",
    "FakeDiscord",
    "Fault",
    "Guild",
    "InteractionHandle",
    "Member",
    "Message",
    "RecordedRequest",
    "Role",
    "Violation",
    "default_checker",
    "format_violations",
    "running",
]
