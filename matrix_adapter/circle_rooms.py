"""Local circles on Matrix: each opened circle is a private room in the community's space.

The same services as Discord's (bot/services/circles) and the same durable steps:

* CIRCLE_SPACE: the circle's room (encrypted, its members and the organizer invited, an
  `m.space.parent` naming the space), added to the space (`m.space.child` with `via`, which
  needs the bot's power in the space), and the welcome posted once. The room is recorded as the
  task's progress and as the circle's channel (its local id, bot/services/identities), so a
  retry continues the same room.
* CIRCLE_JOIN: a member who joined later invited, and welcomed once.
* CIRCLE_LEAVE: a member who left kicked from the room, and a word to the rest (unless the
  circle closed: its last word is CIRCLE_CLOSE's).
* CIRCLE_CLOSE: the closing notice once, the room taken out of the space (its m.space.child
  emptied; the room is kept for the moderators), the moderators told.

Moderators review proposals in their room: `!gw circle approve 3` / `!gw circle reject 3`
(Matrix has no buttons), checked against that room's power levels as the other moderator
commands are. Members: `!gw circle` shows theirs, `!gw circle leave` leaves it; leaving the
community leaves every circle.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from nio import RoomPutStateResponse

from bot.errors import GroundworkError
from bot.outbox_runner import Handler
from bot.services import circles, outbox
from bot.texts import local as texts
from bot.texts import matrix_local as mtexts
from bot.texts import matrix_onboarding as onboarding_texts
from db.engine import SessionMaker
from db.enums import ChatTaskKind, OrganizingPath
from matrix_adapter.community import CommunityFeature, matrix_user
from matrix_adapter.local_messages import name, path_list
from matrix_adapter.moderation import ModeratorCommands
from matrix_adapter.onboarding_messages import day, matrix_id
from matrix_adapter.rooms import PrivateRooms
from matrix_adapter.router import Message

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot
    from matrix_adapter.runtime import MatrixRuntime

log = logging.getLogger(__name__)

MAX_LISTED = 25


def server_of(user_id: str) -> str:
    """The homeserver a Matrix id belongs to (@name:server), for a space link's `via`."""
    return user_id.split(":", 1)[1]


def parent_state(space_id: str, server: str) -> dict[str, Any]:
    return {"type": "m.space.parent", "state_key": space_id, "content": {"via": [server], "canonical": True}}


def circle_number(args: str) -> int | None:
    """`!gw circle approve 3`'s number ("3", "#3")."""
    words = args.split()
    if not words:
        return None
    word = words[0].lstrip("#")
    return int(word) if word.isdigit() and len(word) <= 12 else None


def first_step(paths: tuple[str, ...]) -> str:
    return next(
        (
            texts.NEIGHBOUR_FIRST_STEPS[OrganizingPath(p)]
            for p in paths
            if OrganizingPath(p) in texts.NEIGHBOUR_FIRST_STEPS
        ),
        texts.CIRCLE_FIRST_STEP,
    )


def starter_text(decision: circles.Decision, names: dict[int, str]) -> str:
    """The circle's first post (bot/texts/local), everyone named by their Matrix id."""
    organizer = (
        texts.CIRCLE_STARTER_ORGANIZER.format(who=names.get(decision.organizer_user_id, ""))
        if decision.organizer_user_id and decision.organizer_user_id not in decision.member_user_ids
        else ""
    )
    text = texts.CIRCLE_STARTER.format(
        name=name(decision.space.name),
        members=", ".join(
            names.get(u, onboarding_texts.COMMUNITY) for u in decision.member_user_ids[:MAX_LISTED]
        ),
        organizer=organizer,
        paths=texts.CIRCLE_STARTER_PATHS.format(paths=path_list(decision.paths)) if decision.paths else "",
        first_step=first_step(decision.paths),
    )
    return text.replace("\n\n\n\n", "\n").replace("\n\n", "\n")


