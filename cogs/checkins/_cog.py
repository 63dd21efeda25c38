"""Readiness check-ins: the dispatcher job, the DM form's controls, and /checkin."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import secrets
import socket
from datetime import date
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import GroundworkError
from bot.services import charts, checkins
from bot.services.checkins import CheckInClosedError, DispatchReport
from bot.services.members import JoinOutcome
from bot.services.onboarding import Completion
from bot.texts import checkins as texts
from bot.texts import commands as command_texts
from cogs._forms import Submitted
from cogs._interactions import reply
from cogs._persistent import Clicked, Persistent
from cogs._text import mention
from cogs._ticks import Ticks
from cogs.checkins import _render as render
from cogs.checkins._modals import NOTE_FIELD, NOTE_FORMS, note_form, page_of
from cogs.checkins._render import FormAction, FormControls
from db.enums import CheckInStatus, Platform, ReadinessDimension

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

TICK_JOB_ID = "checkins:dispatch"
COMPLETED = "checkin_completed"  # event: (CompletedCheckIn), once its answers are committed
BACKFILL_BATCH = 1000
# Closed this way, the form is replaced by a short note; answered ones keep their reply.
REPLACE_WHEN_CLOSED = (CheckInStatus.MISSED, CheckInStatus.CANCELLED, CheckInStatus.UNDELIVERABLE)
CADENCE_CHOICES = [
    app_commands.Choice(name=label, value=days) for days, label in texts.CADENCE_LABELS.items()
]


def guild_name(bot: GroundworkBot, guild_id: int) -> str:
    """The server's name as check-ins show it."""
    guild = bot.get_guild(guild_id)
    return guild.name if guild is not None else "groundwork"


