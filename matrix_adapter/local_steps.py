"""The last two durable steps on Matrix: a mentor's nudge (MENTOR_NUDGE) and an organizer to
confirm (ORGANIZER_REVIEW), from the same services as Discord's.

* MENTOR_NUDGE: a mentee said they have not met their mentor yet; the mentor hears it in their
  direct room with two times (in UTC, with each one's own clock where they shared a time zone),
  once: a retry first looks for the notice in the room.
* ORGANIZER_REVIEW: a member who offered to mentor is posted in the moderators' room, once, with
  the command that confirms them: `!gw organizer confirm 12` (Matrix has no buttons), taken in
  that room from someone with a moderator's power there, as the other moderator commands are.
  With no moderators' room, nothing can take it: the step settles.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.errors import GroundworkError
from bot.outbox_runner import Handler
from bot.services import languages, outbox, pairing
from bot.texts import matrix_local as mtexts
from bot.texts import matrix_onboarding as onboarding_texts
from bot.texts import pairing as pairing_texts
from db.engine import SessionMaker
from db.enums import ChatTaskKind, Experience
from matrix_adapter.circle_rooms import circle_number
from matrix_adapter.community import CommunityFeature, matrix_user
from matrix_adapter.conversation import plain_text
from matrix_adapter.introductions import when
from matrix_adapter.moderation import ModeratorCommands
from matrix_adapter.onboarding_messages import matrix_id, name_of
from matrix_adapter.rooms import PrivateRooms
from matrix_adapter.router import Message

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot
    from matrix_adapter.runtime import MatrixRuntime

log = logging.getLogger(__name__)


def review_text(review: pairing.OrganizerReview, member: str) -> str:
    names = [languages.LANGUAGES.get(code, (code, code))[1] for code in review.languages]
    experience = (
        onboarding_texts.EXPERIENCE_LABELS.get(Experience(review.experience), review.experience)
        if review.experience
        else pairing_texts.REVIEW_NOTHING_SHARED
    )
    note = (
        mtexts.ORGANIZER_REVIEW_NOTE.format(note=plain_text(review.experience_note, 300))
        if review.experience_note
        else ""
    )
    return mtexts.ORGANIZER_REVIEW.format(
        member_id=review.member_id,
        member=member,
        capacity=review.capacity,
        experience=experience,
        languages=", ".join(names) or pairing_texts.REVIEW_NOTHING_SHARED,
        note=note,
    )


class MatrixSteps(CommunityFeature):
    """The mentor's nudge and the organizer review, for one MatrixBot and its community."""

    def __init__(
        self, bot: MatrixBot, sessions: SessionMaker, community_id: str, runtime: MatrixRuntime
    ) -> None:
        super().__init__(bot, sessions, community_id, runtime)
        self.rooms = PrivateRooms(bot, sessions, runtime.outbox)
        self.moderators = ModeratorCommands(bot, sessions, community_id)

    def handlers(self) -> dict[ChatTaskKind, Handler]:
        return {ChatTaskKind.MENTOR_NUDGE: self.nudge_task, ChatTaskKind.ORGANIZER_REVIEW: self.review_task}

    async def nudge_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for a mentor's nudge (see the module's docstring)."""
        nudge = await self.due(
            task,
            lambda session: pairing.nudge_due(
                session=session, mentorship_id=task.subject_id, now=self.bot.clock()
            ),
        )
        if nudge is None:
            return True
        mentor = await matrix_id(self.sessions, nudge.mentor_user_id)
        room_id = await self.bot.direct_room(mentor) if mentor is not None else None
        sent = False
        if room_id is not None:
            member = await name_of(self.sessions, nudge.member_user_id)
            first, second = nudge.suggested_times
            text = mtexts.MENTOR_NUDGE.format(member=member, first=when(first, {}), second=when(second, {}))
            sent = await self.rooms.post_once(room_id, text, check=task.attempts > 1)
        await self.settle(task)
        return sent

    async def review_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for an organizer awaiting confirmation (see the module's docstring)."""
        review = await self.due(
            task, lambda session: pairing.organizer_review_due(session=session, member_id=task.subject_id)
        )
        if review is None:
            return True
        room_id = self.bot.settings.moderators_room_id
        posted = False
        if room_id is not None:
            text = review_text(review, await name_of(self.sessions, review.user_id))
            posted = await self.rooms.post_once(room_id, text, check=task.attempts > 1)
        if await self.settle(task) and room_id is None:
            log.warning(
                "organizer %s waits for confirmation, and there is no moderators' room", review.member_id
            )
        return posted

    async def confirm(self, message: Message, args: str) -> None:
        """`!gw organizer confirm 12`, answered outside the sync's callbacks."""
        self.runtime.spawn(self._confirm(message, args), name="matrix:organizer")

    async def _confirm(self, message: Message, args: str) -> None:
        """`!gw organizer confirm 12` in the moderators' room."""
        if not await self.moderators.allowed(message):
            return
        member_id = circle_number(args)
        if member_id is None:
            await self.bot.send_notice(message.room_id, mtexts.ORGANIZER_NUMBER)
            return
        guild_id = await self.guild_id()
        async with self.sessions() as session, session.begin():
            actor_id = await matrix_user(session, message.sender)
            found = await pairing.pending_organizer(session=session, member_id=member_id)
        if guild_id is None or found is None or found[0] != guild_id:
            await self.bot.send_notice(message.room_id, pairing_texts.NOT_AN_ORGANIZER_ANY_MORE)
            return
        try:
            async with self.sessions() as session, session.begin():
                await pairing.confirm_organizer(
                    session=session,
                    guild_id=guild_id,
                    user_id=found[1],
                    actor_id=actor_id,
                    now=self.bot.clock(),
                )
        except GroundworkError as refused:
            named = await name_of(self.sessions, found[1])
            await self.bot.send_notice(message.room_id, refused.render(lambda _: named))
            return
        member = await name_of(self.sessions, found[1])
        await self.bot.send_notice(
            message.room_id, mtexts.ORGANIZER_CONFIRMED.format(member=member, moderator=message.sender)
        )