class MatrixCircles(CommunityFeature):
    """Circles' rooms in the space, and the circle commands, for one MatrixBot and its community."""

    def __init__(
        self, bot: MatrixBot, sessions: SessionMaker, community_id: str, runtime: MatrixRuntime
    ) -> None:
        super().__init__(bot, sessions, community_id, runtime)
        self.rooms = PrivateRooms(bot, sessions, runtime.outbox)
        self.moderators = ModeratorCommands(bot, sessions, community_id)

    def handlers(self) -> dict[ChatTaskKind, Handler]:
        return {
            ChatTaskKind.CIRCLE_SPACE: self.open_task,
            ChatTaskKind.CIRCLE_JOIN: self.join_task,
            ChatTaskKind.CIRCLE_LEAVE: self.leave_task,
            ChatTaskKind.CIRCLE_CLOSE: self.close_task,
        }

    # -- growing circles ----------------------------------------------------------------------

    async def sweep(self) -> circles.Sweep | None:
        """Propose new circles in the community, and offer open ones to those who live near them."""
        guild_id = await self.guild_id()
        if guild_id is None:
            return None
        async with self.sessions() as session, session.begin():
            found = await circles.sweep(session=session, guild_id=guild_id, now=self.bot.clock())
        for proposal in found.proposals:
            await self.messenger.post_circle_proposal(proposal)
        for offer in found.offers:
            await self.messenger.offer_circle(offer)
        return found

    async def tick(self) -> None:
        try:
            await self.sweep()
        except Exception:
            log.exception("the Matrix circle sweep failed; trying next tick")

    async def approve(self, message: Message, args: str) -> None:
        self.later(self._decide(message, args, approve=True), "matrix:circles:approve")

    async def reject(self, message: Message, args: str) -> None:
        self.later(self._decide(message, args, approve=False), "matrix:circles:reject")

    async def _decide(self, message: Message, args: str, *, approve: bool) -> None:
        """A moderator opens or rejects a proposed circle, in the moderators' room."""
        if not await self.moderators.allowed(message):
            return
        circle_id, guild_id = circle_number(args), await self.guild_id()
        if circle_id is None or guild_id is None:
            await self.say(message.room_id, mtexts.CIRCLE_NUMBER)
            return
        async with self.sessions() as session, session.begin():
            actor_id = await matrix_user(session, message.sender)
        try:
            async with self.sessions() as session, session.begin():
                if await circles.circle_guild(session=session, circle_id=circle_id) != guild_id:
                    raise GroundworkError(texts.CIRCLE_GONE)
                decision = await circles.decide(
                    session=session,
                    circle_id=circle_id,
                    actor_id=actor_id,
                    approve=approve,
                    now=self.bot.clock(),
                )
        except GroundworkError as refused:
            await self.say(message.room_id, refused.render(lambda _: onboarding_texts.COMMUNITY))
            return
        outcome = mtexts.CIRCLE_APPROVED if decision.opened else mtexts.CIRCLE_REJECTED
        await self.say(
            message.room_id, outcome.format(moderator=message.sender, name=name(decision.space.name))
        )
        if decision.opened:
            await self.runtime.run_now(ChatTaskKind.CIRCLE_SPACE, decision.space.circle_id)

    # -- the circle's room --------------------------------------------------------------------

    async def _people(self, user_ids: list[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for user_id in user_ids:
            user = await matrix_id(self.sessions, user_id)
            if user is not None:
                found[user_id] = user
        return found

    async def open_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for an opened circle (see the module's docstring)."""
        decision = await self.due(
            task, lambda session: circles.opening_due(session=session, circle_id=task.subject_id)
        )
        if decision is None:
            return True
        ids = [*decision.member_user_ids]
        if decision.organizer_user_id is not None and decision.organizer_user_id not in ids:
            ids.append(decision.organizer_user_id)
        people = await self._people(ids)
        space_id = self.bot.settings.space_id
        state = [parent_state(space_id, server_of(self.bot.user_id))] if space_id else []
        room_id = await self.rooms.room(
            task,
            name=name(decision.space.name),
            invite=list(people.values()),
            state=state,
            known=decision.space.channel_id,
        )
        if room_id is None:
            if await self.settle(task):
                await self.messenger.tell_moderators(
                    decision.space.guild_id, mtexts.CIRCLE_NO_ROOM.format(name=name(decision.space.name))
                )
            return False
        async with self.sessions() as session, session.begin():
            local = await self.rooms.local_room(session, room_id)
            await circles.record_space(
                session=session, circle_id=decision.space.circle_id, channel_id=local, is_thread=False
            )
        if space_id:
            await self._link(space_id, room_id)
        await self.rooms.fill(
            room_id, people.values(), starter_text(decision, people), check=task.attempts > 1
        )
        await self.settle(task)
        return True

    async def _link(self, space_id: str, room_id: str) -> None:
        """The room as a child of the space (again: the same state, harmless); a refusal (the bot
        lacks power in the space) is logged and the room stays usable by invitation."""
        answer = await self.bot.client.room_put_state(
            space_id, "m.space.child", {"via": [server_of(self.bot.user_id)]}, state_key=room_id
        )
        if not isinstance(answer, RoomPutStateResponse):
            log.warning(
                "could not add circle room %s to the space (%s)", room_id, getattr(answer, "status_code", "?")
            )

    async def join_task(self, task: outbox.Task) -> bool:
        """A member who joined an open circle: invited to its room and welcomed once. Nothing when
        they left since or the circle has no room yet (its opening invites everyone who joined)."""
        async with self.sessions() as session:
            joined = await circles.joining_due(session=session, membership_id=task.subject_id)
        room_id = await self.rooms.external_room(joined.space.channel_id if joined else None)
        user = await matrix_id(self.sessions, joined.user_id) if joined else None
        if room_id is not None and user is not None:
            if not await self.rooms.invite(room_id, [user]):  # else they could not read the welcome
                raise TimeoutError(f"the invite to {room_id} did not come back in the sync")
            await self.rooms.post_once(
                room_id, texts.CIRCLE_WELCOME_NEW.format(who=user), check=task.attempts > 1
            )
        await self.settle(task)
        return True

    async def leave_task(self, task: outbox.Task) -> bool:
        """A member who left: out of the room (kicked, or their leave stands), and a word to the
        others unless the circle closed."""
        async with self.sessions() as session:
            gone = await circles.leaving_due(session=session, membership_id=task.subject_id)
        room_id = await self.rooms.external_room(gone.space.channel_id if gone else None)
        user = await matrix_id(self.sessions, gone.user_id) if gone else None
        if gone is not None and room_id is not None:
            room = self.bot.client.rooms.get(room_id)
            if user is not None and room is not None and (user in room.users or user in room.invited_users):
                await self.bot.client.room_kick(room_id, user, reason=mtexts.CIRCLE_LEAVE_REASON)
            if not gone.closed:
                await self.rooms.post_once(room_id, texts.CIRCLE_LEFT_NOTICE, check=False)
        await self.settle(task)
        return True

    async def close_task(self, task: outbox.Task) -> bool:
        """A circle everyone left: its last word once, out of the space, the moderators told once."""
        async with self.sessions() as session:
            closed = await circles.closing_due(session=session, circle_id=task.subject_id)
        if closed is None:
            await self.settle(task)
            return True
        room_id = await self.rooms.external_room(closed.channel_id)
        if room_id is not None:
            await self.rooms.post_once(room_id, texts.CIRCLE_CLOSED_NOTICE, check=task.attempts > 1)
            space_id = self.bot.settings.space_id
            if space_id:
                answer = await self.bot.client.room_put_state(
                    space_id, "m.space.child", {}, state_key=room_id
                )
                if not isinstance(answer, RoomPutStateResponse):
                    log.warning("could not take circle room %s out of the space", room_id)
        if await self.settle(task):
            await self.messenger.tell_moderators(
                closed.guild_id, texts.CIRCLE_CLOSED_MODS.format(name=name(closed.name))
            )
        return True

    # -- members ------------------------------------------------------------------------------

    async def answer_offer(self, room_id: str, user: str, membership_id: int, *, join: bool) -> None:
        """A member's yes or no to "a circle meets near you: join it?"."""
        user_id = await self.user_id(user)
        if user_id is None:
            await self.say(room_id, texts.NOT_YOUR_CIRCLE_OFFER)
            return
        try:
            async with self.sessions() as session, session.begin():
                joined = await circles.answer_offer(
                    session=session,
                    membership_id=membership_id,
                    user_id=user_id,
                    join=join,
                    now=self.bot.clock(),
                )
        except GroundworkError as refused:
            await self.say(room_id, refused.render(lambda _: onboarding_texts.COMMUNITY))
            return
        if joined is None:
            await self.say(room_id, texts.CIRCLE_OFFER_DECLINED)
            return
        template = mtexts.CIRCLE_JOINED if joined.space.channel_id else mtexts.CIRCLE_JOINED_SOON
        await self.say(room_id, template.format(name=name(joined.space.name)))
        await self.runtime.run_now(ChatTaskKind.CIRCLE_JOIN, joined.membership_id)

    async def show(self, message: Message, _: str) -> None:
        """`!gw circle`: the member's circle(s)."""
        user_id, guild_id = await self.user_id(message.sender), await self.guild_id()
        mine: list[circles.MyCircle] = []
        if user_id is not None and guild_id is not None:
            async with self.sessions() as session:
                mine = await circles.circles_of(session=session, guild_id=guild_id, user_id=user_id)
        if not mine:
            await self.say(message.room_id, texts.CIRCLE_NONE)
            return
        lines = []
        for circle in mine:
            if circle.status == circles.CircleMemberStatus.PROPOSED:
                lines.append(texts.CIRCLE_SHOW_PROPOSED)
            elif circle.status == circles.CircleMemberStatus.OFFERED:
                lines.append(mtexts.CIRCLE_SHOW_OFFERED.format(name=name(circle.space.name)))
            else:
                lines.append(
                    mtexts.CIRCLE_SHOW.format(
                        name=name(circle.space.name),
                        size=circle.size,
                        organizer=texts.CIRCLE_SHOW_ORGANIZER if circle.has_organizer else "",
                        since=day(circle.since) if circle.since else "—",
                    )
                )
        await self.say(message.room_id, "\n".join(lines))

    async def leave(self, message: Message, _: str) -> None:
        """`!gw circle leave`: out of the member's circle(s) (outside the sync's callbacks)."""
        self.later(self._leave(message), "matrix:circles:leave")

    async def _leave(self, message: Message) -> None:
        user_id, guild_id = await self.user_id(message.sender), await self.guild_id()
        left: list[circles.Left] = []
        if user_id is not None and guild_id is not None:
            async with self.sessions() as session:
                mine = await circles.circles_of(session=session, guild_id=guild_id, user_id=user_id)
            joined = [m for m in mine if m.status == circles.CircleMemberStatus.JOINED]
            for circle in joined:
                async with self.sessions() as session, session.begin():
                    left += await circles.leave(
                        session=session,
                        guild_id=guild_id,
                        user_id=user_id,
                        now=self.bot.clock(),
                        circle_id=circle.space.circle_id,
                    )
        if not left:
            await self.say(message.room_id, texts.CIRCLE_NONE)
            return
        await self.say(message.room_id, texts.CIRCLE_LEFT.format(name=name(left[0].space.name)))
        await self.after_leaving(left)

    async def after_leaving(self, left: list[circles.Left]) -> None:
        """Right after the leaving committed: let them out, and close a circle that closed."""
        for gone in left:
            await self.runtime.run_now(ChatTaskKind.CIRCLE_LEAVE, gone.membership_id)
            if gone.closed:
                await self.runtime.run_now(ChatTaskKind.CIRCLE_CLOSE, gone.space.circle_id)

    async def left_community(self, user_id: int, guild_id: int) -> None:
        """Someone left the community: out of every circle."""
        async with self.sessions() as session, session.begin():
            left = await circles.leave(
                session=session, guild_id=guild_id, user_id=user_id, now=self.bot.clock()
            )
        await self.after_leaving(left)
