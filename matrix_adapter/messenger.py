"""What the services send, on Matrix: the Matrix side of bot/ports.Messenger.

So far the moderator notices (`ports.ModeratorMessages`): a plain notice to one person in their
direct room with the bot (opened when there is none), and notices in the moderators' room. The
ids the services give are local ids (bot/services/identities); a Discord id, or one never seen
on Matrix, reaches nobody here.
"""

from __future__ import annotations

import logging

from bot.config import MatrixSettings
from bot.services import identities
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform
from matrix_adapter.checkin_messages import CheckInMatrixMessages
from matrix_adapter.client import MatrixBot
from matrix_adapter.local_messages import LocalMatrixMessages
from matrix_adapter.onboarding_messages import OnboardingMessages

log = logging.getLogger(__name__)


class MatrixMessenger(OnboardingMessages, CheckInMatrixMessages, LocalMatrixMessages):
    """Sends for the services through one logged-in MatrixBot."""

    def __init__(self, bot: MatrixBot, sessions: SessionMaker, settings: MatrixSettings) -> None:
        self._bot = bot
        self._sessions = sessions
        self._settings = settings

    async def _user(self, user_id: int) -> str | None:
        async with self._sessions() as session:
            found = await identities.external(session=session, local_id=user_id)
        if found is None or found.platform is not Platform.MATRIX or found.kind is not IdentityKind.USER:
            return None
        return found.external_id

    async def _moderators_room(self, guild_id: int) -> str | None:
        """The configured moderators' room, for the configured community only."""
        community = self._settings.community_id
        if community is None or self._settings.moderators_room_id is None:
            return None
        async with self._sessions() as session:
            ours = await identities.find_local_id(
                session=session, platform=Platform.MATRIX, kind=IdentityKind.COMMUNITY, external_id=community
            )
        return self._settings.moderators_room_id if ours == guild_id else None

    # -- ports.ModeratorMessages --------------------------------------------------------------

    async def tell(self, user_id: int, text: str) -> bool:
        matrix_id = await self._user(user_id)
        if matrix_id is None:
            log.warning("no Matrix account for user %s", user_id)
            return False
        room_id = await self._bot.direct_room(matrix_id)
        return room_id is not None and await self._bot.send_notice(room_id, text)

    async def tell_moderators(self, guild_id: int, text: str) -> None:
        room_id = await self._moderators_room(guild_id)
        if room_id is not None:
            await self._bot.send_notice(room_id, text)

    async def warn_moderators(self, guild_id: int, text: str) -> bool:
        # Matrix has no system channel or owner to fall back on: the moderators' room or nobody.
        room_id = await self._moderators_room(guild_id)
        return room_id is not None and await self._bot.send_notice(room_id, text)
