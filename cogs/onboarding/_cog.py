"""Onboarding by locale: the welcome, /join and /onboard, and the conversation's steps."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import GroundworkError
from bot.ports import Welcomed
from bot.services import members as member_service
from bot.services import onboarding
from bot.services.home_countries import HomeCountries
from bot.services.members import JoinOutcome
from bot.services.place_answers import locale_hint
from bot.texts import commands as command_texts
from bot.texts import onboarding as texts
from cogs._forms import Submitted
from cogs._interactions import GroundworkView, reply, snowflake
from cogs._persistent import Clicked, Persistent
from cogs._text import mention
from cogs._ticks import Ticks
from cogs.onboarding._completion import CompletionPresenter
from cogs.onboarding._modals import (
    FORMS,
    answer_of,
    consent_form,
    experience_form,
    place_form,
    readiness_form,
)
from cogs.onboarding._render import STEP_TAIL, Rendered, StepControls, render_step
from cogs.onboarding._shown import ShownConversations
from db.enums import Platform

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

DMS_CLOSED = 50007
OPENS_ONBOARDING = frozenset({"join", "onboard"})  # commands that start it themselves
TICK_JOB_ID = "onboarding:timers"


def welcome_view(guild_id: int, label: str = texts.BEGIN_BUTTON) -> discord.ui.View:
    view = GroundworkView(timeout=None)
    view.add_item(BEGIN.button(guild_id, label=label, style=discord.ButtonStyle.success))
    return view


class Onboarding(commands.Cog):
    """The private conversation that tells groundwork where a member lives and what they want to do."""

    onboard = app_commands.Group(name="onboard", description=command_texts.ONBOARD, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.presenter = CompletionPresenter(bot)
        self.ticks = Ticks(bot)
        self.shown = ShownConversations()
        self.home = HomeCountries()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ITEMS)
        self.bot.outbox.register_all(self.presenter.outbox_handlers())
        self.ticks.every(TICK_JOB_ID, self.tick, seconds=self.bot.settings.scheduler.tick_seconds)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ITEMS)
        self.ticks.stop()

    # -- joining ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_member_registered(self, member: discord.Member, outcome: JoinOutcome) -> None:
        """A member joined (see the Members cog): welcome them with a button to begin."""
        welcomed = await self.bot.messenger.welcome(member.guild.id, member.id, returning=outcome.onboarded)
        if welcomed != Welcomed.DM:
            await self._dms_closed(member.guild.id, member.id)
        if welcomed == Welcomed.NOWHERE and not outcome.onboarded:
            # Nobody would know: the moderators hear it, and the member is shown the way in
            # the next time they use a command (on_app_command_completion).
            await self.bot.messenger.warn_moderators(
                member.guild.id, texts.WELCOME_NOWHERE_MODERATORS.format(member=mention(member.id))
            )

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction[Any], command: app_commands.Command[Any, ..., Any] | Any
    ) -> None:
        """After any command in the server, a member who never got their welcome (DMs closed, no
        onboarding channel) is shown the way in, visible only to them."""
        root = getattr(command, "root_parent", None) or command
        if interaction.guild_id is None or getattr(root, "name", None) in OPENS_ONBOARDING:
            return
        async with self.bot.sessions() as session:
            missed = await member_service.welcome_missed(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )
        if missed:
            try:
                await interaction.followup.send(
                    texts.WELCOME_PATH, view=welcome_view(interaction.guild_id), ephemeral=True
                )
            except discord.HTTPException as exc:
                log.info("could not show user %s the way in: %s", interaction.user.id, exc)

    async def _dms_closed(self, guild_id: int, user_id: int) -> None:
        log.info("user %s of guild %s does not accept DMs", user_id, guild_id)
        async with self.bot.sessions() as session, session.begin():
            await member_service.mark_dms_closed(
                session=session, guild_id=guild_id, user_id=user_id, now=self.bot.clock()
            )

    # -- commands ---------------------------------------------------------------------

    @app_commands.command(name="join", description=command_texts.JOIN)
    @app_commands.guild_only()
    async def join(self, interaction: discord.Interaction[Any]) -> None:
        await self._start_from_server(interaction, restart=False)

    @onboard.command(name="start", description=command_texts.ONBOARD_START)
    async def onboard_start(self, interaction: discord.Interaction[Any]) -> None:
        await self._start_from_server(interaction, restart=False)

    @onboard.command(name="restart", description=command_texts.ONBOARD_RESTART)
    async def onboard_restart(self, interaction: discord.Interaction[Any]) -> None:
        """Asks first when there are answers to lose; starts over at once when there are none."""
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session:
            replaces = await onboarding.restart_replaces_answers(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )
        if not replaces:
            await self._start_from_server(interaction, restart=True)
            return
        view = RESTART.view(
            interaction.guild_id,
            (
                (RestartChoice.START_OVER, texts.RESTART_YES, discord.ButtonStyle.danger),
                (RestartChoice.KEEP, texts.RESTART_NO, discord.ButtonStyle.secondary),
            ),
        )
        await reply(interaction, texts.RESTART_CONFIRM, view=view)

    async def on_restart(
        self, interaction: discord.Interaction[Any], clicked: Clicked[RestartChoice]
    ) -> None:
        """The answer to "your answers so far will be replaced: start over?"."""
        if clicked.answer == RestartChoice.KEEP:
            await interaction.response.edit_message(content=texts.RESTART_KEPT, view=None)
            return
        if interaction.guild_id != clicked.id:  # the question was asked in that server only
            raise GroundworkError(texts.NOT_IN_SERVER)
        await interaction.response.edit_message(content=texts.RESTART_STARTING, view=None)
        await self._start_from_server(interaction, restart=True)

    async def _begin(
        self, interaction: discord.Interaction[Any], guild_id: int, *, restart: bool
    ) -> onboarding.Conversation:
        async with self.bot.sessions() as session, session.begin():
            conversation = await onboarding.begin(
                session=session,
                guild_id=guild_id,
                user_id=interaction.user.id,
                now=self.bot.clock(),
                settings=self.bot.settings.onboarding,
                defaults=self.bot.settings.guild_defaults,
                restart=restart,
                discord_locale=str(interaction.locale),
                resolver=self.bot.gazetteer,
            )
        self.shown.keep(conversation)
        return conversation

    async def _start_from_server(self, interaction: discord.Interaction[Any], *, restart: bool) -> None:
        assert interaction.guild_id is not None
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        conversation = await self._begin(interaction, interaction.guild_id, restart=restart)
        rendered = self._render(conversation)
        prefix = texts.RESUMED + "\n" if conversation.resumed else ""
        try:
            message = await interaction.user.send(**rendered.kwargs())
        except discord.Forbidden as exc:
            if exc.code != DMS_CLOSED:
                raise
            await self._dms_closed(interaction.guild_id, interaction.user.id)
            # The conversation goes on right here, visible only to the member.
            await interaction.followup.send(texts.DMS_CLOSED_HERE, ephemeral=True)
            await interaction.followup.send(
                prefix + rendered.content,
                embed=rendered.embed or discord.utils.MISSING,
                view=rendered.view,
                ephemeral=True,
            )
            return
        await self._remember(conversation.session_id, message)
        await interaction.followup.send(texts.SENT_TO_DMS, ephemeral=True, view=_jump_view(message))

    async def on_begin(self, interaction: discord.Interaction[Any], clicked: Clicked[BeginAnswer]) -> None:
        """The welcome message's button, in a DM or a fallback thread."""
        guild_id = clicked.id
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise GroundworkError(texts.UNKNOWN_SERVER)
        if guild.get_member(interaction.user.id) is None:
            raise GroundworkError(texts.NOT_IN_SERVER)
        conversation = await self._begin(interaction, guild_id, restart=False)
        rendered = self._render(conversation)
        in_dm = interaction.guild_id is None
        await interaction.response.send_message(**rendered.kwargs(), ephemeral=not in_dm)
        if in_dm:
            message = await interaction.original_response()
            await self._remember(conversation.session_id, message)

    async def _remember(self, session_id: int, message: discord.Message) -> None:
        async with self.bot.sessions() as session, session.begin():
            await onboarding.remember_channel(
                session=session, session_id=session_id, channel_id=message.channel.id, message_id=message.id
            )

    # -- the steps --------------------------------------------------------------------

    def _render(self, conversation: onboarding.Conversation) -> Rendered:
        return render_step(CONTROLS, conversation, self.bot.gazetteer, self.bot.clock())

    async def on_step(self, interaction: discord.Interaction[Any], clicked: Clicked[onboarding.Step]) -> None:
        """A button or select of the conversation: the step it answers, its action and values."""
        action, _, arg = (clicked.arg or "").partition(":")
        try:  # it comes from a custom_id, maybe of an older message
            chosen = onboarding.Action(action)
        except ValueError:
            raise onboarding.StaleAnswerError(texts.STALE_STEP) from None
        values = ([arg] if arg else []) + list(clicked.values)
        await self.answer_step(interaction, clicked.id, clicked.answer, chosen, values)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await FORMS.answer(interaction, self.on_form)

    async def on_form(self, interaction: discord.Interaction[Any], submitted: Submitted) -> None:
        """A submitted form of the conversation (place, experience, readiness, consent)."""
        step, action, values = answer_of(submitted)
        await self.answer_step(interaction, submitted.id, step, action, values)

    async def answer_step(
        self,
        interaction: discord.Interaction[Any],
        session_id: int,
        current_step: onboarding.Step,
        chosen: onboarding.Action,
        values: list[str],
    ) -> None:
        """An answer to a step, from a button, a select or one of the forms."""
        if chosen.opens_form:
            await self._open_modal(interaction, session_id, current_step, chosen, values)
            return
        if current_step == onboarding.Step.SUMMARY and chosen == onboarding.Action.CONFIRM:
            known = self.shown.get(session_id, interaction.user.id)
            self.shown.forget(session_id)
            await self.presenter.confirm(interaction, session_id, known)
            return
        async with self.bot.sessions() as session, session.begin():
            conversation = await onboarding.answer(
                session=session,
                session_id=session_id,
                user_id=interaction.user.id,
                step=current_step,
                action=chosen,
                values=values,
                now=self.bot.clock(),
                settings=self.bot.settings.onboarding,
                resolver=self.bot.gazetteer,
                known=self.shown.get(session_id, interaction.user.id),
                country_hint=locale_hint(str(interaction.locale)),
                home=self.home,
            )
        self.shown.keep(conversation)
        rendered = self._render(conversation)
        if interaction.message is not None:
            await interaction.response.edit_message(**rendered.kwargs())
        else:
            await interaction.response.send_message(
                **rendered.kwargs(), ephemeral=interaction.guild_id is not None
            )

    def _still_open(self, conversation: onboarding.Conversation, step: onboarding.Step) -> bool:
        """Whether a kept conversation can fill a form without reading it again: at this step,
        not expired, and its member still in the server."""
        guild = self.bot.get_guild(conversation.guild_id)
        return (
            conversation.step == step
            and conversation.expires_at > self.bot.clock()
            and guild is not None
            and guild.get_member(conversation.user_id) is not None
        )

    async def _open_modal(
        self,
        interaction: discord.Interaction[Any],
        session_id: int,
        step: onboarding.Step,
        action: onboarding.Action,
        values: list[str],
    ) -> None:
        conversation = self.shown.get(session_id, interaction.user.id)
        if conversation is None or not self._still_open(conversation, step):
            # Not kept, or maybe over: read, so that an expired conversation or a member who
            # left is told so before filling in a form.
            async with self.bot.sessions() as session:
                conversation = await onboarding.current(
                    session=session, session_id=session_id, user_id=interaction.user.id
                )
            self.shown.keep(conversation)
        if conversation.step != step:
            raise onboarding.StaleAnswerError(texts.STALE_STEP)
        answers = conversation.answers
        form: discord.ui.Modal
        if action == onboarding.Action.ASK_NOTE:
            form = experience_form(session_id, values[0])
        elif action == onboarding.Action.ASK_SCORES:
            form = readiness_form(session_id, step, answers.get("readiness", {}))
        elif action == onboarding.Action.ASK_CONSENT:
            form = consent_form(
                session_id, answers.get("locale_sharing"), answers.get("organizer_contact_ok")
            )
        elif action in (onboarding.Action.ASK_PLACE, onboarding.Action.ASK_AREA):
            form = place_form(session_id, area_only=action == onboarding.Action.ASK_AREA)
        else:
            raise onboarding.StaleAnswerError(texts.STALE_STEP)
        await interaction.response.send_modal(form)

    # -- reminders and expiry ---------------------------------------------------------

    async def tick(self) -> None:
        """Remind members of unfinished conversations once, and tell them when one expires."""
        now = self.bot.clock()
        async with self.bot.sessions() as session, session.begin():
            # A Matrix community's conversations are the Matrix adapter's to remind and expire.
            reminders = await onboarding.due_reminders(session=session, now=now, platform=Platform.DISCORD)
            expired = await onboarding.expire_due(session=session, now=now, platform=Platform.DISCORD)
        for paused, was_expired in [(p, False) for p in reminders] + [(p, True) for p in expired]:
            if not await self.bot.messenger.remind_onboarding(paused, expired=was_expired):
                await self._dms_closed(paused.guild_id, paused.user_id)


