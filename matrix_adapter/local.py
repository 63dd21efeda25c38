"""Local life on Matrix: neighbours, circles, buddies and practice partners, from the same services
as Discord's.

Questions (matrix_adapter/local_messages.py) are answered in the member's direct room with a word
("yes", "not now", "never") for the latest one asked there, or with `!gw yes n12` / `!gw no n12` /
`!gw never n12`, the question's code (matrix_adapter/local_replies.py), which works across restarts.
Introductions (two neighbours, buddies, practice partners) are durable steps, each a new private
encrypted room with everyone invited and the introduction posted once, as the mentor's introduction
is (matrix_adapter/rooms.py); when no room can be made, each hears by a notice in their direct room.
Circles are rooms in the space (matrix_adapter/circle_rooms.py). Leaving the community calls off
what waits on the member and takes them out of their circles; the buddy left alone is told.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.errors import GroundworkError
from bot.outbox_runner import Handler
from bot.services import buddies, circles, identities, neighbours, outbox, practice
from bot.services.languages import LANGUAGES
from bot.services.onboarding import Completion
from bot.texts import buddies as buddy_texts
from bot.texts import local as texts
from bot.texts import matrix_local as mtexts
from bot.texts import matrix_onboarding as onboarding_texts
from db.engine import SessionMaker
from db.enums import (
    Answer,
    BuddyFollowUp,
    BuddyStatus,
    ChatTaskKind,
    IdentityKind,
    IntroductionStatus,
    OfferStatus,
    OrganizingPath,
    Platform,
)
from matrix_adapter.circle_rooms import MatrixCircles
from matrix_adapter.introductions import when
from matrix_adapter.local_messages import name, path_list
from matrix_adapter.local_replies import BadCode, Choice, Kind, Question, asked, parse_code, read_choice
from matrix_adapter.local_steps import MatrixSteps
from matrix_adapter.onboarding_messages import day, matrix_id
from matrix_adapter.rooms import PrivateRooms
from matrix_adapter.router import Message

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot
    from matrix_adapter.runtime import MatrixRuntime

log = logging.getLogger(__name__)

SWEEP_JOB = "matrix:local"  # circles and buddies, every pairing batch
RESWEEPS = 2  # buddy sweeps again after offers that could not reach their member

_installed: weakref.WeakKeyDictionary[MatrixBot, MatrixLocal] = weakref.WeakKeyDictionary()

NEIGHBOUR_OFFER = {
    Choice.YES: OfferStatus.ACCEPTED,
    Choice.NO: OfferStatus.NOT_NOW,
    Choice.NEVER: OfferStatus.MUTED,
}
BUDDY_FOLLOWUP = {
    Choice.YES: BuddyFollowUp.TALKED,
    Choice.NO: BuddyFollowUp.NOT_YET,
    Choice.NEVER: BuddyFollowUp.NOT_A_FIT,
}
BUDDY_FOLLOWUP_THANKS = {
    Choice.YES: buddy_texts.THANKS_TALKED,
    Choice.NO: mtexts.BUDDY_THANKS_NOT_YET,
    Choice.NEVER: buddy_texts.THANKS_NOT_A_FIT,
}


def of(bot: MatrixBot) -> MatrixLocal | None:
    """The local feature installed on `bot` (None: it has no database or community)."""
    return _installed.get(bot)


def install(bot: MatrixBot) -> None:
    sessions, community_id = bot.sessions, bot.settings.community_id
    if sessions is None or community_id is None:
        return
    runtime = bot.runtime
    assert runtime is not None  # made with the bot whenever it has a database
    feature = MatrixLocal(bot, sessions, community_id, runtime)
    _installed[bot] = feature
    for kind, handler in feature.handlers().items():
        runtime.register(kind, handler)
    runtime.scheduler.add_job(
        feature.tick,
        "interval",
        hours=bot.scheduler_settings.pairing_batch_hours,
        id=SWEEP_JOB,
        replace_existing=True,
    )
    bot.router.command("yes", mtexts.HELP_YES, feature.yes, private=True)
    bot.router.command("no", mtexts.HELP_NO, feature.no, private=True)
    bot.router.command("never", mtexts.HELP_NEVER, feature.never, private=True)
    bot.router.command("circle", mtexts.HELP_CIRCLE, feature.circles.show, private=True)
    bot.router.command("circle leave", mtexts.HELP_CIRCLE_LEAVE, feature.circles.leave, private=True)
    bot.router.command("circle approve", mtexts.HELP_CIRCLE_APPROVE, feature.circles.approve)
    bot.router.command("circle reject", mtexts.HELP_CIRCLE_REJECT, feature.circles.reject)
    bot.router.command("organizer confirm", mtexts.HELP_ORGANIZER_CONFIRM, feature.steps.confirm)
    bot.router.command("practice", mtexts.HELP_PRACTICE, feature.practice, private=True)
    bot.router.reply(feature.reply)
    bot.router.on_leave(feature.left)


def neighbour_text(intro: neighbours.Introduction, first: str, second: str) -> str:
    """Discord's introduction of two neighbours (bot/texts/local), named by their Matrix ids."""
    about = "\n".join(
        texts.ABOUT_NEIGHBOUR.format(
            who=who,
            details="; ".join(filter(None, (name(side.area, texts.AREA_PRIVATE), path_list(side.paths)))),
        )
        for who, side in ((first, intro.requester), (second, intro.neighbour))
    )
    times = ""
    if intro.suggested_times is not None:
        zones: dict[str, str | None] = {}  # neighbours share no time zone: the times in UTC
        one, other = intro.suggested_times
        times = onboarding_texts.SUGGESTED_TIMES.format(first=when(one, zones), second=when(other, zones))
    step = next(
        (
            texts.NEIGHBOUR_FIRST_STEPS[OrganizingPath(p)]
            for p in intro.shared_paths
            if OrganizingPath(p) in texts.NEIGHBOUR_FIRST_STEPS
        ),
        texts.NEIGHBOUR_DEFAULT_STEP,
    )
    text = texts.NEIGHBOUR_INTRODUCTION.format(
        first=first, second=second, about=about, first_step=step, times=times
    )
    return text.replace("\n\n", "\n")