def worker_name() -> str:
    """This process, as it marks the check-ins it claimed."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def _jump_view(channel_id: int | None, message_id: int | None) -> discord.ui.View | None:
    if channel_id is None or message_id is None:
        return None
    view = discord.ui.View()
    url = f"https://discord.com/channels/@me/{channel_id}/{message_id}"
    view.add_item(discord.ui.Button(label=texts.OPEN_BUTTON, url=url))
    return view


class CheckIns(commands.Cog):
    """Asks members every few weeks how ready they feel, and suggests one next step."""

    checkin = app_commands.Group(name="checkin", description=command_texts.CHECKIN, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.ticks = Ticks(bot)
        self.dispatcher = checkins.Dispatcher(
            sessions=bot.sessions,
            clock=bot.clock,
            messenger=bot.messenger,
            settings=bot.settings.scheduler,
            worker=worker_name(),
            platform=Platform.DISCORD,  # a Matrix community's members get theirs from the Matrix adapter
        )
        self._reconciled = False
        self.first_run = asyncio.Event()  # set once the start-up dispatch (overdue check-ins) is done

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CONTROLS.score.item, CONTROLS.button.item)
        # First run once ready: overdue check-ins go out on start (within the grace), the rest on the ticks.
        self.ticks.every(
            TICK_JOB_ID, self.tick, seconds=self.bot.settings.scheduler.tick_seconds, when_ready=True
        )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(CONTROLS.score.item, CONTROLS.button.item)
        self.ticks.stop()

    # -- the job ----------------------------------------------------------------------

    async def tick(self) -> None:
        """The scheduler's job: start a dispatch in the background unless one is running."""
        if not self.dispatcher.busy:
            self.bot.background.spawn(self._run(), name="checkins:dispatch")

    async def _run(self) -> None:
        try:
            if not self._reconciled:
                try:
                    await self.schedule_missing()
                    self._reconciled = True
                except Exception:
                    log.exception("could not schedule check-ins for members without one; trying next tick")
            await self.dispatch()
        finally:
            self.first_run.set()

    async def dispatch(self) -> DispatchReport:
        """Send everything due now (tests call this with the clock where they want it)."""
        return await self.dispatcher.run()

    async def schedule_missing(self) -> int:
        """Active members without a next check-in get one (members from before this feature, returners)."""
        count = 0
        while True:
            async with self.bot.sessions() as session, session.begin():
                member_ids = await checkins.members_without_schedule(session=session, limit=BACKFILL_BATCH)
                scheduled = 0
                for member_id in member_ids:
                    now = self.bot.clock()
                    if await checkins.ensure_scheduled(session=session, member_id=member_id, now=now):
                        scheduled += 1
            count += scheduled
            if len(member_ids) < BACKFILL_BATCH or scheduled == 0:
                if count:
                    log.info("scheduled check-ins for %d member(s) who had none", count)
                return count

    @commands.Cog.listener()
    async def on_member_onboarded(self, completion: Completion) -> None:
        async with self.bot.sessions() as session, session.begin():
            await checkins.ensure_scheduled(
                session=session, member_id=completion.member_id, now=self.bot.clock()
            )

    @commands.Cog.listener()
    async def on_member_registered(self, member: discord.Member, outcome: JoinOutcome) -> None:
        if outcome.onboarded:  # someone who came back picks up their check-ins
            async with self.bot.sessions() as session, session.begin():
                await checkins.ensure_scheduled(
                    session=session, member_id=outcome.member_id, now=self.bot.clock()
                )

    # -- the form ---------------------------------------------------------------------

    def _guild_name(self, guild_id: int) -> str:
        return guild_name(self.bot, guild_id)

    async def _closed(self, interaction: discord.Interaction[Any], error: CheckInClosedError) -> None:
        if error.status in REPLACE_WHEN_CLOSED and interaction.message is not None:
            await interaction.response.edit_message(**render.closed(error.render(mention)).kwargs())
        else:
            await reply(interaction, error.render(mention))

    async def on_score(
        self, interaction: discord.Interaction[Any], clicked: Clicked[ReadinessDimension]
    ) -> None:
        """A 1-5 chosen for one dimension."""
        checkin_id, dimension = clicked.id, clicked.answer
        try:
            score = int(clicked.values[0])
        except (IndexError, ValueError):
            raise GroundworkError(texts.INVALID_ANSWER) from None
        try:
            async with self.bot.sessions() as session, session.begin():
                state = await checkins.record_score(
                    session=session,
                    checkin_id=checkin_id,
                    user_id=interaction.user.id,
                    dimension=dimension,
                    score=score,
                    now=self.bot.clock(),
                )
        except CheckInClosedError as error:
            await self._closed(interaction, error)
            return
        page = render.page_of(dimension)
        await interaction.response.edit_message(
            **render.state_form(CONTROLS, state, self._guild_name(state.guild_id), page).kwargs()
        )

    async def on_button(self, interaction: discord.Interaction[Any], clicked: Clicked[FormAction]) -> None:
        """Next / back, add a note, skip this time, send my answers."""
        checkin_id, action, page = clicked.id, clicked.answer, 2 if clicked.arg == "2" else 1
        try:
            if action in (FormAction.NEXT, FormAction.BACK):
                await self._turn(interaction, checkin_id, 2 if action == FormAction.NEXT else 1)
            elif action == FormAction.NOTE:
                await self._open_note(interaction, checkin_id, page)
            elif action == FormAction.SKIP:
                await self._skip(interaction, checkin_id)
            else:
                await self._done(interaction, checkin_id)
        except CheckInClosedError as error:
            await self._closed(interaction, error)

    async def _turn(self, interaction: discord.Interaction[Any], checkin_id: int, page: int) -> None:
        async with self.bot.sessions() as session:
            state = await checkins.current(
                session=session, checkin_id=checkin_id, user_id=interaction.user.id
            )
        await interaction.response.edit_message(
            **render.state_form(CONTROLS, state, self._guild_name(state.guild_id), page).kwargs()
        )

    async def _open_note(self, interaction: discord.Interaction[Any], checkin_id: int, page: int) -> None:
        async with self.bot.sessions() as session:
            state = await checkins.current(
                session=session, checkin_id=checkin_id, user_id=interaction.user.id
            )
        await interaction.response.send_modal(note_form(checkin_id, page, state.note))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await NOTE_FORMS.answer(interaction, self.on_note_form)

    async def on_note_form(self, interaction: discord.Interaction[Any], submitted: Submitted) -> None:
        await self.on_note(interaction, submitted.id, page_of(submitted), submitted.text(NOTE_FIELD))

    async def on_note(
        self, interaction: discord.Interaction[Any], checkin_id: int, page: int, note: str
    ) -> None:
        try:
            async with self.bot.sessions() as session, session.begin():
                state = await checkins.record_note(
                    session=session,
                    checkin_id=checkin_id,
                    user_id=interaction.user.id,
                    note=note,
                    now=self.bot.clock(),
                )
        except CheckInClosedError as error:
            await self._closed(interaction, error)
            return
        await interaction.response.edit_message(
            **render.state_form(CONTROLS, state, self._guild_name(state.guild_id), page).kwargs()
        )

    async def _skip(self, interaction: discord.Interaction[Any], checkin_id: int) -> None:
        async with self.bot.sessions() as session, session.begin():
            next_due = await checkins.skip(
                session=session, checkin_id=checkin_id, user_id=interaction.user.id, now=self.bot.clock()
            )
        await interaction.response.edit_message(**render.skipped(next_due).kwargs())

    async def _done(self, interaction: discord.Interaction[Any], checkin_id: int) -> None:
        async with self.bot.sessions() as session, session.begin():
            result = await checkins.complete(
                session=session, checkin_id=checkin_id, user_id=interaction.user.id, now=self.bot.clock()
            )
        guild_name = self._guild_name(result.state.guild_id)
        if result.state.missing:
            page = render.page_of(result.state.missing[0])
            notice = render.missing_notice(result.state.missing)
            await interaction.response.edit_message(
                **render.state_form(CONTROLS, result.state, guild_name, page, notice).kwargs()
            )
            return
        await interaction.response.edit_message(**render.reply(result).kwargs())
        await self.bot.messenger.send_mentor_summary(result)
        self.bot.dispatch(COMPLETED, result)

    # -- /checkin ---------------------------------------------------------------------

    @checkin.command(name="cadence", description=command_texts.CHECKIN_CADENCE)
    @app_commands.describe(
        every=command_texts.CHECKIN_CADENCE__EVERY, hour=command_texts.CHECKIN_CADENCE__HOUR
    )
    @app_commands.choices(every=CADENCE_CHOICES)
    async def cadence(
        self,
        interaction: discord.Interaction[Any],
        every: app_commands.Choice[int],
        hour: app_commands.Range[int, 0, 23] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            plan = await checkins.set_cadence(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                cadence_days=every.value,
                local_hour=hour,
                now=self.bot.clock(),
            )
        lines = [
            texts.CADENCE_DONE.format(
                cadence=texts.CADENCE_LABELS[plan.cadence_days], hour=plan.local_hour, timezone=plan.timezone
            )
        ]
        if plan.next_due is not None and not plan.paused:
            lines.append(texts.NEXT_LINE.format(when=render.when(plan.next_due)))
        await reply(interaction, "\n".join(lines))

    @checkin.command(name="pause", description=command_texts.CHECKIN_PAUSE)
    @app_commands.describe(until=command_texts.CHECKIN_PAUSE__UNTIL)
    async def pause(
        self, interaction: discord.Interaction[Any], until: app_commands.Range[str, 1, 20] | None = None
    ) -> None:
        assert interaction.guild_id is not None
        day: date | None = None
        if until is not None:
            try:
                day = date.fromisoformat(until.strip())
            except ValueError:
                raise GroundworkError(texts.PAUSE_BAD_DATE) from None
        async with self.bot.sessions() as session, session.begin():
            await checkins.pause(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                until=day,
                now=self.bot.clock(),
            )
        await reply(interaction, texts.PAUSED_UNTIL.format(date=day.isoformat()) if day else texts.PAUSED)

    @checkin.command(name="resume", description=command_texts.CHECKIN_RESUME)
    async def resume(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            resumed = await checkins.resume(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                now=self.bot.clock(),
            )
        lines = [texts.RESUMED]
        if resumed.retrying_dms:
            lines.append(texts.RESUMED_DMS)
        if resumed.schedule.next_due is not None:
            lines.append(texts.NEXT_LINE.format(when=render.when(resumed.schedule.next_due)))
        await reply(interaction, "\n".join(lines))

    @checkin.command(name="now", description=command_texts.CHECKIN_NOW)
    async def now(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.bot.sessions() as session, session.begin():
            result = await checkins.start_now(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                now=self.bot.clock(),
                worker=self.dispatcher.worker,
            )
        if result.due is None:
            view = _jump_view(result.open_channel_id, result.open_message_id)
            await reply(interaction, texts.NOW_OPEN, view=view or discord.utils.MISSING)
            return
        report = await self.dispatcher.send_one(result.due)
        if report.sent:
            await reply(interaction, texts.NOW_SENT)
        elif report.closed:
            await reply(interaction, texts.NOW_DMS_CLOSED)
        else:
            await reply(interaction, texts.NOW_FAILED)

    @checkin.command(name="history", description=command_texts.CHECKIN_HISTORY)
    @app_commands.describe(member=command_texts.CHECKIN_HISTORY__MEMBER)
    async def history(
        self, interaction: discord.Interaction[Any], member: discord.Member | None = None
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.bot.sessions() as session:
            trend = await checkins.history(
                session=session,
                guild_id=interaction.guild_id,
                viewer_user_id=interaction.user.id,
                member_user_id=member.id if member else None,
            )
        content = render.history_text(trend)
        name = member.display_name if member is not None and not trend.own else None
        chart = await self._chart(trend, name) if self.bot.settings.checkins.charts and trend.points else None
        if chart is None:
            await reply(interaction, content)
        else:
            picture = discord.File(
                io.BytesIO(chart),
                filename=texts.CHART_FILENAME,
                description=render.chart_alt_text(trend, name),
            )
            await reply(interaction, content, file=picture)

    async def _chart(self, trend: checkins.Trend, name: str | None) -> bytes | None:
        """The trend as a picture: skipped and missed check-ins as gaps, the scale in words, and
        the mentee's name on a mentor's copy."""
        try:
            return await charts.readiness_chart(
                [(point.at, point.scores) for point in trend.points],
                dimensions=[d.value for d in checkins.DIMENSIONS],
                labels={d.value: texts.SHORT_NAMES[d] for d in checkins.DIMENSIONS},
                title=texts.CHART_TITLE_MENTEE.format(name=name) if name else texts.CHART_TITLE,
                scale=texts.SCORE_LABELS,
                gaps=trend.gaps,
            )
        except Exception:
            log.exception("could not draw a readiness chart; sending the trend as text")
            return None


# The check-in form's controls: its score selects and its buttons.
CONTROLS = FormControls(
    score=Persistent("gw:cis", owner=CheckIns, answers=ReadinessDimension, handler=CheckIns.on_score),
    button=Persistent("gw:ci", owner=CheckIns, answers=FormAction, handler=CheckIns.on_button, arg="[12]"),
)
