"""Welcome calls in Discord: /call host, list and cancel; the tick that makes events, invites,
reminds, starts and ends calls; voice presence; the answers to the invitation, the host's list of
who came and the question afterwards."""

from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import welcome_calls
from bot.texts import commands as command_texts
from bot.texts import welcome_calls as texts
from cogs._checks import is_moderator
from cogs._interactions import GroundworkView, reply
from cogs._persistent import Clicked, Persistent
from cogs._ticks import Ticks
from cogs.welcome_calls._render import hosted_text, listing_text, when
from db.enums import CallFeedback

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

TICK_JOB = "welcome_calls:tick"
NOBODY = "0"
MAX_PICKS = 24  # a select holds 25 options: the invitees and "nobody"
WEEKDAY_CHOICES = [app_commands.Choice(name=name, value=index) for index, name in enumerate(texts.WEEKDAYS)]


class InviteAnswer(enum.StrEnum):
    INTERESTED = "interested"
    CANT = "cant"


class FeedbackAnswer(enum.StrEnum):
    GLAD = "glad"
    OKAY = "okay"
    NOT_FOR_ME = "not_for_me"


class WhoCame(enum.StrEnum):
    PICKED = "picked"


FEEDBACK_THANKS = {
    FeedbackAnswer.GLAD: texts.THANKS_GLAD,
    FeedbackAnswer.OKAY: texts.THANKS_OKAY,
    FeedbackAnswer.NOT_FOR_ME: texts.THANKS_NOT_FOR_ME,
}


def invite_view(invite_id: int) -> discord.ui.View:
    return INVITE.view(
        invite_id,
        (
            (InviteAnswer.INTERESTED, texts.INTERESTED, discord.ButtonStyle.success),
            (InviteAnswer.CANT, texts.CANT_MAKE_IT, discord.ButtonStyle.secondary),
        ),
    )


def feedback_view(invite_id: int) -> discord.ui.View:
    return FEEDBACK.view(
        invite_id,
        (
            (FeedbackAnswer.GLAD, texts.GLAD, discord.ButtonStyle.success),
            (FeedbackAnswer.OKAY, texts.OKAY, discord.ButtonStyle.secondary),
            (FeedbackAnswer.NOT_FOR_ME, texts.NOT_FOR_ME, discord.ButtonStyle.secondary),
        ),
    )


def who_came_view(occurrence_id: int, invitees: list[tuple[int, str]]) -> discord.ui.View:
    """The host's one-tap list: everyone invited (those who said yes first), or nobody."""
    options = [
        discord.SelectOption(label=name[:100], value=str(user_id)) for user_id, name in invitees[:MAX_PICKS]
    ]
    options.append(discord.SelectOption(label=texts.NOBODY, value=NOBODY))
    view = GroundworkView(timeout=None)
    view.add_item(
        WHO_CAME.select(
            occurrence_id,
            options=options,
            placeholder=texts.ASK_HOST_PLACEHOLDER,
            min_values=1,
            max_values=len(options),
        )
    )
    return view


