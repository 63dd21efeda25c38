"""Welcome calls' part of the Discord messenger: the guild scheduled event, the invitation with
its buttons, the reminders, the host's list of who came, and the question afterwards."""

from __future__ import annotations

import logging

import discord

from bot.services import welcome_calls
from bot.texts import welcome_calls as texts
from cogs._sender import DiscordSender
from cogs._text import mention
from cogs.welcome_calls._cog import feedback_view, invite_view, who_came_view
from cogs.welcome_calls._render import invite_text, reminder_text

log = logging.getLogger(__name__)

STATUSES = {
    welcome_calls.EventStatus.ACTIVE: discord.EventStatus.active,
    welcome_calls.EventStatus.COMPLETED: discord.EventStatus.completed,
    welcome_calls.EventStatus.CANCELLED: discord.EventStatus.cancelled,
}
REASON = "groundwork: a welcome call"


class WelcomeCallMessages(DiscordSender):
    async def make_call_event(self, call: welcome_calls.CallEvent) -> int | None:
        """A guild scheduled event: in the voice channel, or external at the link (with its end)."""
        guild = self.bot.get_guild(call.guild_id)
        if guild is None:
            return None
        name = texts.EVENT_NAME.format(band=call.band.label)
        made = self._made_before(guild, name, call)
        if made is not None:  # an earlier attempt made it, then stopped before recording it
            return made
        try:
            if call.channel_id is not None:
                channel = guild.get_channel(call.channel_id)
                if not isinstance(channel, discord.VoiceChannel):
                    log.info(
                        "welcome call %s: channel %s is not a voice channel", call.call_id, call.channel_id
                    )
                    return None
                event = await guild.create_scheduled_event(
                    name=name,
                    description=texts.EVENT_DESCRIPTION,
                    start_time=call.starts_at,
                    end_time=call.ends_at,
                    entity_type=discord.EntityType.voice,
                    channel=channel,
                    privacy_level=discord.PrivacyLevel.guild_only,
                    reason=REASON,
                )
            else:
                event = await guild.create_scheduled_event(
                    name=name,
                    description=texts.EVENT_DESCRIPTION,
                    start_time=call.starts_at,
                    end_time=call.ends_at,
                    entity_type=discord.EntityType.external,
                    location=call.location or "",
                    privacy_level=discord.PrivacyLevel.guild_only,
                    reason=REASON,
                )
        except discord.HTTPException as exc:
            log.warning("could not make the event of welcome call %s: %s", call.call_id, exc)
            return None
        return event.id

    def _made_before(self, guild: discord.Guild, name: str, call: welcome_calls.CallEvent) -> int | None:
        me = self.bot.user.id if self.bot.user is not None else None
        for event in guild.scheduled_events:
            if event.creator_id == me and event.name == name and event.start_time == call.starts_at:
                return event.id
        return None

    async def set_call_event(self, call: welcome_calls.CallEvent, status: welcome_calls.EventStatus) -> bool:
        guild = self.bot.get_guild(call.guild_id)
        if guild is None or call.event_id is None:
            return False
        try:
            event = guild.get_scheduled_event(call.event_id) or await guild.fetch_scheduled_event(
                call.event_id
            )
            await event.edit(status=STATUSES[status], reason=REASON)
        except (discord.HTTPException, ValueError, TypeError) as exc:
            log.info("could not set welcome call event %s to %s: %s", call.event_id, status, exc)
            return False
        return True

    async def invite_to_call(self, invite: welcome_calls.Invite) -> bool:
        return await self.introducer.dm(invite.user_id, invite_text(invite), invite_view(invite.invite_id))

    async def remind_call(self, invite: welcome_calls.Invite) -> bool:
        return await self.introducer.dm(invite.user_id, reminder_text(invite))

    async def ask_who_came(self, ask: welcome_calls.AttendanceAsk) -> bool:
        guild = self.bot.get_guild(ask.call.guild_id)
        names = {}
        for user_id, _ in ask.invitees:
            member = guild.get_member(user_id) if guild is not None else None
            names[user_id] = member.display_name if member is not None else str(user_id)
        view = who_came_view(
            ask.call.occurrence_id, [(user_id, names[user_id]) for user_id, _ in ask.invitees]
        )
        return await self.introducer.dm(ask.call.host_user_id, texts.ASK_HOST, view)

    async def ask_how_it_was(self, invite: welcome_calls.Invite) -> bool:
        text = texts.ASK_ATTENDEE.format(host=mention(invite.call.host_user_id))
        return await self.introducer.dm(invite.user_id, text, feedback_view(invite.invite_id))
