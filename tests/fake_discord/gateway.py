"""The gateway websocket: HELLO, heartbeat ACK, IDENTIFY -> READY + GUILD_CREATE per guild,
RESUME -> replay + RESUMED, op 8 -> GUILD_MEMBERS_CHUNK, and event dispatch.

Frames are TEXT JSON (no compression: discord.py only decompresses binary frames). A session
outlives its socket unless the bot closed with 1000/1001 (``bot.close()``), so a RECONNECT (op 7,
``fake.gateway.request_reconnect()``) resumes and replays what was dispatched meanwhile. Events are
sent only to sessions whose intents cover them, as on Discord (no GUILD_MEMBER_ADD without the
members intent; message content blanked without the message-content intent).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import payloads

if TYPE_CHECKING:
    from .server import FakeDiscordServer

log = logging.getLogger(__name__)

# Intents (https://discord.com/developers/docs/events/gateway#gateway-intents)
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_VOICE_STATES = 1 << 7
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
GUILD_SCHEDULED_EVENTS = 1 << 16

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0,
    1,
    2,
    6,
    7,
    8,
    9,
    10,
    11,
)
BUFFER_EVENTS = 2000

Redactor = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(eq=False)
class Session:
    """One identified bot session: its intents, sequence number, and the events sent to it."""

    id: str
    intents: int
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    ready: bool = False
    ended: bool = False
    buffer: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=BUFFER_EVENTS))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed and not self.ended

    async def send(self, payload: dict[str, Any], text: str | None = None) -> None:
        if self.ws is None or self.ws.closed:
            return
        async with self.lock:
            try:
                await self.ws.send_str(text if text is not None else json.dumps(payload))
            except ConnectionResetError:  # the bot went away mid-send; RESUME replays the buffer
                log.debug("gateway send on a closing socket dropped")


class Gateway:
    """The fake's gateway endpoint (``ws://127.0.0.1:<port>/gateway``)."""

    heartbeat_interval_ms = 41250

    def __init__(self, fake: FakeDiscordServer) -> None:
        self.fake = fake
        self.sessions: dict[str, Session] = {}
        self.identify_count = 0
        self.frames_received: list[dict[str, Any]] = []

    @property
    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if not s.ended]

    def connected(self) -> bool:
        """True when some session is identified, has had its guilds, and its socket is open."""
        return any(s.ready and s.connected for s in self.sessions.values())

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}))
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                self.frames_received.append(frame)
                session = await self._on_frame(ws, frame, session)
        finally:
            if session is not None and session.ws is ws:
                session.ws = None
                if ws.close_code in (1000, 1001):
                    session.ended = True
            self.fake.notify()
        return ws

    async def _on_frame(
        self, ws: web.WebSocketResponse, frame: dict[str, Any], session: Session | None
    ) -> Session | None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == HEARTBEAT:
            await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            session = Session(secrets.token_hex(16), int(data.get("intents", 0)), ws=ws)
            self.sessions[session.id] = session
            await self._send_ready(session)
        elif op == RESUME:
            session = await self._resume(ws, data)
        elif op == REQUEST_MEMBERS and session is not None:
            await self._members_chunk(session, data)
        return session

    async def _send_ready(self, session: Session) -> None:
        state = self.fake.state
        ready = {
            "v": 10,
            "user": {
                **payloads.user(state.users[state.bot_id]),
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
            },
            "guilds": [{"id": str(g), "unavailable": True} for g in state.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.fake.gateway_url,
            "application": {"id": str(state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth_session_id_hash": "",
            "shard": [0, 1],
        }
        await self._send_event(session, "READY", ready)
        for guild in state.guilds.values():
            data = payloads.guild_create(state, guild)
            if not session.intents & GUILD_VOICE_STATES:  # as on Discord: only with the intent
                data["voice_states"] = []
            if not session.intents & GUILD_SCHEDULED_EVENTS:
                data["guild_scheduled_events"] = []
            await self._send_event(session, "GUILD_CREATE", data)
        session.ready = True
        self.identify_count += 1
        self.fake.notify()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.ended:
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
            return None
        session.ws = ws
        last = int(data.get("seq") or 0)
        for payload in list(session.buffer):
            if payload["s"] > last:
                await session.send(payload)
        await self._send_event(session, "RESUMED", {})
        self.fake.notify()
        return session

    async def _members_chunk(self, session: Session, data: dict[str, Any]) -> None:
        guild = self.fake.state.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.user_id in wanted]
        elif data.get("query"):
            query = str(data["query"]).lower()
            members = [
                m for m in members if self.fake.state.user(m.user_id).username.lower().startswith(query)
            ]
        if data.get("limit"):
            members = members[: int(data["limit"])]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [payloads.member(self.fake.state, m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self._send_event(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_event(
        self, session: Session, event: str, data: Any, data_json: str | None = None
    ) -> None:
        """Send one DISPATCH with the session's next sequence number (``data_json``: ``data``
        already serialized, so a broadcast serializes once)."""
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.buffer.append(frame)
        body = json.dumps(data) if data_json is None else data_json
        await session.send(frame, f'{{"op": {DISPATCH}, "t": "{event}", "s": {session.seq}, "d": {body}}}')

    async def dispatch(
        self, event: str, data: dict[str, Any], *, intent: int | None = None, redact: Redactor | None = None
    ) -> int:
        """Send ``event`` to every session whose intents include ``intent`` (None: always);
        ``redact`` rewrites the data for sessions without MESSAGE_CONTENT. Returns how many got it."""
        sent = 0
        data_json = json.dumps(data)
        for session in self.live_sessions:
            if intent is not None and not session.intents & intent:
                continue
            if redact is not None and not session.intents & MESSAGE_CONTENT:
                await self._send_event(session, event, redact(data))
            else:
                await self._send_event(session, event, data, data_json)
            sent += 1
        return sent

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: discord.py reconnects to ``resume_gateway_url`` and RESUMEs."""
        for session in self.live_sessions:
            await session.send({"op": RECONNECT, "d": None})

    async def invalidate_sessions(self) -> None:
        """Send op 9 INVALID_SESSION (not resumable): the bot identifies anew."""
        for session in self.live_sessions:
            session.ended = True
            await session.send({"op": INVALID_SESSION, "d": False})

    async def close_all(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close(code=1001)
