"""A mentor on Matrix: the community's pairing batch (as Discord's runs for each server), and a
member's yes to a mentor (a reply "yes" once onboarded, or `!gw mentor`), through the same
services as Discord's (bot/services/pairing, bot/services/waiting). The introduction is a durable
step (matrix_adapter/introductions.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.errors import GroundworkError
from bot.services import pairing, waiting
from bot.texts import matrix_onboarding as mtexts
from bot.texts import pairing as pairing_texts
from db.engine import SessionMaker
from db.enums import ChatTaskKind
from matrix_adapter.community import CommunityFeature
from matrix_adapter.onboarding_messages import community_name, name_of, refusal_text, wait_text

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot
    from matrix_adapter.runtime import MatrixRuntime

log = logging.getLogger(__name__)


class MatrixMentors(CommunityFeature):
    """Mentors proposed and introduced, for one MatrixBot and its community."""

    def __init__(
        self, bot: MatrixBot, sessions: SessionMaker, community_id: str, runtime: MatrixRuntime
    ) -> None:
        super().__init__(bot, sessions, community_id, runtime)
        self.batch_every = timedelta(
            hours=bot.scheduler_settings.pairing_batch_hours
        )  # MatrixOnboarding.configure

    async def batch(self) -> int:
        """The pairing batch for the community (as Discord's runs for each server): mentors for
        everyone waiting; approved pairings introduced, the others posted for the moderators.
        Returns how many were proposed."""
        try:
            guild_id = await self.guild_id()
            if guild_id is None:
                return 0
            created, _ = await pairing.run_batch(
                sessions=self.sessions, guild_id=guild_id, now=self.bot.clock()
            )
            for proposal in created:
                if proposal.status == pairing.MentorshipStatus.ACTIVE:
                    await self._introduce(proposal.mentorship_id)
                else:
                    await self.messenger.post_proposal(proposal)
        except Exception:
            log.exception("the Matrix pairing batch failed; trying next time")
            return 0
        return len(created)

    async def _introduce(self, mentorship_id: int) -> None:
        await self.runtime.run_now(ChatTaskKind.INTRODUCTION, mentorship_id)

    async def request(self, room_id: str, guild_id: int, user_id: int) -> None:
        """The member said yes to a mentor: on the list, and a mentor proposed at once if one
        fits (introduced at once when the community approves pairings automatically)."""
        now = self.bot.clock()
        standing = None
        try:
            async with self.sessions() as session, session.begin():
                await pairing.request_mentor(session=session, guild_id=guild_id, user_id=user_id, now=now)
                proposal = await pairing.propose_for(
                    session=session, guild_id=guild_id, user_id=user_id, now=now
                )
                if proposal is None:
                    standing = await waiting.tell_standing(
                        session=session,
                        guild_id=guild_id,
                        user_id=user_id,
                        now=now,
                        batch_every=self.batch_every,
                        news=waiting.WaitNews.REQUESTED,
                    )
        except GroundworkError as refused:
            if refused.template == pairing_texts.ALREADY_HAS_MENTOR:
                mentor = await name_of(self.sessions, refused.people.get("mentor", 0))
                await self.say(room_id, mtexts.ALREADY_HAS_MENTOR.format(mentor=mentor))
            else:
                await self.say(room_id, refusal_text(refused, community_name(self.bot)))
            return
        if proposal is None:
            await self.say(room_id, wait_text(standing) if standing is not None else pairing_texts.REQUESTED)
        elif proposal.status == pairing.MentorshipStatus.ACTIVE:
            self.later(self._introduce(proposal.mentorship_id), f"matrix:introduce:{proposal.mentorship_id}")
        else:
            await self.say(room_id, pairing_texts.REQUESTED_PROPOSED)
            await self.messenger.post_proposal(proposal)
