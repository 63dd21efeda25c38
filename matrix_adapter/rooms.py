"""Private rooms the bot makes for a durable step: an introduction's room (a mentor and their
mentee, two neighbours, buddies, practice partners) or a local circle's room in the space.

Every such room is end-to-end encrypted, as Element's direct rooms are, with the people invited
when it is made. The step's handler is idempotent: the room an attempt made is recorded as the
task's progress (its local id, bot/services/identities) as soon as it exists, so a retry
continues it, invites whoever is not in it yet and posts what the bot has not posted there yet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from nio import RoomCreateResponse, RoomMessageNotice, RoomMessagesResponse, RoomPreset
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import identities, outbox
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)

ROOM_NAME_LIMIT = 100
HISTORY_LOOKBACK = 20  # the room's latest events looked through for a notice already posted
ENCRYPTION_STATE = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


class Runner(Protocol):
    """The outbox runner a handler belongs to: its worker name marks the task's progress."""

    @property
    def worker(self) -> str: ...


async def room_of(bot: MatrixBot, sessions: SessionMaker, local_id: int | None) -> str | None:
    """The Matrix room a local id (a circle's or an introduction's room) stands for, when the bot
    is still in it."""
    if local_id is None:
        return None
    async with sessions() as session:
        made = await identities.external(session=session, local_id=local_id)
    if made is None or made.kind is not IdentityKind.ROOM or made.platform is not Platform.MATRIX:
        return None
    return made.external_id if made.external_id in bot.client.rooms else None


class PrivateRooms:
    """Makes, fills and looks into the bot's private rooms, for one MatrixBot."""

    def __init__(self, bot: MatrixBot, sessions: SessionMaker, runner: Runner) -> None:
        self.bot = bot
        self.sessions = sessions
        self.runner = runner

    async def local_room(self, session: AsyncSession, room_id: str) -> int:
        """The room's local id (made on first sight)."""
        return await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.ROOM, external_id=room_id
        )

    async def external_room(self, local_id: int | None) -> str | None:
        """The Matrix room a local id stands for, when the bot is still in it."""
        return await room_of(self.bot, self.sessions, local_id)

    async def room(
        self,
        task: outbox.Task,
        *,
        name: str,
        invite: Sequence[str],
        state: Iterable[dict[str, Any]] = (),
        known: int | None = None,
    ) -> str | None:
        """The step's room: the one `known` (a local id the services keep) or an earlier attempt
        names, else a new one (encrypted, `invite` invited, `state` in its initial state) recorded
        at once as the task's progress; None when the homeserver refused to make it."""
        for local_id in (known, task.result_id):
            found = await self.external_room(local_id)
            if found is not None:
                return found
        created = await self.bot.client.room_create(
            name=name[:ROOM_NAME_LIMIT],
            preset=RoomPreset.private_chat,
            invite=list(invite),
            initial_state=[ENCRYPTION_STATE, *state],
        )
        if not isinstance(created, RoomCreateResponse):
            log.warning("could not make a private room (%s)", getattr(created, "status_code", "?"))
            return None
        room_id = str(created.room_id)
        async with self.sessions() as session, session.begin():
            local = await self.local_room(session, room_id)
            await outbox.progress(
                session=session, task_id=task.task_id, worker=self.runner.worker, result_id=local
            )
        # The room can come in a sync before its invites: what is posted first must wait for them.
        await self.bot.until_members(room_id, invite)
        return room_id

    async def invite(self, room_id: str, people: Iterable[str]) -> bool:
        """Everyone in `people` invited who is neither in the room nor invited (as far as the
        bot's sync knows: a room made a moment ago has its invites from its creation), and
        waited for until the sync shows the invite. False when the bot's sync does not know the
        room, or did not show everyone in it in time (what is posted then they could not read)."""
        room = self.bot.client.rooms.get(room_id)
        if room is None:
            return False
        invited = [
            user_id for user_id in people if user_id not in room.users and user_id not in room.invited_users
        ]
        for user_id in invited:
            await self.bot.client.room_invite(room_id, user_id)
        # What is posted next is encrypted for them too once the sync shows them.
        return await self.bot.until_members(room_id, invited)

    async def fill(self, room_id: str, people: Iterable[str], text: str, *, check: bool) -> bool:
        """Everyone invited (again, if an earlier attempt did not get that far) and `text`
        posted once (with `check`, not when the bot posted it there already)."""
        await self.invite(room_id, people)
        return await self.post_once(room_id, text, check=check)

    async def post_once(self, room_id: str, text: str, *, check: bool) -> bool:
        if check and await self.posted(room_id, text):
            return True
        return await self.bot.send_notice(room_id, text)

    async def posted(self, room_id: str, text: str) -> bool:
        """Whether the bot's latest notices in the room hold `text`."""
        answer = await self.bot.client.room_messages(room_id, limit=HISTORY_LOOKBACK)
        if not isinstance(answer, RoomMessagesResponse):
            return False
        body = text.replace("**", "")
        return any(
            isinstance(event, RoomMessageNotice) and event.sender == self.bot.user_id and event.body == body
            for event in answer.chunk
        )

    async def dm(self, user_id: str, text: str) -> bool:
        """A notice in the person's direct room with the bot (opened when there is none)."""
        room_id = await self.bot.direct_room(user_id)
        return room_id is not None and await self.bot.send_notice(room_id, text)
