"""Driving the bot as a user would: slash commands, buttons, selects and modals; and reading its
answers through an :class:`InteractionHandle`.

Each driver method sends INTERACTION_CREATE over the gateway and returns at once with a handle;
``await itx.response()`` waits for the bot's callback, ``await itx.followups(n)`` for follow-ups,
``await itx.original_response()`` for the answer message once it is no longer "thinking". Component
interactions carry the message they were clicked on (its ``id`` is the callback's
``response_message_id``, so non-persistent Views route), in guild channels and DMs alike. The
driver refuses what a Discord client would not let a user do (an unknown option, a command the
member cannot see, a disabled button, a modal that was never opened) with ``ValueError``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from . import payloads
from .contract import ContractChecker
from .options import build_options, check_visible, resolved_for_select, submit_components
from .permissions import DM_PERMISSIONS, permissions_for
from .scenario import Scenario
from .state import DM, Channel, IdLike, Message, as_id

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})


@dataclass
class Callback:
    """One callback attempt of the bot (accepted or not)."""

    type: int
    data: dict[str, Any]
    status: int
    error_code: int | None = None
    message: Message | None = None

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & 64)


@dataclass(eq=False)
class InteractionHandle:
    """An interaction the fake sent, and everything the bot answered to it."""

    fake: Driver
    id: int
    token: str
    type: int
    user_id: int
    guild_id: int | None
    channel_id: int
    data: dict[str, Any]
    payload: dict[str, Any]
    message_id: int | None = None  # the message a component was used on
    sent_at: float = field(default_factory=time.monotonic)
    callbacks: list[Callback] = field(default_factory=list)
    followup_messages: list[Message] = field(default_factory=list)
    original: Message | None = None
    modal: dict[str, Any] | None = None
    missed_deadline: bool = False

    @property
    def acknowledged(self) -> Callback | None:
        return next((c for c in self.callbacks if c.accepted), None)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.sent_at

    def age(self, seconds: float) -> None:
        """Pretend the interaction was created ``seconds`` earlier (token lifetime, deadlines)."""
        self.sent_at -= seconds

    async def response(self, *, timeout: float = 2.0) -> Callback:
        """The bot's first callback attempt (see ``.accepted``, ``.status``, ``.error_code``)."""
        result: Callback = await self.fake.wait_for(
            lambda: self.callbacks[0] if self.callbacks else None,
            timeout=timeout,
            what=f"a callback to {self}",
        )
        return result

    async def followups(self, count: int = 1, *, timeout: float = 2.0) -> list[Message]:
        """The follow-up messages, once there are at least ``count``."""
        result: list[Message] = await self.fake.wait_for(
            lambda: len(self.followup_messages) >= count and list(self.followup_messages),
            timeout=timeout,
            what=f"{count} follow-up(s) to {self}",
        )
        return result

    async def original_response(self, *, timeout: float = 2.0) -> Message:
        """The answer message (type 4, or a type 5 defer once edited / followed up)."""
        result: Message = await self.fake.wait_for(
            lambda: self.original if self.original is not None and not self.original.loading else None,
            timeout=timeout,
            what=f"the original response of {self}",
        )
        return result

    def __str__(self) -> str:
        name = self.data.get("name") or self.data.get("custom_id")
        return f"interaction {self.id} ({name!r})"


class InteractionRegistry:
    def __init__(self) -> None:
        self.by_id: dict[int, InteractionHandle] = {}
        self.by_token: dict[str, InteractionHandle] = {}

    def add(self, handle: InteractionHandle) -> None:
        self.by_id[handle.id] = handle
        self.by_token[handle.token] = handle

    def __iter__(self) -> Any:
        return iter(self.by_id.values())