def buddy_text(intro: buddies.Introduction, names: dict[int, str]) -> str:
    """Discord's buddy introduction (bot/texts/buddies), named by their Matrix ids."""

    def who(user_id: int) -> str:
        return names.get(user_id, onboarding_texts.COMMUNITY)

    about = "\n".join(
        buddy_texts.ABOUT_LINE.format(
            who=who(b.user_id),
            area=name(b.area, buddy_texts.ABOUT_NOWHERE),
            paths=path_list(b.paths) or buddy_texts.OFFER_OPEN_PATHS,
        )
        for b in intro.buddies
    )
    if intro.icebreaker == buddies.Icebreaker.SHARED_PATH:
        icebreaker = buddy_texts.ICEBREAKER_SHARED_PATH.format(
            path=buddy_texts.PATH_GOALS[OrganizingPath(intro.shared_paths[0])]
        )
    elif intro.icebreaker == buddies.Icebreaker.EXPERIENCE and intro.experienced_user_id is not None:
        icebreaker = buddy_texts.ICEBREAKER_EXPERIENCE.format(who=who(intro.experienced_user_id))
    else:
        icebreaker = buddy_texts.ICEBREAKER_PATHS
    languages = [LANGUAGES[code][1] for code in intro.shared_languages if code in LANGUAGES]
    zones = {who(b.user_id): b.timezone for b in intro.buddies}
    first, second = intro.suggested_times
    text = buddy_texts.INTRODUCTION.format(
        who=", ".join(who(b.user_id) for b in intro.buddies),
        about=about,
        icebreaker=icebreaker,
        languages=buddy_texts.LANGUAGES.format(languages=", ".join(languages)) if languages else "",
        first=when(first, zones),
        second=when(second, zones),
    )
    return text.replace("\n\n", "\n")