class WelcomeCalls(commands.Cog):
    """Weekly welcome calls: one organizer hour for up to eight members waiting for attention."""

    call = app_commands.Group(name="call", description=command_texts.CALL, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.ticks.every(
            TICK_JOB, self.tick, seconds=self.bot.settings.scheduler.tick_seconds, when_ready=True
        )

    async def cog_unload(self) -> None:
        self.ticks.stop()

    # -- commands ----------------------------------------------------------------------

    @call.command(name="host", description=command_texts.CALL_HOST)
    @app_commands.describe(
        band=command_texts.CALL_HOST__BAND,
        weekday=command_texts.CALL_HOST__WEEKDAY,
        time=command_texts.CALL_HOST__TIME,
        channel=command_texts.CALL_HOST__CHANNEL,
        link=command_texts.CALL_HOST__LINK,
        size=command_texts.CALL_HOST__SIZE,
        timezone=command_texts.CALL_HOST__TIMEZONE,
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    async def host(
        self,
        interaction: discord.Interaction[Any],
        band: str,
        weekday: app_commands.Choice[int],
        time: str,
        channel: discord.VoiceChannel | None = None,
        link: app_commands.Range[str, 1, 100] | None = None,
        size: app_commands.Range[int, 2, 25] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True)
        async with self.bot.sessions() as session, session.begin():
            await self.bot.guild_settings(session, interaction.guild_id)
            hosted = await welcome_calls.host(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                band=band,
                weekday=weekday.value,
                at=time,
                channel_id=channel.id if channel is not None else None,
                location=link,
                size=size,
                timezone=timezone,
                now=self.bot.clock(),
            )
        made = await self.prepare()
        failed = hosted.call.occurrence_id not in made
        await reply(interaction, hosted_text(hosted) + (texts.EVENT_FAILED if failed else ""))
        await self.send_invites()

    @call.command(name="list", description=command_texts.CALL_LIST)
    async def list_calls(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session:
            listed = await welcome_calls.listing(session=session, guild_id=interaction.guild_id)
        await reply(interaction, listing_text(listed))

    @call.command(name="cancel", description=command_texts.CALL_CANCEL)
    @app_commands.describe(call=command_texts.CALL_CANCEL__CALL, for_good=command_texts.CALL_CANCEL__FOR_GOOD)
    async def cancel(
        self, interaction: discord.Interaction[Any], call: app_commands.Range[int, 1], for_good: bool = False
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True)
        moderator = await is_moderator(interaction)
        async with self.bot.sessions() as session, session.begin():
            cancelled = await welcome_calls.cancel(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                call_id=call,
                for_good=for_good,
                moderator=moderator,
                now=self.bot.clock(),
            )
        await self.bot.messenger.set_call_event(cancelled.call, welcome_calls.EventStatus.CANCELLED)
        off = when(cancelled.call.starts_at)
        if cancelled.next_call is not None:
            next_when = when(cancelled.next_call.starts_at)
            await reply(interaction, texts.CANCELLED_NEXT.format(when=off, next_when=next_when))
        else:
            await reply(interaction, texts.CANCELLED_ALL)
        for user_id in cancelled.tell_user_ids:
            # Each hears what is true for them: the call they are invited to next, or none yet.
            upcoming = cancelled.next_for(user_id)
            notice = (
                texts.CANCELLED_ONE.format(when=off, next_when=when(upcoming.starts_at))
                if upcoming is not None
                else texts.CANCELLED_FOR_GOOD.format(when=off)
            )
            await self.bot.messenger.tell(user_id, notice)
        await self.prepare()
        await self.send_invites()

    # -- the tick ----------------------------------------------------------------------

    async def tick(self) -> None:
        """Everything due, in order: events to make, invitations, reminders, starts and ends."""
        await self.prepare()
        await self.send_invites()
        await self.remind()
        await self.start_calls()
        await self.end_calls()

    async def prepare(self) -> set[int]:
        """The Discord event of every upcoming call that has none yet; the occurrences made."""
        async with self.bot.sessions() as session, session.begin():
            due = await welcome_calls.events_due(session=session, now=self.bot.clock())
        made: set[int] = set()
        for call in due:
            event_id = await self.bot.messenger.make_call_event(call)
            if event_id is None:
                continue
            async with self.bot.sessions() as session, session.begin():
                wanted = await welcome_calls.record_event(
                    session=session, occurrence_id=call.occurrence_id, event_id=event_id
                )
            if not wanted:  # called off meanwhile, or made twice: this one goes
                extra = dataclasses.replace(call, event_id=event_id)
                await self.bot.messenger.set_call_event(extra, welcome_calls.EventStatus.CANCELLED)
                continue
            made.add(call.occurrence_id)
        return made

    async def send_invites(self) -> None:
        async with self.bot.sessions() as session, session.begin():
            due = await welcome_calls.invites_due(session=session, now=self.bot.clock())
        for invite in due:
            await self.bot.messenger.invite_to_call(invite)

    async def remind(self) -> None:
        async with self.bot.sessions() as session, session.begin():
            due = await welcome_calls.reminders_due(session=session, now=self.bot.clock())
        for invite in due:
            await self.bot.messenger.remind_call(invite)

    async def start_calls(self) -> None:
        async with self.bot.sessions() as session, session.begin():
            started = await welcome_calls.starts_due(session=session, now=self.bot.clock())
        for call in started:
            await self.bot.messenger.set_call_event(call, welcome_calls.EventStatus.ACTIVE)
            await self._already_in(call)

    async def _already_in(self, call: welcome_calls.CallEvent) -> None:
        """Those in the voice channel since before the start (no voice event comes for them now)."""
        guild = self.bot.get_guild(call.guild_id)
        channel = guild.get_channel(call.channel_id) if guild is not None and call.channel_id else None
        if not isinstance(channel, discord.VoiceChannel):
            return
        for member in channel.members:
            if member.bot:
                continue
            async with self.bot.sessions() as session, session.begin():
                await welcome_calls.voice_changed(
                    session=session,
                    guild_id=call.guild_id,
                    user_id=member.id,
                    channel_id=channel.id,
                    now=self.bot.clock(),
                )

    async def end_calls(self) -> None:
        async with self.bot.sessions() as session, session.begin():
            ended = await welcome_calls.ends_due(session=session, now=self.bot.clock())
        for item in ended:
            if item.just_ended:
                await self.bot.messenger.set_call_event(item.call, welcome_calls.EventStatus.COMPLETED)
            if item.ask_host is not None:
                await self.bot.messenger.ask_who_came(item.ask_host)
            if item.closed is not None:
                await self.after(item.closed)

    async def after(self, closed: welcome_calls.Closed) -> None:
        """One question to each who came; then the next call's event and invitations."""
        for attendee in closed.attendees:
            await self.bot.messenger.ask_how_it_was(attendee)
        await self.prepare()
        await self.send_invites()

    # -- presence and answers --------------------------------------------------------------

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """Joining, moving or leaving voice: a stay in a call's channel opens or closes."""
        was = before.channel.id if before.channel is not None else None
        now_in = after.channel.id if after.channel is not None else None
        if member.bot or was == now_in:
            return
        async with self.bot.sessions() as session, session.begin():
            await welcome_calls.voice_changed(
                session=session,
                guild_id=member.guild.id,
                user_id=member.id,
                channel_id=now_in,
                now=self.bot.clock(),
            )

    @commands.Cog.listener()
    async def on_scheduled_event_user_add(self, event: discord.ScheduledEvent, user: discord.User) -> None:
        """Interested on the call's Discord event itself: counted like the invitation's button."""
        if user.bot:
            return
        async with self.bot.sessions() as session, session.begin():
            await welcome_calls.interested_by_event(
                session=session,
                guild_id=event.guild_id,
                event_id=event.id,
                user_id=user.id,
                now=self.bot.clock(),
            )

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """A host who leaves: their calls end; the event is cancelled and those invited told."""
        async with self.bot.sessions() as session, session.begin():
            ended = await welcome_calls.host_left(
                session=session, guild_id=payload.guild_id, user_id=payload.user.id, now=self.bot.clock()
            )
        await self.on_groundwork_calls_off(ended)

    @commands.Cog.listener()
    async def on_groundwork_calls_off(self, ended: Sequence[welcome_calls.Cancelled]) -> None:
        """Calls whose host is gone (left, or deleted their data): events cancelled, the invited told."""
        for cancelled in ended:
            await self.bot.messenger.set_call_event(cancelled.call, welcome_calls.EventStatus.CANCELLED)
            off = when(cancelled.call.starts_at)
            for user_id in cancelled.tell_user_ids:
                upcoming = cancelled.next_for(user_id)
                notice = (
                    texts.HOST_GONE_NEXT.format(when=off, next_when=when(upcoming.starts_at))
                    if upcoming is not None
                    else texts.HOST_GONE.format(when=off)
                )
                await self.bot.messenger.tell(user_id, notice)

    async def on_invite(self, interaction: discord.Interaction[Any], clicked: Clicked[InviteAnswer]) -> None:
        async with self.bot.sessions() as session, session.begin():
            answered = await welcome_calls.answer(
                session=session,
                invite_id=clicked.id,
                user_id=interaction.user.id,
                interested=clicked.answer == InviteAnswer.INTERESTED,
                now=self.bot.clock(),
            )
        if not answered.mine:
            await reply(interaction, texts.NOT_YOURS)
            return
        if not answered.ok:
            why = (
                {
                    welcome_calls.AnswerNote.FULL: texts.FULL_NOW,
                    welcome_calls.AnswerNote.NOT_THEIR_ZONE: texts.NOT_YOUR_ZONE,
                }.get(answered.note)
                if answered.note
                else None
            )
            await interaction.response.edit_message(content=why or texts.GONE, view=None)
            return
        thanks = texts.THANKS_INTERESTED if clicked.answer == InviteAnswer.INTERESTED else texts.THANKS_CANT
        if answered.note == welcome_calls.AnswerNote.SWITCHED:
            thanks = f"{thanks} {texts.SWITCHED}"
        assert interaction.message is not None
        await interaction.response.edit_message(
            content=f"{interaction.message.content}\n\n{thanks}", view=None
        )
        if clicked.answer == InviteAnswer.CANT:
            await self.send_invites()  # their place goes to the next one waiting

    async def on_who_came(self, interaction: discord.Interaction[Any], clicked: Clicked[WhoCame]) -> None:
        await interaction.response.defer()
        picked = [int(value) for value in clicked.values if value != NOBODY and value.isdigit()]
        async with self.bot.sessions() as session, session.begin():
            closed = await welcome_calls.host_attendance(
                session=session,
                occurrence_id=clicked.id,
                user_id=interaction.user.id,
                attended_user_ids=picked,
                now=self.bot.clock(),
            )
        count = len(closed.attendees)
        text = (
            texts.HOST_THANKS.format(count=count, when=when(closed.next_call.starts_at))
            if closed.next_call is not None
            else texts.HOST_THANKS_LAST.format(count=count)
        )
        await interaction.edit_original_response(content=text, view=None)
        await self.after(closed)

    async def on_feedback(
        self, interaction: discord.Interaction[Any], clicked: Clicked[FeedbackAnswer]
    ) -> None:
        async with self.bot.sessions() as session, session.begin():
            ok = await welcome_calls.feedback(
                session=session,
                invite_id=clicked.id,
                user_id=interaction.user.id,
                answer=CallFeedback(clicked.answer.value),
                now=self.bot.clock(),
            )
        if not ok:
            await reply(interaction, texts.NOT_YOURS)
            return
        await interaction.response.edit_message(content=FEEDBACK_THANKS[clicked.answer], view=None)


# The invitation, the host's list and the question afterwards: they keep working after a restart.
INVITE = Persistent("gw:wc:i", owner=WelcomeCalls, answers=InviteAnswer, handler=WelcomeCalls.on_invite)
WHO_CAME = Persistent("gw:wc:w", owner=WelcomeCalls, answers=WhoCame, handler=WelcomeCalls.on_who_came)
FEEDBACK = Persistent("gw:wc:f", owner=WelcomeCalls, answers=FeedbackAnswer, handler=WelcomeCalls.on_feedback)
ITEMS = (INVITE.item, WHO_CAME.item, FEEDBACK.item)
