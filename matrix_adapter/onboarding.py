"""Onboarding on Matrix: someone joins the community (its space, or one of its rooms), the bot
opens a direct room with them and the conversation of bot/services/onboarding runs there, one
message per step with numbered choices (matrix_adapter/questions.py, conversation.py). Every
answer is written as it is given, so a restart of the bot loses nothing: the next reply continues
the step the database holds. `!gw start` (re)opens it, `!gw restart` starts over.

Once they confirm, an isolated newcomer is offered a mentor ("reply yes", or `!gw mentor`); the
pairing runs through the same services as on Discord (matrix_adapter/mentor_requests.py), and the
introduction is a durable step (matrix_adapter/introductions.py).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.config import GuildDefaults, OnboardingSettings, SchedulerSettings, Settings
from bot.errors import GroundworkError
from bot.outbox_runner import Handler
from bot.ports import Welcomed
from bot.services import checkins, members, onboarding, pairing
from bot.services.home_countries import HomeCountries
from bot.texts import matrix_onboarding as mtexts
from db.engine import SessionMaker
from db.enums import ChatTaskKind, Platform
from matrix_adapter import conversation, local, questions
from matrix_adapter.community import CommunityFeature, Installed
from matrix_adapter.introductions import MatrixIntroductions
from matrix_adapter.mentor_requests import MatrixMentors
from matrix_adapter.onboarding_messages import community_name, matrix_id, refusal_text
from matrix_adapter.onboarding_steps import OnboardingSteps
from matrix_adapter.place_index import PlaceIndex
from matrix_adapter.router import Message

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot
    from matrix_adapter.runtime import MatrixRuntime

log = logging.getLogger(__name__)

TICK_JOB = "matrix:onboarding"
BATCH_JOB = "matrix:pairing-batch"

_installed: Installed[MatrixOnboarding] = Installed()
_YES = frozenset({"yes", "y", "yes please", "yes!", "yeah", "ok", "okay", "sure"})


def configure(bot: MatrixBot, settings: Settings) -> None:
    """`groundwork run`'s [onboarding], [guild_defaults] and [scheduler], for the bot's onboarding."""
    feature = of(bot)
    if feature is not None:
        feature.configure(settings.onboarding, settings.guild_defaults, settings.scheduler)


def of(bot: MatrixBot) -> MatrixOnboarding | None:
    """The onboarding installed on `bot` (None: it has no database or community)."""
    return _installed.of(bot)


def install(bot: MatrixBot) -> None:
    feature = _installed.install(bot, MatrixOnboarding)
    if feature is None:
        return
    feature.every(TICK_JOB, feature.tick, seconds=bot.scheduler_settings.tick_seconds)
    feature.every(BATCH_JOB, feature.batch, hours=bot.scheduler_settings.pairing_batch_hours)
    bot.router.command("start", mtexts.HELP_START, feature.start, private=True)
    bot.router.command("restart", mtexts.HELP_RESTART, feature.restart, private=True)
    bot.router.command("mentor", mtexts.HELP_MENTOR, feature.mentor, private=True)
    bot.router.reply(feature.reply)
    bot.router.on_join(feature.joined)
    bot.router.on_leave(feature.left)


class MatrixOnboarding(CommunityFeature):
    """The onboarding conversation and the mentor offer, for one MatrixBot and its community."""

    def __init__(
        self, bot: MatrixBot, sessions: SessionMaker, community_id: str, runtime: MatrixRuntime
    ) -> None:
        super().__init__(bot, sessions, community_id, runtime)
        self.mentors = MatrixMentors(bot, sessions, community_id, runtime)
        self.configure(OnboardingSettings(), GuildDefaults(), bot.scheduler_settings)
        self.home = HomeCountries()
        self.shown: dict[str, onboarding.Conversation] = {}  # by Matrix user: the step last shown
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.places = PlaceIndex()
        self.introductions = MatrixIntroductions(
            bot, sessions, lambda: bot.clock(), self.messenger, runtime.outbox
        )
        self.after = OnboardingSteps(bot, sessions, lambda: bot.clock())

    def configure(
        self, settings: OnboardingSettings, defaults: GuildDefaults, scheduler: SchedulerSettings
    ) -> None:
        """The configuration's [onboarding], [guild_defaults] and [scheduler]."""
        self.settings = settings
        self.defaults = defaults
        self.mentors.batch_every = timedelta(hours=scheduler.pairing_batch_hours)

    def handlers(self) -> dict[ChatTaskKind, Handler]:
        """This feature's durable steps, for the Matrix outbox runner to register."""
        return {
            ChatTaskKind.INTRODUCTION: self.introductions.introduce_task,
            ChatTaskKind.MEMBER_ROLES: self.after.roles_task,
            ChatTaskKind.ANNOUNCEMENT: self.after.announce_task,
        }

    def _lock(self, user: str) -> asyncio.Lock:
        lock = self._locks.get(user)
        if lock is None:
            lock = self._locks[user] = asyncio.Lock()
        return lock

    async def _say(self, room_id: str | None, text: str) -> bool:
        return room_id is not None and await self.bot.send_notice(room_id, text)

    async def _refusal(self, room_id: str, refused: GroundworkError) -> None:
        await self._say(room_id, refusal_text(refused, community_name(self.bot)))

    # -- joining and leaving ------------------------------------------------------------------

    async def joined(self, room_id: str, user: str) -> None:
        """Someone joined the community: registered, welcomed in a direct room, and asked the
        first question (a member who finished before is only welcomed back)."""
        if self.in_community(user, besides=room_id):
            return  # a member already: joining another of its rooms is not joining again
        self.later(self._welcome(user), f"matrix:welcome:{user}")

    async def _welcome(self, user: str) -> None:
        async with self._lock(user):
            guild_id, user_id = await self.make_ids(user)
            async with self.sessions() as session, session.begin():
                outcome = await members.record_join(
                    session=session,
                    guild_id=guild_id,
                    user_id=user_id,
                    now=self.bot.clock(),
                    defaults=self.defaults,
                )
                if outcome.onboarded:  # someone who came back picks up their check-ins (as on Discord)
                    await checkins.ensure_scheduled(
                        session=session, member_id=outcome.member_id, now=self.bot.clock()
                    )
            self.shown.pop(user, None)
            welcomed = await self.messenger.welcome(guild_id, user_id, returning=outcome.onboarded)
            if welcomed is not Welcomed.DM:
                log.info("could not welcome %s of %s", user_id, guild_id)
                return
            if not outcome.onboarded:
                await self._begin(await self.bot.direct_room(user), user, guild_id, user_id, restart=False)

    async def left(self, room_id: str, user: str) -> None:
        """Someone left the community: their unfinished conversation is closed (nothing of it
        is asked again), their mentorships end and the other side is told."""
        if self.in_community(user, besides=room_id):
            return
        self.shown.pop(user, None)
        self.later(self._farewell(user), f"matrix:left:{user}")

    async def _farewell(self, user: str) -> None:
        ids = await self.ids(user)
        if ids is None:
            return
        guild_id, user_id = ids
        async with self.sessions() as session, session.begin():
            await members.record_leave(
                session=session, guild_id=guild_id, user_id=user_id, now=self.bot.clock()
            )
            ended = await pairing.member_left(
                session=session, guild_id=guild_id, user_id=user_id, now=self.bot.clock()
            )
        for mentorship in ended:
            await self.messenger.tell_mentorship_ended(mentorship, by_moderator=False)

    # -- the conversation ---------------------------------------------------------------------

    async def start(self, message: Message, _: str) -> None:
        await self._start(message, restart=False)

    async def restart(self, message: Message, _: str) -> None:
        await self._start(message, restart=True)

    async def _start(self, message: Message, *, restart: bool) -> None:
        ids = await self.ids(message.sender)
        if ids is None or not self.in_community(message.sender):
            await self._say(message.room_id, mtexts.NOT_A_MEMBER.format(community=community_name(self.bot)))
            return
        async with self._lock(message.sender):
            await self._begin(message.room_id, message.sender, *ids, restart=restart)

    async def _begin(
        self, room_id: str | None, user: str, guild_id: int, user_id: int, *, restart: bool
    ) -> None:
        if room_id is None:
            return
        try:
            async with self.sessions() as session, session.begin():
                started = await onboarding.begin(
                    session=session,
                    guild_id=guild_id,
                    user_id=user_id,
                    now=self.bot.clock(),
                    settings=self.settings,
                    defaults=self.defaults,
                    restart=restart,
                    resolver=await self.places.gazetteer(),
                )
        except GroundworkError as refused:
            await self._refusal(room_id, refused)
            return
        self.shown[user] = started
        text = await self._question(started)
        await self._say(room_id, f"{mtexts.RESUMED}\n{text}" if started.resumed else text)

    async def _question(
        self,
        shown: onboarding.Conversation,
        unclear: conversation.Unclear | None = None,
        *,
        problem: str | None = None,
    ) -> str:
        return questions.question(
            shown,
            now=self.bot.clock(),
            timezones=await self.places.timezones(shown),
            understood_area=await self.places.understood_area(shown),
            unclear=unclear,
            problem=problem,
        )

    async def reply(self, message: Message) -> bool:
        """A message in a direct room: the answer to the member's current step, or their yes to
        a mentor; False when it is neither (someone never seen, nothing open)."""
        ids = await self.ids(message.sender)
        if ids is None:
            return False
        async with self._lock(message.sender):
            shown = self.shown.get(message.sender)
            if shown is None:
                async with self.sessions() as session:
                    shown = await onboarding.open_conversation(
                        session=session,
                        guild_id=ids[0],
                        user_id=ids[1],
                        resolver=await self.places.gazetteer(),
                    )
            if shown is None:
                if " ".join(message.body.casefold().split()).strip(".!") in _YES:
                    await self.mentors.request(message.room_id, *ids)
                    return True
                return False
            await self._answer(message, shown)
            return True

    async def _answer(self, message: Message, shown: onboarding.Conversation) -> None:
        read = conversation.read(
            shown,
            message.body,
            timezones=await self.places.timezones(shown),
            now=self.bot.clock(),
            understood_area=await self.places.understood_area(shown),
        )
        if isinstance(read, conversation.Unclear):
            await self._say(message.room_id, await self._question(shown, read))
            return
        if isinstance(read, conversation.Confirm):
            await self._complete(message, shown)
            return
        try:
            async with self.sessions() as session, session.begin():
                answered = await onboarding.answer(
                    session=session,
                    session_id=shown.session_id,
                    user_id=shown.user_id,
                    step=shown.step,
                    action=read.action,
                    values=read.values,
                    now=self.bot.clock(),
                    settings=self.settings,
                    resolver=await self.places.gazetteer(),
                    known=shown,
                    home=self.home,
                )
        except onboarding.StaleAnswerError as stale:
            # The row moved on (an answer from another device, an expiry): say so, and show the
            # step it holds now, if it is still open.
            self.shown.pop(message.sender, None)
            await self._refusal(message.room_id, stale)
            async with self.sessions() as session:
                now_at = await onboarding.open_conversation(
                    session=session,
                    guild_id=shown.guild_id,
                    user_id=shown.user_id,
                    resolver=await self.places.gazetteer(),
                )
            if now_at is not None:
                self.shown[message.sender] = now_at
                await self._say(message.room_id, await self._question(now_at))
            return
        except GroundworkError as refused:
            problem = refused.render(lambda _: mtexts.COMMUNITY)
            await self._say(message.room_id, await self._question(shown, problem=problem))
            return
        self.shown[message.sender] = answered
        await self._say(message.room_id, await self._question(answered))

    async def _complete(self, message: Message, shown: onboarding.Conversation) -> None:
        self.shown.pop(message.sender, None)
        try:
            async with self.sessions() as session, session.begin():
                completion = await onboarding.complete(
                    session=session,
                    session_id=shown.session_id,
                    user_id=shown.user_id,
                    now=self.bot.clock(),
                    resolver=await self.places.gazetteer(),
                    known=shown,
                )
        except GroundworkError as refused:
            await self._refusal(message.room_id, refused)
            return
        # Their first check-in, as Discord's on_member_onboarded does (the runtime schedules the
        # missing ones only once, at its first tick).
        async with self.sessions() as session, session.begin():
            await checkins.ensure_scheduled(
                session=session, member_id=completion.member_id, now=self.bot.clock()
            )
        await self.runtime.run_now(ChatTaskKind.MEMBER_ROLES, completion.member_id)
        named = [
            found
            for neighbour in completion.nearby.named[:10]
            if (found := await matrix_id(self.sessions, neighbour.user_id)) is not None
        ]
        await self._say(message.room_id, questions.done_text(completion, named))
        await self.runtime.run_now(ChatTaskKind.ANNOUNCEMENT, completion.member_id)
        if completion.isolated and completion.organizer_status is None:  # organizers are not newcomers
            await self.messenger.offer_mentor(completion)
        local_life = local.of(self.bot)
        if local_life is not None:  # not isolated: a circle nearby, else the neighbours, offered
            await local_life.onboarded(completion)

    # -- reminders and expiry -----------------------------------------------------------------

    async def tick(self) -> None:
        """Remind members of an unfinished conversation once, and tell them when it expired
        (the Matrix community's conversations only: Discord's bot ticks its own)."""
        try:
            now = self.bot.clock()
            async with self.sessions() as session, session.begin():
                reminders = await onboarding.due_reminders(session=session, now=now, platform=Platform.MATRIX)
                expired = await onboarding.expire_due(session=session, now=now, platform=Platform.MATRIX)
            for paused, was_expired in [(p, False) for p in reminders] + [(p, True) for p in expired]:
                user = await matrix_id(self.sessions, paused.user_id)
                if user is not None:
                    self.shown.pop(user, None)  # its row moved on: read again at the next reply
                await self.messenger.remind_onboarding(paused, expired=was_expired)
        except Exception:
            log.exception("the Matrix onboarding tick failed; trying next tick")

    # -- a mentor ------------------------------------------------------------------------------

    async def batch(self) -> int:
        """The community's pairing batch (MatrixMentors.batch): how many were proposed."""
        return await self.mentors.batch()

    async def mentor(self, message: Message, _: str) -> None:
        ids = await self.ids(message.sender)
        if ids is None:
            await self._say(message.room_id, mtexts.NOT_ONBOARDED_SELF)
            return
        async with self._lock(message.sender):
            await self.mentors.request(message.room_id, *ids)
