"""The bot's Matrix client: log in, join the direct rooms members open, answer `!gw` commands.

Built on matrix-nio (see the README's "Matrix" section for why). The first sync after a start
only catches up (what was said before is not answered again); from then on every text message
in a room the bot is in is read, and `!gw` commands are answered in the same room.

Encrypted rooms (Element encrypts direct rooms by default) work like plain ones: nio (with
vodozemac) decrypts what members send and encrypts what the bot answers. The bot's keys live in
the crypto store (`[matrix] crypto_store`), which must persist across restarts, together with a
fixed `device_id`: a new device would be a stranger to every encrypted room. Devices are not
verified (nio has no cross-signing): the bot shares its room keys with every device of the
room's members (`ignore_unverified_devices`).

Everything the bot sends is an `m.notice` (bots' messages, which clients do not notify as loudly
and other bots do not answer) with empty `m.mentions`, so nothing it sends pings anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptionError,
    InviteMemberEvent,
    JoinError,
    LocalProtocolError,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomCreateResponse,
    RoomMemberEvent,
    RoomMessageText,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)

from bot.clock import Clock, system_clock
from bot.config import MatrixSettings, SchedulerSettings
from bot.texts import matrix as texts
from db.engine import SessionMaker
from matrix_adapter import features, render
from matrix_adapter.router import Message, Router
from matrix_adapter.runtime import MatrixRuntime

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
# How long a message to an encrypted room waits for the key query of members whose devices the
# bot has not asked for yet: a room key is shared with the devices known when it is first used.
DEVICES_WAIT = 5.0
ROOM_WAIT_SECONDS = 10.0
# Encrypted messages whose room key has not come yet are kept (at most this many, the oldest
# dropped first) and decrypted when it comes.
UNDECRYPTED_KEPT = 500
# Direct rooms the bot opens are encrypted, as Element's are.
ENCRYPTION_STATE = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
DEVICE_NAME = "groundwork"


def catch_up_timeout(now: float) -> int:
    """The `timeout` of a start's catch-up sync, in ms: its own for every start within two minutes.
    Synapse answers a repeated /sync from a cache for two minutes (`sync_response_cache_duration`,
    keyed by user, device, since, timeout, filter and full_state), so a restart soon after the last
    start got that start's stale catch-up and then answered everything said since. An initial sync
    returns at once whatever its timeout."""
    return 1 + int(now * 1000) % 120_000


class MatrixLoginError(Exception):
    """The homeserver refused the bot's credentials (the message names no secret)."""


