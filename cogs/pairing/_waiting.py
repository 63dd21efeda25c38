"""A waiting member's standing as Discord text: their place, the rough wait, what to do meanwhile."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.services import waiting
from bot.texts import pairing as texts
from db.enums import WaitBucket

if TYPE_CHECKING:
    from bot.bot import GroundworkBot


def batch_every(bot: GroundworkBot) -> timedelta:
    """How often the pairing batch proposes mentors (the next chance for a free place)."""
    return timedelta(hours=bot.settings.scheduler.pairing_batch_hours)


def about(value: timedelta) -> str:
    """ "a day", "5 days", "3 weeks", "4 months": a wait as a member reads it (rounded up)."""
    days = max(math.ceil(value / timedelta(days=1)), 1)
    if days == 1:
        return texts.WAIT_A_DAY
    if days < 14:
        return texts.WAIT_DAYS.format(count=days)
    if days < 63:
        return texts.WAIT_WEEKS.format(count=round(days / 7))
    return texts.WAIT_MONTHS.format(count=round(days / 30))


def wait_text(update: waiting.WaitUpdate) -> str:
    wait = update.wait
    place = (
        texts.WAIT_PLACE_NEXT
        if wait.position == 1
        else texts.WAIT_PLACE_NUMBER.format(position=wait.position)
    )
    standing = texts.WAIT_STANDING[update.bucket].format(
        place=place, wait=about(wait.expected) if wait.expected is not None else ""
    )
    opening = texts.WAIT_OPENING[update.news].format(since=discord.utils.format_dt(update.waiting_since, "D"))
    if update.bucket != WaitBucket.ROOM:  # a free place needs no further word: the mentor comes
        standing = f"{standing} {texts.WAIT_LATER}"
    lines = [opening, standing, "", texts.MEANWHILE_TITLE]
    lines += [texts.MEANWHILE[item] for item in update.meanwhile]
    return "\n".join(lines)
