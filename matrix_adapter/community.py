"""What the features of the Matrix adapter share: the bot, its database and its community, who is
who in that community (local ids, bot/services/identities), whether someone is still in it, and
settling a durable step (bot/services/outbox).

`CommunityLookups` is that for a feature that needs no runtime (the moderator commands);
`CommunityFeature` adds the runtime (durable steps, work outside a sync's callbacks) and its
messenger. `Installed` keeps the feature of one kind installed on each bot (`local.of(bot)`).
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox_runner import Handler
from bot.services import identities, outbox
from db.engine import SessionMaker
from db.enums import ChatTaskKind, IdentityKind, Platform

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot
    from matrix_adapter.runtime import MatrixRuntime

T = TypeVar("T")
F = TypeVar("F", bound="CommunityFeature")


class Installed(Generic[F]):
    """The feature of one kind installed on each bot (kept no longer than the bot)."""

    def __init__(self) -> None:
        self._by_bot: weakref.WeakKeyDictionary[MatrixBot, F] = weakref.WeakKeyDictionary()

    def of(self, bot: MatrixBot) -> F | None:
        return self._by_bot.get(bot)

    def install(
        self, bot: MatrixBot, make: Callable[[MatrixBot, SessionMaker, str, MatrixRuntime], F]
    ) -> F | None:
        """The feature made for the bot's community, its durable steps registered with the
        runtime; None (nothing installed) when the bot has no database or community."""
        found = community_of(bot)
        if found is None:
            return None
        feature = make(bot, *found)
        self._by_bot[bot] = feature
        for kind, handler in feature.handlers().items():
            feature.runtime.register(kind, handler)
        return feature


def community_of(bot: MatrixBot) -> tuple[SessionMaker, str, MatrixRuntime] | None:
    """The database, community and runtime a feature works with; None when the bot has no
    database or no community (no feature is installed then)."""
    sessions, community_id = bot.sessions, bot.settings.community_id
    if sessions is None or community_id is None:
        return None
    runtime = bot.runtime
    assert runtime is not None  # made with the bot whenever it has a database
    return sessions, community_id, runtime


async def local_ids(sessions: SessionMaker, community_id: str, sender: str) -> tuple[int, int] | None:
    """The community's and the sender's local ids; None when either was never seen (nothing is made)."""
    async with sessions() as session:
        guild_id = await identities.find_local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.COMMUNITY, external_id=community_id
        )
        user_id = await identities.find_local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=sender
        )
    return None if guild_id is None or user_id is None else (guild_id, user_id)


async def matrix_user(session: AsyncSession, user: str) -> int:
    """A Matrix user's local id, made on first sight, in the caller's unit of work."""
    return await identities.local_id(
        session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=user
    )


class CommunityLookups:
    """One MatrixBot's community and who is who in it."""

    def __init__(self, bot: MatrixBot, sessions: SessionMaker, community_id: str) -> None:
        self.bot = bot
        self.sessions = sessions
        self.community_id = community_id

    async def say(self, room_id: str, text: str) -> bool:
        """A notice in a room (MatrixBot.send_notice)."""
        return await self.bot.send_notice(room_id, text)

    async def guild_id(self) -> int | None:
        """The community's local id; None before anyone of it was seen."""
        async with self.sessions() as session:
            return await identities.find_local_id(
                session=session,
                platform=Platform.MATRIX,
                kind=IdentityKind.COMMUNITY,
                external_id=self.community_id,
            )

    async def user_id(self, user: str) -> int | None:
        """A Matrix user's local id; None for someone never seen."""
        async with self.sessions() as session:
            return await identities.find_local_id(
                session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=user
            )

    async def ids(self, user: str) -> tuple[int, int] | None:
        """(guild id, user id) of a Matrix user of the community; None for someone never seen."""
        return await local_ids(self.sessions, self.community_id, user)

    async def make_ids(self, user: str) -> tuple[int, int]:
        """(guild id, user id) of a Matrix user in the community, both made on first sight."""
        async with self.sessions() as session, session.begin():
            guild_id = await identities.local_id(
                session=session,
                platform=Platform.MATRIX,
                kind=IdentityKind.COMMUNITY,
                external_id=self.community_id,
            )
            return guild_id, await matrix_user(session, user)

    def in_community(self, user: str, *, besides: str | None = None) -> bool:
        """Whether `user` is in the community's space or one of its rooms (other than `besides`,
        the room they just joined or left)."""
        rooms = [self.bot.settings.space_id, *self.bot.settings.room_ids]
        return any(
            other != besides
            and (room := self.bot.client.rooms.get(other or "")) is not None
            and user in room.users
            for other in rooms
        )

    async def settle(self, task: outbox.Task) -> bool:
        """A durable step done (False: it was no longer this worker's to settle)."""
        async with self.sessions() as session, session.begin():
            return await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())

    async def due(self, task: outbox.Task, read: Callable[[AsyncSession], Awaitable[T | None]]) -> T | None:
        """What a durable step has to do, read by `read`; None when nothing is left, and the step
        is then settled in the same unit of work."""
        async with self.sessions() as session, session.begin():
            found = await read(session)
            if found is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
            return found


class CommunityFeature(CommunityLookups):
    """A feature of one MatrixBot's community with durable steps and work outside a sync."""

    def __init__(
        self, bot: MatrixBot, sessions: SessionMaker, community_id: str, runtime: MatrixRuntime
    ) -> None:
        super().__init__(bot, sessions, community_id)
        self.runtime = runtime
        self.messenger = runtime.messenger

    def handlers(self) -> dict[ChatTaskKind, Handler]:
        """This feature's durable steps, for the Matrix outbox runner to register (none here)."""
        return {}

    def every(self, job_id: str, work: Callable[[], Awaitable[object]], **interval: float) -> None:
        """`work` again and again, `interval` apart (APScheduler's interval: hours=, seconds=)."""
        self.runtime.scheduler.add_job(work, "interval", id=job_id, replace_existing=True, **interval)

    def later(self, work: Coroutine[Any, Any, None], label: str) -> None:
        """Work started from a sync's callback, run outside it (it may wait for a sync, which the
        callback would wait for forever); logged if it fails (MatrixRuntime.spawn)."""
        self.runtime.spawn(work, name=label)
