"""How welcome calls read on Discord: the invite, the reminders, the list, the host's answer."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.services import welcome_calls
from bot.texts import welcome_calls as texts
from cogs._text import mention


def when(moment: datetime) -> str:
    """A time on each reader's own clock."""
    return discord.utils.format_dt(moment, "F")


def relative(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "R")


def where(call: welcome_calls.CallEvent) -> str:
    if call.channel_id is not None:
        return texts.WHERE_VOICE.format(channel=call.channel_id)
    return texts.WHERE_LINK.format(location=call.location or "")


def local_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def invite_text(invite: welcome_calls.Invite) -> str:
    call = invite.call
    return texts.INVITE.format(
        host=mention(call.host_user_id),
        when=when(call.starts_at),
        relative=relative(call.starts_at),
        size=call.size,
        where=where(call),
    )


def reminder_text(invite: welcome_calls.Invite) -> str:
    call = invite.call
    template = texts.REMIND_HOUR if invite.reminder == welcome_calls.Reminder.HOUR else texts.REMIND_DAY
    return template.format(
        host=mention(call.host_user_id),
        when=when(call.starts_at),
        relative=relative(call.starts_at),
        where=where(call),
    )


def hosted_text(hosted: welcome_calls.Hosted) -> str:
    call = hosted.call
    text = texts.HOSTED.format(
        weekday=texts.WEEKDAYS[hosted.weekday],
        time=local_time(hosted.local_minute),
        zone=hosted.timezone,
        band=call.band.label,
        size=call.size,
        when=when(call.starts_at),
    )
    return text + (texts.HOSTED_VOICE.format(channel=call.channel_id) if call.channel_id is not None else "")


def listing_text(listed: list[welcome_calls.Listed]) -> str:
    if not listed:
        return texts.LIST_NONE
    lines = [texts.LIST_HEAD]
    for item in listed:
        lines.append(
            texts.LIST_LINE.format(
                id=item.call.call_id,
                band=item.call.band.label,
                weekday=texts.WEEKDAYS[item.weekday],
                time=local_time(item.local_minute),
                zone=item.timezone,
                host=mention(item.call.host_user_id),
                when=when(item.call.starts_at),
                interested=item.interested,
                invited=item.invited,
                size=item.call.size,
            )
        )
    return "\n".join(lines)
