"""Answers to local life's questions on Matrix (matrix_adapter/local_messages.py asks them): a
word in the member's direct room ("yes", "not now", "never") for the latest one asked there, or
`!gw yes n12` / `!gw no n12` / `!gw never n12` with the question's code
(matrix_adapter/local_replies.py), which works across restarts; each answer goes to the service
that asked (neighbours, circles, buddies, practice partners). `!gw practice` asks for a partner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import GroundworkError
from bot.services import buddies, neighbours, practice
from bot.texts import buddies as buddy_texts
from bot.texts import local as texts
from bot.texts import matrix_local as mtexts
from bot.texts import matrix_onboarding as onboarding_texts
from db.enums import Answer, BuddyFollowUp, BuddyStatus, ChatTaskKind, IntroductionStatus, OfferStatus
from matrix_adapter.circle_rooms import MatrixCircles
from matrix_adapter.community import CommunityFeature
from matrix_adapter.local_replies import BadCode, Choice, Kind, Question, asked, parse_code, read_choice
from matrix_adapter.onboarding_messages import day
from matrix_adapter.router import CommandHandler, Message

if TYPE_CHECKING:
    pass

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


class LocalAnswers(CommunityFeature):
    """The answers to local questions, and `!gw practice`, for one MatrixBot and its community."""

    def __init__(self, circles: MatrixCircles) -> None:
        """Beside the community's circles (an answer may be to a circle's offer)."""
        super().__init__(circles.bot, circles.sessions, circles.community_id, circles.runtime)
        self.circles = circles
        self.asked = asked(self.bot)

    def command(self, choice: Choice) -> CommandHandler:
        """`!gw yes` / `!gw no` / `!gw never`, with a question's code or for the latest one asked."""

        async def answer(message: Message, args: str) -> None:
            await self._command(message, args, choice)

        return answer

    async def _command(self, message: Message, args: str, choice: Choice) -> None:
        named = parse_code(args)
        if isinstance(named, BadCode):
            await self.say(message.room_id, mtexts.UNKNOWN_CODE.format(code=named.text))
            return
        question = named or self.asked.latest(message.sender)
        if question is None:
            await self.say(message.room_id, mtexts.WHICH_QUESTION)
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
        self.later(work, f"matrix:local:{question.code}")

    async def answer(self, room_id: str, user: str, question: Question, choice: Choice) -> None:
        """One answer to one question, through the service that asked it."""
        if not question.takes(choice):
            await self.say(room_id, mtexts.NOT_THAT_CHOICE)
            return
        ids = await self.ids(user)
        if ids is None:
            await self.say(room_id, onboarding_texts.NOT_ONBOARDED_SELF)
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
            await self.say(room_id, refused.render(lambda _: onboarding_texts.COMMUNITY))

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
        await self.say(room_id, text)
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
        await self.say(room_id, text)
        if answered.introduction_id is not None:
            await self.runtime.run_now(ChatTaskKind.NEIGHBOUR_INTRODUCTION, answered.introduction_id)
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
        await self.say(room_id, text)
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
        await self.say(room_id, BUDDY_FOLLOWUP_THANKS[choice])
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
        await self.say(room_id, texts.PRACTICE_THANKS_YES if happened else mtexts.PRACTICE_THANKS_NO)

    # -- practice partners ---------------------------------------------------------------------

    async def practice(self, message: Message, _: str) -> None:
        """`!gw practice`: on the list for a practice partner, paired at once when someone
        suitable waits (introduced in a new room, outside the sync's callbacks)."""
        self.later(self._practice(message), "matrix:local:practice")

    async def _practice(self, message: Message) -> None:
        ids = await self.ids(message.sender)
        if ids is None:
            await self.say(message.room_id, onboarding_texts.NOT_ONBOARDED_SELF)
            return
        try:
            async with self.sessions() as session, session.begin():
                result = await practice.request(
                    session=session, guild_id=ids[0], user_id=ids[1], path=None, now=self.bot.clock()
                )
        except GroundworkError as refused:
            words = refused.render(lambda _: onboarding_texts.COMMUNITY)
            await self.say(
                message.room_id,
                onboarding_texts.NOT_ONBOARDED_SELF if words == texts.NOT_ONBOARDED else words,
            )
            return
        if result.match is not None:
            await self.say(message.room_id, texts.PRACTICE_PAIRED)
            await self.runtime.run_now(ChatTaskKind.PRACTICE_INTRODUCTION, result.match.pairing_id)
        elif result.already_waiting and result.waiting_since is not None:
            await self.say(
                message.room_id, mtexts.PRACTICE_ALREADY_WAITING.format(since=day(result.waiting_since))
            )
        else:
            await self.say(message.room_id, texts.PRACTICE_WAITING)