def _jump_view(message: discord.Message) -> discord.ui.View:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label=texts.OPEN_CONVERSATION_BUTTON, url=message.jump_url))
    return view


class RestartChoice(enum.StrEnum):
    """The two buttons under /onboard restart's question."""

    START_OVER = "start_over"
    KEEP = "keep"


class BeginAnswer(enum.StrEnum):
    """The welcome message has one button: "Let's begin" (or "Continue")."""

    BEGIN = "begin"


# The conversation's controls; a button and a select need distinct prefixes (discord.py matches
# custom_ids against every template).
CONTROLS = StepControls(
    buttons=Persistent(
        "gw:ob",
        owner=Onboarding,
        answers=onboarding.Step,
        handler=Onboarding.on_step,
        arg=STEP_TAIL,
        stale=texts.STALE_STEP,
    ),
    selects=Persistent(
        "gw:obs",
        owner=Onboarding,
        answers=onboarding.Step,
        handler=Onboarding.on_step,
        arg=STEP_TAIL,
        stale=texts.STALE_STEP,
    ),
)
BEGIN = Persistent(
    "gw:ob:begin", owner=Onboarding, answers=BeginAnswer, handler=Onboarding.on_begin, ids=snowflake
)
RESTART = Persistent(
    "gw:ob:restart", owner=Onboarding, answers=RestartChoice, handler=Onboarding.on_restart, ids=snowflake
)
ITEMS = (CONTROLS.buttons.item, CONTROLS.selects.item, BEGIN.item, RESTART.item)