class MatrixBot:
    """One logged-in Matrix account serving groundwork; `run` until cancelled, then `close`."""

    def __init__(
        self,
        settings: MatrixSettings,
        *,
        crypto_store: Path,
        sessions: SessionMaker | None = None,
        scheduler: SchedulerSettings | None = None,
        clock: Clock = system_clock,
    ) -> None:
        if settings.homeserver is None or settings.user_id is None:
            raise ValueError("Matrix is not configured")
        self.settings = settings
        self.sessions = sessions  # None: only the commands that need no database
        self.scheduler_settings = scheduler or SchedulerSettings()
        self.clock = clock
        crypto_store.mkdir(parents=True, exist_ok=True)
        key = settings.crypto_store_key.get_secret_value() if settings.crypto_store_key is not None else None
        config = (
            AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False)
            if key is None
            else AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False, pickle_key=key)
        )
        self.client = AsyncClient(
            settings.homeserver,
            settings.user_id,
            device_id=settings.device_id,
            store_path=str(crypto_store),
            config=config,
        )
        self._caught_up = asyncio.Event()
        self._direct_lock = asyncio.Lock()  # m.direct is read, changed and written whole
        self._synced = asyncio.Condition()  # notified after every sync
        self._undecrypted: list[tuple[MatrixRoom, MegolmEvent]] = []
        self._started_ms = 0  # when `run` began, in the homeserver's milliseconds
        self._keys_lock = asyncio.Lock()  # one key query of the bot's own at a time
        self._keys_unanswered: set[str] = set()  # members whose devices were not known in time
        self.router = Router()
        self.router.command("help", texts.HELP_HELP, self._help)
        # The ticks (outbox, check-ins) and the messenger, which features register with; started by `run`'s caller.
        self.runtime = MatrixRuntime(self) if sessions is not None else None
        features.install(self)

    @property
    def user_id(self) -> str:
        return str(self.client.user_id)

    async def login(self) -> None:
        """Log in with the configured access token (checked with whoami) or password."""
        settings = self.settings
        if settings.access_token is not None:
            self.client.access_token = settings.access_token.get_secret_value()
            whoami = await self.client.whoami()
            if not isinstance(whoami, WhoamiResponse):
                raise MatrixLoginError(f"the homeserver refused matrix.access_token ({whoami.status_code})")
            if whoami.user_id != settings.user_id:
                raise MatrixLoginError(
                    f"matrix.access_token belongs to {whoami.user_id}, not to matrix.user_id"
                )
            self.client.restore_login(
                whoami.user_id, settings.device_id or whoami.device_id, self.client.access_token
            )
        elif settings.password is not None:
            response = await self.client.login(settings.password.get_secret_value(), device_name=DEVICE_NAME)
            if not isinstance(response, LoginResponse):
                raise MatrixLoginError(f"the homeserver refused matrix.password ({response.status_code})")
        else:
            raise MatrixLoginError("matrix: set access_token or password")
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        log.info("logged in to Matrix as %s (device %s)", self.client.user_id, self.client.device_id)

    async def run(self) -> None:
        """Catch up once, then serve until cancelled. What the homeserver stamped before this
        start was said while the bot was away: never answered, even when a later sync brings it
        (seen after a restart with the same device)."""
        self._started_ms = int(time.time() * 1000)
        first = await self.client.sync(timeout=catch_up_timeout(time.time()), full_state=True)
        if not isinstance(first, SyncResponse):
            raise MatrixLoginError(f"the first sync failed ({getattr(first, 'status_code', first)})")
        # Direct rooms members opened while the bot was away are joined now.
        for room_id, invite in first.rooms.invite.items():
            for event in invite.invite_state:
                if self._is_direct_for_me(event):
                    await self._join(room_id, event.sender)
                    break
        self._listen()
        self._caught_up.set()
        await self.client.sync_forever(timeout=SYNC_TIMEOUT_MS)

    def _listen(self) -> None:
        self.client.add_event_callback(self._on_invite, InviteMemberEvent)
        self.client.add_event_callback(self._on_text, RoomMessageText)
        self.client.add_event_callback(self._on_member, RoomMemberEvent)
        self.client.add_event_callback(self._on_undecryptable, MegolmEvent)
        self.client.add_response_callback(self._on_sync, SyncResponse)

    async def wait_until_serving(self) -> None:
        await self._caught_up.wait()

    async def close(self) -> None:
        await self.client.close()

    # -- events -------------------------------------------------------------------------------

    def _is_direct_for_me(self, event: Any) -> bool:
        # The stripped state of an invite also holds the inviter's own membership: only ours counts.
        return bool(
            isinstance(event, InviteMemberEvent)
            and event.state_key == self.client.user_id
            and event.membership == "invite"
            and event.content.get("is_direct") is True
        )

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if self._is_direct_for_me(event):
            await self._join(room.room_id, event.sender)

    async def _join(self, room_id: str, inviter: str) -> None:
        response = await self.client.join(room_id)
        if isinstance(response, JoinError):
            log.warning("could not join direct room %s (%s)", room_id, response.status_code)
            return
        log.info("joined direct room %s", room_id)
        await self._note_direct(inviter, room_id)

    def _m_direct_path(self) -> str:
        return f"/_matrix/client/v3/user/{quote(self.user_id, safe='')}/account_data/m.direct"

    async def _read_direct(self) -> dict[str, list[str]]:
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        answer = await self.client.send("GET", self._m_direct_path(), headers=headers)
        if answer.status != 200:
            return {}
        direct: dict[str, list[str]] = await answer.json()
        return direct

    async def direct_room(self, user_id: str) -> str | None:
        """The direct room with a member: one in the bot's m.direct that both are still in, else a
        new one (encrypted, the member invited; they read what was sent once they accept). None
        when the homeserver refused to make it."""
        known = await self.existing_direct_room(user_id)
        if known is not None:
            return known
        made = await self.client.room_create(
            is_direct=True,
            preset=RoomPreset.trusted_private_chat,
            invite=[user_id],
            initial_state=[ENCRYPTION_STATE],
        )
        if not isinstance(made, RoomCreateResponse):
            log.warning("could not open a direct room (%s)", getattr(made, "status_code", "?"))
            return None
        room_id = str(made.room_id)
        await self._note_direct(user_id, room_id)
        if not await self.until_members(room_id, [user_id]):
            log.warning("the new direct room %s did not come in the sync", room_id)
            return None
        return room_id

    async def existing_direct_room(self, user_id: str) -> str | None:
        """The direct room with a member in the bot's m.direct that both are still in; None when
        there is none (nothing is made)."""
        for room_id in (await self._read_direct()).get(user_id, []):
            room = self.client.rooms.get(room_id)
            if room is not None and (user_id in room.users or user_id in room.invited_users):
                return room_id
        return None

    async def until_members(self, room_id: str, user_ids: Iterable[str]) -> bool:
        """Wait until the bot's sync knows each of `user_ids` is in, or invited to, `room_id` (a room
        it just made, or an invite it just sent): in an encrypted room, what it sends from then on
        is readable by them. A new room can come in a sync before its invites do, and a message
        sent then shares its key with nobody. False when the sync did not show them in time."""
        wanted = set(user_ids)

        def there() -> bool:
            room = self.client.rooms.get(room_id)
            return room is not None and wanted <= set(room.users) | set(room.invited_users)

        try:
            await self._until_synced(there)
        except TimeoutError:
            return False
        return True

    async def _until_synced(self, condition: Callable[[], bool]) -> None:
        async with self._synced:
            await asyncio.wait_for(self._synced.wait_for(condition), ROOM_WAIT_SECONDS)

    async def _note_direct(self, user_id: str, room_id: str) -> None:
        """Add the room to the bot's `m.direct` (the spec's list of direct rooms, by member), as
        clients do when they accept a direct chat. nio has no call for it: its plain `send`."""
        path = self._m_direct_path()
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        async with self._direct_lock:
            direct = await self._read_direct()
            rooms = direct.setdefault(user_id, [])
            if room_id in rooms:
                return
            rooms.append(room_id)
            answer = await self.client.send("PUT", path, json.dumps(direct), headers=headers)
            if answer.status != 200:
                log.warning("could not note direct room %s in m.direct (%s)", room_id, answer.status)

    async def _on_text(self, room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == self.client.user_id or event.server_timestamp < self._started_ms:
            return
        private = not set(room.users) - {event.sender, self.user_id}
        await self.router.dispatch(Message(room.room_id, event.sender, event.body, private), self.send_notice)

    async def _help(self, message: Message, _: str) -> None:
        await self.send_notice(message.room_id, self.router.help_text())

    def in_community(self, room_id: str) -> bool:
        """The community's space, or one of its rooms."""
        return room_id == self.settings.space_id or room_id in self.settings.room_ids

    async def _on_member(self, room: MatrixRoom, event: RoomMemberEvent) -> None:
        """Someone joined or left the community's space (or one of its rooms): the features'
        membership handlers hear it once per change (a profile change is not a join)."""
        if event.state_key == self.user_id or not self.in_community(room.room_id):
            return
        before = (event.prev_content or {}).get("membership")
        now = event.membership
        if now == "join" and before != "join":
            handlers = self.router.joined
        elif now in ("leave", "ban") and before == "join":
            handlers = self.router.left
        else:
            return
        for handler in handlers:
            await handler(room.room_id, event.state_key)

    async def _on_sync(self, response: SyncResponse) -> None:
        await self._retry_undecrypted()
        async with self._synced:
            self._synced.notify_all()

    async def _retry_undecrypted(self) -> None:
        """A room key often comes a sync after the message it opens (to-device messages and the
        timeline travel apart): what could not be read before is read now, and answered."""
        waiting, self._undecrypted = self._undecrypted, []
        for room, event in waiting:
            try:
                decrypted = self.client.decrypt_event(event)
            except EncryptionError:
                self._undecrypted.append((room, event))
                continue
            if isinstance(decrypted, RoomMessageText):
                await self._on_text(room, decrypted)

    async def _on_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        # Its sender's device did not share the room key with ours (yet); ask it again.
        log.info("a message in %s waits for its room key (session %s)", room.room_id, event.session_id)
        self._undecrypted.append((room, event))
        del self._undecrypted[:-UNDECRYPTED_KEPT]
        with contextlib.suppress(LocalProtocolError):  # already asked for this session
            await self.client.request_room_key(event)

    # -- sending ------------------------------------------------------------------------------

    async def _readable_by_members(self, room_id: str) -> None:
        """Before a message to an encrypted room: wait (a few seconds at most) until the devices of
        everyone in it, or invited to it, have been asked of the homeserver. nio shares a room key
        with the devices it knows when the key is first used and not again: a message sent to a
        room the bot just made, or just joined, before the key query came back could never be read
        by the member. The bot asks itself rather than waiting for the sync loop's next turn."""
        room = self.client.rooms.get(room_id)
        olm = self.client.olm
        if room is None or not room.encrypted or olm is None:
            return
        if not room.members_synced:  # as room_send would, before it shares the key
            await self.client.joined_members(room_id)

        def unasked() -> set[str]:
            users = set(room.users) - self._keys_unanswered
            tracked: set[str] = olm.tracked_users
            to_query: set[str] = olm.users_for_key_query
            return (users - tracked) | (users & to_query)

        async def asked() -> None:
            while pending := unasked():
                olm.add_changed_users(pending)
                async with self._keys_lock:
                    if unasked():
                        with contextlib.suppress(LocalProtocolError):  # the sync loop's query got them
                            await self.client.keys_query()
                if unasked():
                    await asyncio.sleep(0.2)

        try:
            await asyncio.wait_for(asked(), DEVICES_WAIT)
        except TimeoutError:
            # Not waited for again this run (a homeserver that does not answer for its users).
            late = unasked()
            self._keys_unanswered |= late
            log.info("sending to %s before the devices of %d member(s) are known", room_id, len(late))

    async def send_notice(self, room_id: str, body: str, *, extra: dict[str, Any] | None = None) -> bool:
        """A notice (bot/texts' `**emphasis**` as HTML, everything else escaped) that mentions
        nobody; False when the homeserver refused it. `extra`: more content keys (namespaced, like
        a check-in's id, to find the notice in the room's history later)."""
        content: dict[str, Any] = {"msgtype": "m.notice", "body": render.plain(body), "m.mentions": {}}
        content |= extra or {}
        if render.formatted(body) != body:
            content |= {"format": "org.matrix.custom.html", "formatted_body": render.formatted(body)}
        if room_id not in self.client.rooms:  # joined a moment ago: its state comes with the next sync
            try:
                await self._until_synced(lambda: room_id in self.client.rooms)
            except TimeoutError:
                log.warning("not sending to %s: the bot is not in it", room_id)
                return False
        await self._readable_by_members(room_id)
        try:
            response = await self.client.room_send(
                room_id, "m.room.message", content, ignore_unverified_devices=True
            )
        except LocalProtocolError as exc:
            log.warning("could not send to %s (%s)", room_id, exc.__class__.__name__)
            return False
        if not isinstance(response, RoomSendResponse):
            log.warning("could not send to %s (%s)", room_id, getattr(response, "status_code", "?"))
            return False
        return True

    async def send_file(self, room_id: str, data: bytes, *, filename: str, mimetype: str) -> bool:
        """A file (m.file) that mentions nobody. In an encrypted room the upload is encrypted too
        (the key travels in the encrypted message's `file`, never in the clear); False when the
        homeserver refused the upload or the message."""
        room = self.client.rooms.get(room_id)
        encrypted = bool(room is not None and room.encrypted)
        uploaded, keys = await self.client.upload(
            io.BytesIO(data), content_type=mimetype, filename=filename, encrypt=encrypted, filesize=len(data)
        )
        if not isinstance(uploaded, UploadResponse):
            log.warning("could not upload a file to %s (%s)", room_id, getattr(uploaded, "status_code", "?"))
            return False
        content: dict[str, Any] = {
            "msgtype": "m.file",
            "body": filename,
            "filename": filename,
            "info": {"mimetype": mimetype, "size": len(data)},
            "m.mentions": {},
        }
        if encrypted and keys is not None:
            content["file"] = {**keys, "url": uploaded.content_uri}
        else:
            content["url"] = uploaded.content_uri
        await self._readable_by_members(room_id)
        try:
            response = await self.client.room_send(
                room_id, "m.room.message", content, ignore_unverified_devices=True
            )
        except LocalProtocolError as exc:
            log.warning("could not send a file to %s (%s)", room_id, exc.__class__.__name__)
            return False
        return isinstance(response, RoomSendResponse)
