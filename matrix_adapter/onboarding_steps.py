"""The durable steps a confirmed onboarding leaves on Matrix (chat_tasks rows, bot/services/outbox):
handlers of `MEMBER_ROLES` and `ANNOUNCEMENT`, each a function of the claimed task, registered with
the Matrix adapter's outbox runner (matrix_adapter/runtime.py)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.services import identities, onboarding, outbox
from bot.texts import matrix_onboarding as mtexts
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform
from matrix_adapter.conversation import plain_text

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)


class OnboardingSteps:
    """What follows a confirmed onboarding on Matrix: no roles (Matrix has none to give), and
    the welcome line in the community's announcement room when one is set."""

    def __init__(self, bot: MatrixBot, sessions: SessionMaker, clock: Clock) -> None:
        self.bot = bot
        self.sessions = sessions
        self.clock = clock

    async def _settle(self, task: outbox.Task) -> None:
        async with self.sessions() as session, session.begin():
            await outbox.done(session=session, task_id=task.task_id, now=self.clock())

    async def roles_task(self, task: outbox.Task) -> bool:
        """Matrix has no roles: the step is settled as done (there is nothing to give)."""
        await self._settle(task)
        return True

    async def announce_task(self, task: outbox.Task) -> bool:
        """One line, the region at most, in the announcement room (a Matrix room's local id in
        the guild's announce_channel_id); settled without a word when there is none."""
        async with self.sessions() as session:
            due = await onboarding.announcement_due(session=session, member_id=task.subject_id)
            room = (
                await identities.external(session=session, local_id=due.channel_id)
                if due is not None and due.channel_id is not None
                else None
            )
        if (
            due is None
            or room is None
            or room.platform is not Platform.MATRIX
            or room.kind is not IdentityKind.ROOM
        ):
            await self._settle(task)
            return False
        text = (
            mtexts.ANNOUNCE_FROM.format(area=plain_text(due.area, 200)) if due.area else mtexts.ANNOUNCE_PLAIN
        )
        posted = await self.bot.send_notice(room.external_id, text)
        await self._settle(task)
        return posted
