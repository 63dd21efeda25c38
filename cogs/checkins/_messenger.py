"""Check-ins' part of the Discord messenger: send the form, look for it in the DM history, alerts,
the mentor's summary.

Discord's errors become delivery outcomes here, so the dispatcher never sees `discord`:
50007 (DMs closed) and 50278 (no mutual guild) stop DMs to the member; 40003 (opening DMs too
fast) and 5xx are retried later and slow the pace; a 429 is retried by discord.py itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.services.checkins import (
    Alert,
    AlertKind,
    CompletedCheckIn,
    Delivery,
    DeliveryStatus,
    DueCheckIn,
    Reminder,
)
from cogs._sender import DiscordSender
from cogs.checkins._cog import CONTROLS, guild_name
from cogs.checkins._render import alert_text, first_form, mentor_summary
from cogs.checkins._render import reminder as reminder_message
from cogs.send_budget import Urgency

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

DMS_CLOSED = 50007
NO_MUTUAL_GUILDS = 50278
OPENING_DMS_TOO_FAST = 40003
UNKNOWN_CHANNEL = 10003
HISTORY_LOOKBACK = 20


def outcome_of(error: discord.HTTPException) -> Delivery:
    """What a failed send means for the check-in."""
    if error.code in (DMS_CLOSED, NO_MUTUAL_GUILDS):
        return Delivery(DeliveryStatus.CLOSED, detail=str(error.code))
    if error.code == OPENING_DMS_TOO_FAST:
        return Delivery(DeliveryStatus.RETRY, slow_down=True, detail=str(error.code))
    if error.status >= 500 or error.status == 429:
        return Delivery(DeliveryStatus.RETRY, detail=str(error.status))
    return Delivery(DeliveryStatus.FAILED, detail=f"{error.status}/{error.code}")


class CheckInMessages(DiscordSender):
    """Sends check-ins as DMs (one request when the DM channel is known, two the first time)."""

    controls = CONTROLS

    async def _channel(self, item: DueCheckIn, *, fresh: bool = False) -> discord.abc.Messageable:
        """The member's DM channel, and this send's turn (cogs/send_budget.py): one request when
        the channel is known, two when it must be opened first."""
        if item.dm_channel_id is not None and not fresh:
            await self.bot.send_budget.turn(Urgency.SCHEDULED)
            return self.bot.get_partial_messageable(item.dm_channel_id, type=discord.ChannelType.private)
        await self.bot.send_budget.turn(Urgency.SCHEDULED, 2)
        return await self.bot.create_dm(discord.Object(item.user_id))

    async def deliver(self, item: DueCheckIn) -> Delivery:
        rendered = first_form(self.controls, item, guild_name(self.bot, item.guild_id))
        try:
            try:
                message = await (await self._channel(item)).send(**rendered.kwargs())
            except discord.NotFound as error:
                if error.code != UNKNOWN_CHANNEL or item.dm_channel_id is None:
                    raise
                message = await (await self._channel(item, fresh=True)).send(**rendered.kwargs())
        except discord.HTTPException as error:
            outcome = outcome_of(error)
            log.info("check-in %s to user %s: %s (%s)", item.checkin_id, item.user_id, outcome.status, error)
            return outcome
        return Delivery(DeliveryStatus.SENT, channel_id=message.channel.id, message_id=message.id)

    async def find_sent(self, item: DueCheckIn) -> Delivery | None:
        """The check-in's message in the member's DM history; None when the history was read and
        it is not there; UNKNOWN when Discord would not let us read it (a 5xx, say): looked up again
        later, never taken for "not sent"."""
        try:
            try:
                return await self._search(await self._channel(item), item)
            except discord.NotFound as error:
                if error.code != UNKNOWN_CHANNEL or item.dm_channel_id is None:
                    raise
                return await self._search(await self._channel(item, fresh=True), item)
        except discord.HTTPException as error:
            log.info("could not read the DM history for check-in %s: %s", item.checkin_id, error.status)
            return Delivery(DeliveryStatus.UNKNOWN, detail=f"{error.status}/{error.code}")

    async def _search(self, channel: discord.abc.Messageable, item: DueCheckIn) -> Delivery | None:
        async for message in channel.history(limit=HISTORY_LOOKBACK):
            if self.bot.user is not None and message.author.id != self.bot.user.id:
                continue
            for row in message.components:
                for child in getattr(row, "children", []):
                    custom_id = getattr(child, "custom_id", None)
                    if isinstance(custom_id, str) and self.controls.owns(custom_id, item.checkin_id):
                        return Delivery(
                            DeliveryStatus.SENT, channel_id=message.channel.id, message_id=message.id
                        )
        return None

    async def remind(self, reminder: Reminder) -> Delivery:
        """The reminder, in the DM where the check-in is. Only a refusal that surely sent nothing
        (opening DMs too fast, a 429) is tried again: a 5xx may have reached them, and the
        reminder is said once."""
        rendered = reminder_message(reminder)
        await self.bot.send_budget.turn(Urgency.SCHEDULED, 1 if reminder.channel_id is not None else 2)
        try:
            if reminder.channel_id is not None:
                channel: discord.abc.Messageable = self.bot.get_partial_messageable(
                    reminder.channel_id, type=discord.ChannelType.private
                )
            else:
                channel = await self.bot.create_dm(discord.Object(reminder.user_id))
            message = await channel.send(**rendered.kwargs())
        except discord.HTTPException as error:
            outcome = outcome_of(error)
            log.info("reminder of check-in %s: %s (%s)", reminder.checkin_id, outcome.status, error)
            if outcome.status == DeliveryStatus.RETRY and error.status >= 500:
                return Delivery(DeliveryStatus.UNKNOWN, detail=outcome.detail)
            return outcome
        return Delivery(DeliveryStatus.SENT, channel_id=message.channel.id, message_id=message.id)

    async def alert(self, alert: Alert) -> None:
        to_mentor = alert.kind != AlertKind.DMS_CLOSED and alert.mentor_user_id is not None
        if to_mentor and await self.dm(alert.mentor_user_id or 0, alert_text(alert, to_mentor=True)):
            return
        await self.post(alert.alerts_channel_id, alert_text(alert, to_mentor=False))

    async def send_mentor_summary(self, result: CompletedCheckIn) -> bool:
        """The mentor's summary (a drop alert on top); without a mentor, or when it cannot reach
        them, the alerts go to the moderators' channel."""
        reached = False
        if result.mentor_user_id is not None:
            name = guild_name(self.bot, result.state.guild_id)
            summary = mentor_summary(result, name, list(result.alerts))
            reached = await self.dm(result.mentor_user_id, summary)
        if not reached:
            for alert in result.alerts:
                await self.post(alert.alerts_channel_id, alert_text(alert, to_mentor=False))
        return reached

    async def dm(self, user_id: int, content: str) -> bool:
        """A DM to a mentor; False when it could not be sent."""
        try:
            channel = await self.bot.create_dm(discord.Object(user_id))
            await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.info("could not DM user %s: %s", user_id, error)
            return False
        return True

    async def post(self, channel_id: int | None, content: str) -> bool:
        """A message in the guild's alerts channel, when it has one."""
        channel = self.bot.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            log.info("no alerts channel to post to: %s", content)
            return False
        try:
            await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("could not post to the alerts channel %s: %s", channel_id, error)
            return False
        return True
