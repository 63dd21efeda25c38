"""Check-ins on Matrix: the answers typed in the direct room, and `!gw checkin ...` (what
Discord's /checkin offers), through the same services (bot/services/checkins).

An answer is for the member's open check-in (the newest one sent): six numbers, fewer (the
questions still open, in order), "skip" or "note ...". Once every question is answered the
check-in is sent in the same unit of work, the member reads their next step, and their mentor
the summary. A message that is not an answer, or from someone with no open check-in, is left to
the other features.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from bot.errors import GroundworkError
from bot.services import checkins
from bot.services.checkins import CheckInClosedError, CheckInState, CompletedCheckIn
from bot.texts import checkins as checkin_texts
from bot.texts import matrix_checkins as texts
from matrix_adapter import checkin_messages as render
from matrix_adapter.checkin_replies import Note, Refused, Scores, Skip, parse
from matrix_adapter.community import CommunityFeature, community_of
from matrix_adapter.router import Message

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)

HISTORY_VALUES = 12


class CheckInCommands(CommunityFeature):
    """The reply handler and the `!gw checkin` commands of one MatrixBot."""

    async def _say(self, message: Message, text: str) -> None:
        await self.bot.send_notice(message.room_id, text)

    async def _zone(self, guild_id: int, user_id: int) -> str:
        async with self.sessions() as session:
            return (await checkins.schedule(session=session, guild_id=guild_id, user_id=user_id)).timezone

    # -- answers ---------------------------------------------------------------------------------

    async def on_reply(self, message: Message) -> bool:
        ids = await self.ids(message.sender)
        if ids is None:
            return False
        guild_id, user_id = ids
        async with self.sessions() as session:
            state = await checkins.open_checkin(session=session, guild_id=guild_id, user_id=user_id)
        if state is None:
            return False
        answer = parse(message.body, state.missing)
        if answer is None:
            return False
        try:
            if isinstance(answer, Refused):
                await self._say(message, answer.text)
            elif isinstance(answer, Skip):
                await self._skip(message, state)
            elif isinstance(answer, Note):
                await self._note(message, state, answer.text)
            else:
                await self._scores(message, state, answer)
        except CheckInClosedError as closed:
            await self._say(message, closed.render(str))
        return True

    async def _skip(self, message: Message, state: CheckInState) -> None:
        async with self.sessions() as session, session.begin():
            next_due = await checkins.skip(
                session=session, checkin_id=state.checkin_id, user_id=state.user_id, now=self.bot.clock()
            )
        await self._say(
            message, render.skipped_text(next_due, await self._zone(state.guild_id, state.user_id))
        )

    async def _note(self, message: Message, state: CheckInState, note: str) -> None:
        if not note:
            await self._say(message, texts.NOTE_EMPTY)
            return
        async with self.sessions() as session, session.begin():
            saved = await checkins.record_note(
                session=session,
                checkin_id=state.checkin_id,
                user_id=state.user_id,
                note=note,
                now=self.bot.clock(),
            )
        await self._say(message, texts.NOTE_SAVED.format(left=render.left_text(saved)))

    async def _scores(self, message: Message, state: CheckInState, answer: Scores) -> None:
        now = self.bot.clock()
        result: CompletedCheckIn | None = None
        async with self.sessions() as session, session.begin():
            for dimension, score in zip(answer.dimensions, answer.values, strict=True):
                state = await checkins.record_score(
                    session=session,
                    checkin_id=state.checkin_id,
                    user_id=state.user_id,
                    dimension=dimension,
                    score=score,
                    now=now,
                )
            if not state.missing:
                result = await checkins.complete(
                    session=session, checkin_id=state.checkin_id, user_id=state.user_id, now=now
                )
        if result is None:
            lines = []
            if len(answer.values) == 1:
                got = answer.dimensions[0]
                lines.append(
                    texts.GOT_ONE.format(name=checkin_texts.SHORT_NAMES[got], score=answer.values[0])
                )
            else:
                lines.append(texts.YOUR_SCORES.format(scores=render.scores_line(state.scores)))
            lines.append(render.next_question(state))
            await self._say(message, "\n".join(lines))
            return
        await self._say(
            message, render.completed_text(result, await self._zone(state.guild_id, state.user_id))
        )
        # Not awaited here: it may open a direct room with the mentor (see MatrixRuntime.spawn).
        self.runtime.spawn(self.runtime.messenger.send_mentor_summary(result), name="matrix:checkin:summary")

    # -- !gw checkin ... ---------------------------------------------------------------------------

    async def _member(self, message: Message) -> tuple[int, int] | None:
        ids = await self.ids(message.sender)
        if ids is None:
            await self._say(message, texts.NOT_A_MEMBER)
        return ids

    async def status(self, message: Message, _: str) -> None:
        """What is open, and when the next one comes, in their time zone."""
        ids = await self._member(message)
        if ids is None:
            return
        try:
            async with self.sessions() as session:
                plan = await checkins.schedule(session=session, guild_id=ids[0], user_id=ids[1])
                state = await checkins.open_checkin(session=session, guild_id=ids[0], user_id=ids[1])
        except GroundworkError as refused:
            await self._say(message, refused.render(str))
            return
        lines = [texts.OPEN_NOW.format(left=render.left_text(state)) if state else texts.NOTHING_OPEN]
        lines.append(self._plan_text(plan))
        await self._say(message, "\n".join(lines))

    def _plan_text(self, plan: checkins.Schedule) -> str:
        cadence = checkin_texts.CADENCE_LABELS.get(plan.cadence_days, f"every {plan.cadence_days} days")
        lines = [texts.SCHEDULE.format(cadence=cadence, hour=plan.local_hour, zone=plan.timezone)]
        if plan.paused:
            lines.append(texts.NO_NEXT_DUE)
        elif plan.next_due is not None:
            lines.append(texts.NEXT_DUE.format(when=render.when(plan.next_due, plan.timezone)))
        return "\n".join(lines)

    async def now(self, message: Message, _: str) -> None:
        ids = await self._member(message)
        if ids is None:
            return
        guild_id, user_id = ids
        try:
            async with self.sessions() as session, session.begin():
                state = await checkins.open_checkin(session=session, guild_id=guild_id, user_id=user_id)
                result = None
                if state is None:
                    result = await checkins.start_now(
                        session=session,
                        guild_id=guild_id,
                        user_id=user_id,
                        now=self.bot.clock(),
                        worker=self.runtime.checkins.worker,
                    )
        except GroundworkError as refused:
            await self._say(message, refused.render(str))
            return
        if state is not None:
            await self._say(message, texts.NOW_OPEN.format(left=render.left_text(state)))
            return
        assert result is not None and result.due is not None  # no open one: a new one is made
        report = await self.runtime.checkins.send_one(result.due)
        if not report.sent:
            await self._say(message, texts.NOW_FAILED)

    async def pause(self, message: Message, args: str) -> None:
        ids = await self._member(message)
        if ids is None:
            return
        day: date | None = None
        try:
            if args.strip():
                try:
                    day = date.fromisoformat(args.strip())
                except ValueError:
                    raise GroundworkError(checkin_texts.PAUSE_BAD_DATE) from None
            async with self.sessions() as session, session.begin():
                await checkins.pause(
                    session=session, guild_id=ids[0], user_id=ids[1], until=day, now=self.bot.clock()
                )
        except GroundworkError as refused:
            await self._say(message, refused.render(str))
            return
        await self._say(message, texts.PAUSED_UNTIL.format(date=day.isoformat()) if day else texts.PAUSED)

    async def resume(self, message: Message, _: str) -> None:
        ids = await self._member(message)
        if ids is None:
            return
        try:
            async with self.sessions() as session, session.begin():
                resumed = await checkins.resume(
                    session=session, guild_id=ids[0], user_id=ids[1], now=self.bot.clock()
                )
        except GroundworkError as refused:
            await self._say(message, refused.render(str))
            return
        await self._say(message, f"{texts.RESUMED}\n{self._plan_text(resumed.schedule)}")

    async def cadence(self, message: Message, args: str) -> None:
        ids = await self._member(message)
        if ids is None:
            return
        words = args.split()
        if not 1 <= len(words) <= 2 or not all(word.isdigit() for word in words):
            await self._say(message, texts.CADENCE_HOW)
            return
        hour = int(words[1]) if len(words) == 2 else None
        try:
            async with self.sessions() as session, session.begin():
                plan = await checkins.set_cadence(
                    session=session,
                    guild_id=ids[0],
                    user_id=ids[1],
                    cadence_days=int(words[0]),
                    local_hour=hour,
                    now=self.bot.clock(),
                )
        except GroundworkError:
            await self._say(message, texts.CADENCE_HOW)
            return
        await self._say(message, self._plan_text(plan))

    async def history(self, message: Message, _: str) -> None:
        ids = await self._member(message)
        if ids is None:
            return
        try:
            async with self.sessions() as session:
                trend = await checkins.history(
                    session=session, guild_id=ids[0], viewer_user_id=ids[1], member_user_id=None
                )
        except GroundworkError as refused:
            await self._say(message, refused.render(str))
            return
        lines = [f"**{checkin_texts.HISTORY_TITLE_OWN.strip('*')}**"]
        if not trend.points:
            lines.append(texts.HISTORY_EMPTY)
        for dimension in checkins.DIMENSIONS:
            values = [str(p.scores[dimension]) for p in trend.points if dimension in p.scores][
                -HISTORY_VALUES:
            ]
            if values:
                lines.append(
                    checkin_texts.HISTORY_LINE.format(
                        name=checkin_texts.SHORT_NAMES[dimension],
                        values=" \N{RIGHTWARDS ARROW} ".join(values),
                    )
                )
        lines.append(
            checkin_texts.HISTORY_COUNTS.removeprefix("-# ").format(
                answered=len(trend.points), skipped=trend.skipped, missed=trend.missed
            )
        )
        await self._say(message, "\n".join(lines))


def install(bot: MatrixBot) -> None:
    found = community_of(bot)
    if found is None:
        return
    commands = CheckInCommands(bot, *found)
    bot.router.reply(commands.on_reply)
    for name, description, handler in (
        ("checkin", texts.HELP_CHECKIN, commands.status),
        ("checkin now", texts.HELP_CHECKIN_NOW, commands.now),
        ("checkin pause", texts.HELP_CHECKIN_PAUSE, commands.pause),
        ("checkin resume", texts.HELP_CHECKIN_RESUME, commands.resume),
        ("checkin cadence", texts.HELP_CHECKIN_CADENCE, commands.cadence),
        ("checkin history", texts.HELP_CHECKIN_HISTORY, commands.history),
    ):
        bot.router.command(name, description, handler, private=True)