class Driver(Scenario):
    """Part of :class:`~.fake.FakeDiscord`: what a user does."""

    def __init__(
        self,
        *,
        bot_id: int | None = None,
        bot_name: str = "groundwork-test",
        checker: ContractChecker | None = None,
    ) -> None:
        super().__init__(bot_id=bot_id, bot_name=bot_name, checker=checker)
        self.interactions = InteractionRegistry()

    async def slash(
        self,
        name: str,
        *,
        user_id: int,
        guild_id: IdLike | None = None,
        options: dict[str, Any] | None = None,
        in_dm: bool = False,
        channel: IdLike | None = None,
        locale: str = "en-US",
        crafted: bool = False,
    ) -> InteractionHandle:
        """Run ``/name`` (``"onboard restart"`` for a subcommand) as ``user_id``, in a guild channel
        (default: the guild's first text channel) or in the bot's DM (``in_dm=True``).

        ``crafted=True`` sends it even if the user could not see the command (a modified client or
        a hand-made request): the bot's own permission checks must refuse it."""
        gid = None if in_dm else self._guild_for(guild_id)
        root, *path = name.split()
        cmd = self.state.find_command(root, gid)
        if cmd is None:
            known = sorted(n for scope in self.state.commands.values() for (_, n) in scope)
            raise ValueError(f"no slash command {root!r} registered for this guild (the bot synced {known})")
        if not crafted:
            check_visible(self.state, cmd.payload, gid, user_id, in_dm=in_dm)
        opts, resolved = build_options(self, cmd.payload, path, options or {}, gid)
        data: dict[str, Any] = {"id": str(cmd.id), "name": root, "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        return await self._send_interaction(APPLICATION_COMMAND, data, user_id, gid, channel, None, locale)

    async def click(self, message: Message | IdLike, custom_id: str, *, user_id: int) -> InteractionHandle:
        """Press the button ``custom_id`` on ``message`` as ``user_id``."""
        msg = self._message(message)
        comp = msg.component(custom_id)
        if comp.get("type") != 2:
            raise ValueError(f"{custom_id!r} is not a button (type {comp.get('type')}); use select()")
        if comp.get("disabled"):
            raise ValueError(f"button {custom_id!r} is disabled")
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._component(msg, data, user_id)

    async def select(
        self, message: Message | IdLike, custom_id: str, values: list[Any], *, user_id: int
    ) -> InteractionHandle:
        """Choose ``values`` in the select ``custom_id`` (option values; ids for user/role/channel selects)."""
        msg = self._message(message)
        comp = msg.component(custom_id)
        ctype = comp.get("type")
        if ctype not in SELECT_TYPES:
            raise ValueError(f"{custom_id!r} is not a select menu (type {ctype})")
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise ValueError(f"select {custom_id!r} takes {lo}..{hi} values, got {len(values)}")
        if ctype == 3:
            allowed = [o["value"] for o in comp.get("options") or []]
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise ValueError(f"select {custom_id!r} has no option(s) {unknown}; options are {allowed}")
        data: dict[str, Any] = {
            "custom_id": custom_id,
            "component_type": ctype,
            "values": [str(v) for v in values],
        }
        if ctype != 3:
            data["resolved"] = resolved_for_select(self, ctype, values, msg.guild_id)
        return await self._component(msg, data, user_id)

    async def submit_modal(
        self, opened_by: InteractionHandle, values: dict[str, Any], *, user_id: int | None = None
    ) -> InteractionHandle:
        """Fill in and submit the modal the bot opened in answer to ``opened_by``."""
        if opened_by.modal is None:
            raise ValueError(f"the bot did not answer {opened_by} with a modal")
        modal = opened_by.modal
        data = {"custom_id": modal["custom_id"], "components": submit_components(modal, values)}
        msg = self.state.messages.get(opened_by.message_id) if opened_by.message_id else None
        return await self._send_interaction(
            MODAL_SUBMIT, data, user_id or opened_by.user_id, opened_by.guild_id, opened_by.channel_id, msg
        )

    # -- helpers ---------------------------------------------------------------------------
    def _guild_for(self, guild_id: IdLike | None) -> int:
        if guild_id is not None:
            return as_id(guild_id)
        if len(self.state.guilds) != 1:
            raise ValueError(f"pass guild_id= (the fake has {len(self.state.guilds)} guilds)")
        return next(iter(self.state.guilds))

    def _message(self, message: Message | IdLike) -> Message:
        if isinstance(message, Message):
            return message
        return self.state.messages[as_id(message)]

    async def _component(self, msg: Message, data: dict[str, Any], user_id: int) -> InteractionHandle:
        return await self._send_interaction(
            MESSAGE_COMPONENT, data, user_id, msg.guild_id, msg.channel_id, msg
        )

    async def _send_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user_id: int,
        guild_id: int | None,
        channel: IdLike | None,
        message: Message | None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        state = self.state
        ch = self._interaction_channel(user_id, guild_id, channel)
        iid = state.new_id()
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(state.application_id),
            "type": kind,
            "data": data,
            "token": f"itx-{iid}-{secrets.token_urlsafe(16)}",
            "version": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
            "locale": locale,
            "entitlements": [],
            "channel_id": str(ch.id),
            "channel": payloads.channel(state, ch),
            "context": 1 if guild_id is None else 0,
            "authorizing_integration_owners": {"0": str(guild_id or 0)},
        }
        if guild_id is None:
            payload["user"] = payloads.user(state.user(user_id))
            payload["app_permissions"] = str(DM_PERMISSIONS)
        else:
            member = state.guilds[guild_id].members.get(user_id)
            if member is None:
                raise ValueError(f"user {user_id} is not a member of guild {guild_id}")
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=payloads.member(state, member, channel_id=ch.id),
                app_permissions=str(permissions_for(state, guild_id, state.bot_id, ch.id)),
            )
        if message is not None:
            payload["message"] = payloads.message(state, message, self.base_url)
        handle = InteractionHandle(
            self,
            iid,
            payload["token"],
            kind,
            user_id,
            guild_id,
            ch.id,
            data,
            payload,
            message.id if message else None,
        )
        self.interactions.add(handle)
        if not await self.gateway.dispatch("INTERACTION_CREATE", payload):
            raise RuntimeError("no bot is connected to the fake gateway")
        return handle

    def _interaction_channel(self, user_id: int, guild_id: int | None, channel: IdLike | None) -> Channel:
        state = self.state
        if channel is not None:
            return state.channels[as_id(channel)]
        if guild_id is None:
            return state.dm_channel(user_id)
        for cid in state.guilds[guild_id].channel_ids:
            if state.channels[cid].type != DM and not state.channels[cid].is_thread:
                return state.channels[cid]
        raise ValueError(f"guild {guild_id} has no channel to run a command in")