def practice_text(match: practice.Match, names: dict[int, str]) -> str:
    """Discord's introduction of practice partners (bot/texts/local), the Matrix way."""
    first, second = match.sides
    zones = {names[side.user_id]: side.timezone for side in match.sides}
    scripts = "\n".join(
        texts.PRACTICE_SCRIPT_LINE.format(
            who=names[side.user_id], script=texts.PRACTICE_SCRIPTS[OrganizingPath(side.path)]
        )
        for side in match.sides
    )
    return mtexts.PRACTICE_INTRODUCTION.format(
        first=names[first.user_id],
        second=names[second.user_id],
        when=when(match.suggested_at, zones),
        or_else=texts.PRACTICE_SECOND.format(when=when(match.second_at, zones)) if match.second_at else "",
        scripts=scripts,
    )


class MatrixLocal:
    """Local life for one MatrixBot and its community."""

    def __init__(
        self, bot: MatrixBot, sessions: SessionMaker, community_id: str, runtime: MatrixRuntime
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.community_id = community_id
        self.runtime = runtime
        self.messenger = runtime.messenger
        self.rooms = PrivateRooms(bot, sessions, runtime.outbox)
        self.circles = MatrixCircles(bot, sessions, community_id, runtime)
        self.steps = MatrixSteps(bot, sessions, community_id, runtime)
        self.asked = asked(bot)

    def handlers(self) -> dict[ChatTaskKind, Handler]:
        """This feature's durable steps, for the Matrix outbox runner to register."""
        return {
            **self.circles.handlers(),
            **self.steps.handlers(),
            ChatTaskKind.NEIGHBOUR_INTRODUCTION: self.introduce_neighbours,
            ChatTaskKind.BUDDY_INTRODUCTION: self.introduce_buddies,
            ChatTaskKind.PRACTICE_INTRODUCTION: self.introduce_partners,
        }

    async def _say(self, room_id: str, text: str) -> None:
        await self.bot.send_notice(room_id, text)

    async def _ids(self, user: str) -> tuple[int, int] | None:
        """(guild id, user id) of a Matrix user of the community; None for someone never seen."""
        async with self.sessions() as session:
            guild_id = await identities.find_local_id(
                session=session,
                platform=Platform.MATRIX,
                kind=IdentityKind.COMMUNITY,
                external_id=self.community_id,
            )
            user_id = await identities.find_local_id(
                session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=user
            )
        return None if guild_id is None or user_id is None else (guild_id, user_id)

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
        guild_id = await self.circles.guild_id()
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
        """A newcomer who is not isolated: a circle near them is offered first; otherwise, the
        neighbours (as Discord's Neighbours cog does when a member is onboarded)."""
        if completion.isolated:
            return
        now = self.bot.clock()
        async with self.sessions() as session, session.begin():
            circle = await circles.offer_to_newcomer(session=session, member_id=completion.member_id, now=now)
            offer = (
                None
                if circle
                else await neighbours.make_offer(session=session, member_id=completion.member_id, now=now)
            )
        if circle is not None:
            await self.messenger.offer_circle(circle)
        elif offer is not None:
            await self.messenger.offer_neighbours(offer)

    # -- answers ------------------------------------------------------------------------------

    async def yes(self, message: Message, args: str) -> None:
        await self._command(message, args, Choice.YES)

    async def no(self, message: Message, args: str) -> None:
        await self._command(message, args, Choice.NO)

    async def never(self, message: Message, args: str) -> None:
        await self._command(message, args, Choice.NEVER)

    async def _command(self, message: Message, args: str, choice: Choice) -> None:
        named = parse_code(args)
        if isinstance(named, BadCode):
            await self._say(message.room_id, mtexts.UNKNOWN_CODE.format(code=named.text))
            return
        question = named or self.asked.latest(message.sender)
        if question is None:
            await self._say(message.room_id, mtexts.WHICH_QUESTION)
            return
        self._answer_later(message, question, choice)

    async def reply(self, message: Message) -> bool:
        """A plain "yes" / "not now" / "never" in a direct room, for the latest question asked
        there; False when no local question waits or the message is no such answer."""
        question = self.asked.latest(message.sender)
        choice = read_choice(message.body)
        if question is None or choice is None:
            return False
        self._answer_later(message, question, choice)
        return True

    def _answer_later(self, message: Message, question: Question, choice: Choice) -> None:
        """An answer may open rooms (an introduction's, a direct room), which come with the next
        sync: answered outside the sync's callbacks, which would wait for it forever."""
        work = self.answer(message.room_id, message.sender, question, choice)
        self.circles.later(work, f"matrix:local:{question.code}")

    async def answer(self, room_id: str, user: str, question: Question, choice: Choice) -> None:
        """One answer to one question, through the service that asked it."""
        if not question.takes(choice):
            await self._say(room_id, mtexts.NOT_THAT_CHOICE)
            return
        ids = await self._ids(user)
        if ids is None:
            await self._say(room_id, onboarding_texts.NOT_ONBOARDED_SELF)
            return
        _, user_id = ids
        self.asked.forget(user, question)
        try:
            if question.kind is Kind.CIRCLE:
                await self.circles.answer_offer(room_id, user, question.subject_id, join=choice is Choice.YES)
            else:
                answers = {
                    Kind.NEIGHBOURS: self._neighbour_offer,
                    Kind.ASK: self._neighbour_ask,
                    Kind.BUDDY: self._buddy_offer,
                    Kind.BUDDY_FOLLOWUP: self._buddy_followup,
                    Kind.PRACTICE_FOLLOWUP: self._practice_followup,
                }
                await answers[question.kind](room_id, user_id, question.subject_id, choice)
        except GroundworkError as refused:
            await self._say(room_id, refused.render(lambda _: onboarding_texts.COMMUNITY))

    async def _neighbour_offer(self, room_id: str, user_id: int, offer_id: int, choice: Choice) -> None:
        async with self.sessions() as session, session.begin():
            asks = await neighbours.answer_offer(
                session=session,
                offer_id=offer_id,
                user_id=user_id,
                answer=NEIGHBOUR_OFFER[choice],
                now=self.bot.clock(),
            )
        if choice is Choice.YES:
            text = mtexts.OFFER_ASKED.format(count=len(asks)) if asks else texts.OFFER_NOBODY_LEFT
        else:
            text = texts.OFFER_LATER_DONE if choice is Choice.NO else texts.OFFER_MUTED
        await self._say(room_id, text)
        for ask in asks:
            await self.messenger.ask_neighbour(ask)

    async def _neighbour_ask(self, room_id: str, user_id: int, introduction_id: int, choice: Choice) -> None:
        async with self.sessions() as session, session.begin():
            answered = await neighbours.answer_introduction(
                session=session,
                introduction_id=introduction_id,
                user_id=user_id,
                answer=Answer.YES if choice is Choice.YES else Answer.NO,
                mute=choice is Choice.NEVER,
                now=self.bot.clock(),
            )
        text = {
            IntroductionStatus.INTRODUCED: mtexts.ASK_THANKS_YES,
            IntroductionStatus.DECLINED: texts.ASK_MUTED if choice is Choice.NEVER else texts.ASK_THANKS_NO,
        }.get(answered.status, texts.INTRO_GONE)
        await self._say(room_id, text)
        if answered.introduction is not None:
            await self.runtime.run_now(
                ChatTaskKind.NEIGHBOUR_INTRODUCTION, answered.introduction.introduction_id
            )
        for ask in answered.asks:  # a no: the next neighbour in their place
            await self.messenger.ask_neighbour(ask)

    async def _buddy_offer(self, room_id: str, user_id: int, buddy_id: int, choice: Choice) -> None:
        async with self.sessions() as session, session.begin():
            answered = await buddies.answer_offer(
                session=session,
                buddy_id=buddy_id,
                user_id=user_id,
                yes=choice is Choice.YES,
                mute=choice is Choice.NEVER,
                now=self.bot.clock(),
            )
        if answered.introduce:
            text = mtexts.BUDDY_INTRODUCING
        elif answered.status == BuddyStatus.CANCELLED:
            text = buddy_texts.CALLED_OFF
        elif choice is Choice.YES:
            text = buddy_texts.THANKS_YES
        else:
            text = mtexts.BUDDY_MUTED if choice is Choice.NEVER else buddy_texts.THANKS_NO
        await self._say(room_id, text)
        if answered.introduce:
            await self.runtime.run_now(ChatTaskKind.BUDDY_INTRODUCTION, answered.group_id)

    async def _buddy_followup(self, room_id: str, user_id: int, buddy_id: int, choice: Choice) -> None:
        async with self.sessions() as session, session.begin():
            answered = await buddies.answer_followup(
                session=session,
                buddy_id=buddy_id,
                user_id=user_id,
                answer=BUDDY_FOLLOWUP[choice],
                now=self.bot.clock(),
            )
        await self._say(room_id, BUDDY_FOLLOWUP_THANKS[choice])
        for other in answered.tell_user_ids:
            await self.messenger.tell(other, buddy_texts.ENDED_FOR_YOU)

    async def _practice_followup(self, room_id: str, user_id: int, request_id: int, choice: Choice) -> None:
        happened = choice is Choice.YES
        async with self.sessions() as session, session.begin():
            await practice.answer_followup(
                session=session,
                request_id=request_id,
                user_id=user_id,
                happened=happened,
                now=self.bot.clock(),
            )
        await self._say(room_id, texts.PRACTICE_THANKS_YES if happened else mtexts.PRACTICE_THANKS_NO)

    # -- practice partners ---------------------------------------------------------------------

    async def practice(self, message: Message, _: str) -> None:
        """`!gw practice`: on the list for a practice partner, paired at once when someone
        suitable waits (introduced in a new room, outside the sync's callbacks)."""
        self.circles.later(self._practice(message), "matrix:local:practice")

    async def _practice(self, message: Message) -> None:
        ids = await self._ids(message.sender)
        if ids is None:
            await self._say(message.room_id, onboarding_texts.NOT_ONBOARDED_SELF)
            return
        try:
            async with self.sessions() as session, session.begin():
                result = await practice.request(
                    session=session, guild_id=ids[0], user_id=ids[1], path=None, now=self.bot.clock()
                )
        except GroundworkError as refused:
            words = refused.render(lambda _: onboarding_texts.COMMUNITY)
            await self._say(
                message.room_id,
                onboarding_texts.NOT_ONBOARDED_SELF if words == texts.NOT_ONBOARDED else words,
            )
            return
        if result.match is not None:
            await self._say(message.room_id, texts.PRACTICE_PAIRED)
            await self.runtime.run_now(ChatTaskKind.PRACTICE_INTRODUCTION, result.match.pairing_id)
        elif result.already_waiting and result.waiting_since is not None:
            await self._say(
                message.room_id, mtexts.PRACTICE_ALREADY_WAITING.format(since=day(result.waiting_since))
            )
        else:
            await self._say(message.room_id, texts.PRACTICE_WAITING)

    # -- introductions ------------------------------------------------------------------------

    async def _people(self, user_ids: Sequence[int]) -> dict[int, str] | None:
        """Everyone's Matrix id; None when someone is not on Matrix (nothing this adapter can do)."""
        found: dict[int, str] = {}
        for user_id in user_ids:
            user = await matrix_id(self.sessions, user_id)
            if user is None:
                return None
            found[user_id] = user
        return found

    async def _introduce(
        self,
        task: outbox.Task,
        people: Sequence[str],
        room_name: str,
        text: str,
        dm_text: Callable[[str], str],
    ) -> tuple[int | None, bool]:
        """A private room with everyone and the introduction in it, else a notice to each in
        their direct room: (the room's local id, whether it reached anyone)."""
        room_id = await self.rooms.room(task, name=room_name, invite=people)
        if room_id is not None and await self.rooms.fill(room_id, people, text, check=task.attempts > 1):
            async with self.sessions() as session, session.begin():
                return await self.rooms.local_room(session, room_id), True
        sent = [await self.rooms.dm(user, dm_text(user)) for user in people]
        return None, any(sent)

    async def _done(self, task: outbox.Task) -> bool:
        async with self.sessions() as session, session.begin():
            return await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())

    async def introduce_neighbours(self, task: outbox.Task) -> bool:
        """The outbox's handler for two neighbours who both said yes (idempotent, see rooms.py);
        once done, a circle may have become possible: the community is swept."""
        async with self.sessions() as session, session.begin():
            intro = await neighbours.introduction_due(session=session, introduction_id=task.subject_id)
            if intro is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return True
        people = await self._people((intro.requester.user_id, intro.neighbour.user_id))
        if people is None:
            await self._done(task)
            return False
        first, second = people[intro.requester.user_id], people[intro.neighbour.user_id]
        text = neighbour_text(intro, first, second)
        room, delivered = await self._introduce(
            task,
            (first, second),
            texts.NEIGHBOUR_THREAD_NAME.format(first=first, second=second),
            text,
            lambda user: mtexts.NEIGHBOUR_INTRO_DM.format(
                other=second if user == first else first, introduction=text
            ),
        )
        async with self.sessions() as session, session.begin():
            await neighbours.record_introduced(
                session=session,
                introduction_id=intro.introduction_id,
                thread_id=room,
                delivered=delivered,
                now=self.bot.clock(),
            )
            settled = await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        if settled and not delivered:
            await self.messenger.tell_moderators(
                intro.guild_id, mtexts.NEIGHBOUR_INTRO_FAILED.format(first=first, second=second)
            )
        if settled:
            self.circles.later(self.circles.tick(), "matrix:circles:sweep")
        return delivered

    async def introduce_buddies(self, task: outbox.Task) -> bool:
        """The outbox's handler for buddies who all said yes."""
        async with self.sessions() as session, session.begin():
            intro = await buddies.introduction_due(
                session=session, group_id=task.subject_id, now=self.bot.clock()
            )
            if intro is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return True
        people = await self._people([b.user_id for b in intro.buddies])
        if people is None:
            await self._done(task)
            return False
        text = buddy_text(intro, people)
        names = list(people.values())
        room, delivered = await self._introduce(
            task,
            names,
            mtexts.BUDDY_ROOM_NAME.format(names=" & ".join(names)),
            text,
            lambda _: mtexts.BUDDY_INTRO_DM.format(introduction=text),
        )
        async with self.sessions() as session, session.begin():
            await buddies.record_introduced(
                session=session,
                group_id=intro.group_id,
                thread_id=room,
                delivered=delivered,
                now=self.bot.clock(),
            )
            settled = await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        if settled and not delivered:
            await self.messenger.tell_moderators(
                intro.guild_id, mtexts.BUDDY_INTRO_FAILED.format(who=", ".join(names))
            )
        return delivered

    async def introduce_partners(self, task: outbox.Task) -> bool:
        """The outbox's handler for two practice partners."""
        async with self.sessions() as session, session.begin():
            match = await practice.introduction_due(session=session, pairing_id=task.subject_id)
            if match is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return True
        people = await self._people([side.user_id for side in match.sides])
        if people is None:
            await self._done(task)
            return False
        text = practice_text(match, people)
        first, second = (people[side.user_id] for side in match.sides)
        room, delivered = await self._introduce(
            task,
            (first, second),
            texts.PRACTICE_THREAD_NAME.format(first=first, second=second),
            text,
            lambda _: mtexts.PRACTICE_INTRO_DM.format(introduction=text),
        )
        async with self.sessions() as session, session.begin():
            await practice.record_thread(
                session=session,
                pairing_id=match.pairing_id,
                thread_id=room,
                delivered=delivered,
                now=self.bot.clock(),
            )
            await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        return delivered

    # -- leaving ------------------------------------------------------------------------------

    def _still_in_community(self, room_id: str, user: str) -> bool:
        rooms = [self.bot.settings.space_id, *self.bot.settings.room_ids]
        return any(
            other != room_id
            and (room := self.bot.client.rooms.get(other or "")) is not None
            and user in room.users
            for other in rooms
        )

    async def left(self, room_id: str, user: str) -> None:
        """Someone left the community: what waits on them is called off, they leave their circles
        (the others told), and a buddy left alone hears it."""
        if not self._still_in_community(room_id, user):
            self.circles.later(self._farewell(user), f"matrix:local:left:{user}")

    async def _farewell(self, user: str) -> None:
        ids = await self._ids(user)
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
