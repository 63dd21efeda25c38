"""Local life on Matrix: neighbours, circles, buddies and practice partners, from the same services
as Discord's.

Questions (matrix_adapter/local_messages.py) are answered in the member's direct room
(matrix_adapter/local_answers.py). Introductions (two neighbours, buddies, practice partners) are
durable steps, each a new private encrypted room (matrix_adapter/local_introductions.py). Circles
are rooms in the space (matrix_adapter/circle_rooms.py). This module installs them, sweeps the
community for circles and buddies, offers a newcomer what is near them, and, when someone leaves
the community, calls off what waits on them and takes them out of their circles; the buddy left
alone is told.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.outbox_runner import Handler
from bot.services import buddies, circles, neighbours, newcomers, practice
from bot.texts import matrix_local as mtexts
from db.engine import SessionMaker
from db.enums import ChatTaskKind
from matrix_adapter.circle_rooms import MatrixCircles
from matrix_adapter.community import CommunityFeature, Installed
from matrix_adapter.local_answers import LocalAnswers
from matrix_adapter.local_introductions import LocalIntroductions
from matrix_adapter.local_replies import Choice
from matrix_adapter.local_steps import MatrixSteps

if TYPE_CHECKING:
    from bot.services.onboarding import Completion
    from matrix_adapter.client import MatrixBot
    from matrix_adapter.runtime import MatrixRuntime

log = logging.getLogger(__name__)

SWEEP_JOB = "matrix:local"  # circles and buddies, every pairing batch
RESWEEPS = 2  # buddy sweeps again after offers that could not reach their member

_installed: Installed[MatrixLocal] = Installed()


def of(bot: MatrixBot) -> MatrixLocal | None:
    """The local feature installed on `bot` (None: it has no database or community)."""
    return _installed.of(bot)


def install(bot: MatrixBot) -> None:
    feature = _installed.install(bot, MatrixLocal)
    if feature is None:
        return
    feature.every(SWEEP_JOB, feature.tick, hours=bot.scheduler_settings.pairing_batch_hours)
    answers, circle_rooms = feature.answers, feature.circles
    for word, description, choice in (
        ("yes", mtexts.HELP_YES, Choice.YES),
        ("no", mtexts.HELP_NO, Choice.NO),
        ("never", mtexts.HELP_NEVER, Choice.NEVER),
    ):
        bot.router.command(word, description, answers.command(choice), private=True)
    bot.router.command("circle", mtexts.HELP_CIRCLE, circle_rooms.show, private=True)
    bot.router.command("circle leave", mtexts.HELP_CIRCLE_LEAVE, circle_rooms.leave, private=True)
    bot.router.command("circle approve", mtexts.HELP_CIRCLE_APPROVE, circle_rooms.approve)
    bot.router.command("circle reject", mtexts.HELP_CIRCLE_REJECT, circle_rooms.reject)
    bot.router.command("organizer confirm", mtexts.HELP_ORGANIZER_CONFIRM, feature.steps.confirm)
    bot.router.command("practice", mtexts.HELP_PRACTICE, answers.practice, private=True)
    bot.router.reply(answers.reply)
    bot.router.on_leave(feature.left)


class MatrixLocal(CommunityFeature):
    """Local life for one MatrixBot and its community."""

    def __init__(
        self, bot: MatrixBot, sessions: SessionMaker, community_id: str, runtime: MatrixRuntime
    ) -> None:
        super().__init__(bot, sessions, community_id, runtime)
        self.circles = MatrixCircles(bot, sessions, community_id, runtime)
        self.steps = MatrixSteps(bot, sessions, community_id, runtime)
        self.answers = LocalAnswers(self.circles)
        self.introductions = LocalIntroductions(self.circles)

    def handlers(self) -> dict[ChatTaskKind, Handler]:
        """This feature's durable steps, for the Matrix outbox runner to register."""
        return {**self.circles.handlers(), **self.steps.handlers(), **self.introductions.handlers()}

    # -- the sweeps ---------------------------------------------------------------------------

    async def tick(self) -> None:
        """Every pairing batch: the community's circles (proposals, offers to join) and buddies."""
        await self.circles.tick()
        try:
            await self.sweep_buddies()
        except Exception:
            log.exception("the Matrix buddy sweep failed; trying next tick")

    async def sweep_buddies(self) -> list[buddies.Offer]:
        """The community's buddy offers; an offer that cannot reach its member calls their group
        off, and the others are offered someone else at once (a few times at most), as on Discord."""
        guild_id = await self.guild_id()
        if guild_id is None:
            return []
        batch_every = timedelta(hours=self.bot.scheduler_settings.pairing_batch_hours)
        sent: list[buddies.Offer] = []
        for _ in range(RESWEEPS + 1):
            async with self.sessions() as session, session.begin():
                offers = await buddies.sweep(
                    session=session, guild_id=guild_id, now=self.bot.clock(), batch_every=batch_every
                )
            unreached = [offer for offer in offers if not await self.messenger.offer_buddy(offer)]
            sent += offers
            if not unreached:
                break
            async with self.sessions() as session, session.begin():
                called_off = [
                    await buddies.not_reached(session=session, buddy_id=offer.buddy_id, now=self.bot.clock())
                    for offer in unreached
                ]
            if not any(called_off):
                break
        return sent

    # -- after onboarding ---------------------------------------------------------------------

    async def onboarded(self, completion: Completion) -> None:
        """What a newcomer is offered nearby (`newcomers.offer_nearby`: a circle near them first,
        else their neighbours; nothing when isolated), as on Discord."""
        now = self.bot.clock()
        async with self.sessions() as session, session.begin():
            offer = await newcomers.offer_nearby(
                session=session, member_id=completion.member_id, isolated=completion.isolated, now=now
            )
        if isinstance(offer, circles.Offer):
            await self.messenger.offer_circle(offer)
        elif offer is not None:
            await self.messenger.offer_neighbours(offer)

    # -- leaving ------------------------------------------------------------------------------

    async def left(self, room_id: str, user: str) -> None:
        """Someone left the community: what waits on them is called off, they leave their circles
        (the others told), and a buddy left alone hears it."""
        if not self.in_community(user, besides=room_id):
            self.later(self._farewell(user), f"matrix:local:left:{user}")

    async def _farewell(self, user: str) -> None:
        ids = await self.ids(user)
        if ids is None:
            return
        guild_id, user_id = ids
        now = self.bot.clock()
        async with self.sessions() as session, session.begin():
            await neighbours.member_left(session=session, guild_id=guild_id, user_id=user_id)
            await practice.member_left(session=session, guild_id=guild_id, user_id=user_id)
            alone = await buddies.member_left(session=session, guild_id=guild_id, user_id=user_id, now=now)
            rooms = {
                other: await buddies.thread_of(session=session, guild_id=guild_id, user_id=other)
                for other in alone
            }
        await self.circles.left_community(user_id, guild_id)
        for other in alone:
            await self.messenger.tell_buddy(other, mtexts.BUDDY_LEFT_FOR_YOU, rooms[other])
